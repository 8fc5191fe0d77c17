/// Depth, alias count and cost of an operation with its fragments expanded, for the query
/// limits. Each fragment is measured once (memoized by name), and a fragment met again while it
/// is still being measured counts as empty, so fragment cycles (reported by NoFragmentCycles)
/// and fragment fan-out cannot make this slow.
///
/// The cost model: every field costs 1. A field whose type is a list multiplies the cost of its
/// selection set by the list's expected size: its `limit` or `first` argument when written as an
/// integer literal, else that argument's schema default, else 10. Fields of the introspection
/// types and the meta-fields do not multiply (their lists are bounded by the schema), so full
/// introspection costs one per selected field. Arithmetic saturates instead of overflowing.
struct OperationMetrics {
    var depth = 0
    var aliases = 0
    var cost = 0

    static let defaultListSize = 10
    static let cap = Int.max / 4

    static func add(_ a: Int, _ b: Int) -> Int { min(cap, a + b) }

    static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? cap : min(cap, product)
    }
}

final class OperationMeasurer {
    private let schema: GraphQLSchema
    private let fragments: [String: FragmentDefinition]
    private var measured: [String: OperationMetrics] = [:]
    private var inProgress: Set<String> = []

    init(schema: GraphQLSchema, fragments: [String: FragmentDefinition]) {
        self.schema = schema
        self.fragments = fragments
    }

    func measure(_ operation: OperationDefinition) -> OperationMetrics {
        measure(operation.selectionSet, parentType: schema.rootType(for: operation.operation))
    }

    private func measure(_ selectionSet: SelectionSet, parentType: GraphQLNamedType?) -> OperationMetrics {
        var total = OperationMetrics()
        for selection in selectionSet.selections {
            let part: OperationMetrics
            switch selection {
            case .field(let field):
                part = measure(field, parentType: parentType)
            case .inlineFragment(let fragment):
                part = measure(fragment.selectionSet, parentType: fragment.typeCondition.map { schema.type(named: $0.value) } ?? parentType)
            case .fragmentSpread(let spread):
                part = measure(fragmentNamed: spread.name.value)
            }
            total.depth = max(total.depth, part.depth)
            total.aliases = OperationMetrics.add(total.aliases, part.aliases)
            total.cost = OperationMetrics.add(total.cost, part.cost)
        }
        return total
    }

    private func measure(fragmentNamed name: String) -> OperationMetrics {
        if let known = measured[name] { return known }
        guard let fragment = fragments[name], !inProgress.contains(name) else { return OperationMetrics() }
        inProgress.insert(name)
        let result = measure(fragment.selectionSet, parentType: schema.type(named: fragment.typeCondition.value))
        inProgress.remove(name)
        measured[name] = result
        return result
    }

    private func measure(_ field: Field, parentType: GraphQLNamedType?) -> OperationMetrics {
        let definition = parentType.flatMap { schema.fieldDefinition(on: $0, named: field.name.value) }
        var result = OperationMetrics(depth: 1, aliases: field.alias == nil ? 0 : 1, cost: 1)
        guard let selectionSet = field.selectionSet else { return result }
        let children = measure(selectionSet, parentType: definition.flatMap { schema.namedType(of: $0.type) })
        result.depth = OperationMetrics.add(children.depth, 1)
        result.aliases = OperationMetrics.add(result.aliases, children.aliases)
        let size = listSize(field, definition: definition, parentType: parentType)
        result.cost = OperationMetrics.add(1, OperationMetrics.multiply(children.cost, size))
        return result
    }

    /// How many items a field's list is expected to have; 1 when it is not a list.
    private func listSize(_ field: Field, definition: GraphQLField?, parentType: GraphQLNamedType?) -> Int {
        guard let definition, definition.type.isList, !field.name.value.hasPrefix("__"),
            let parentType, !IntrospectionTypes.names.contains(parentType.name)
        else { return 1 }
        for name in ["limit", "first"] {
            if let argument = field.arguments.first(where: { $0.name.value == name }), case .int(let text) = argument.value.kind {
                return max(0, Int(text) ?? OperationMetrics.cap)
            }
            if let defaultValue = definition.argument(named: name)?.defaultValue, case .int(let text) = defaultValue.kind {
                return max(0, Int(text) ?? OperationMetrics.cap)
            }
        }
        return OperationMetrics.defaultListSize
    }
}

fileprivate extension GraphQLType {
    /// Whether the type is a list once its outer `!` is removed.
    var isList: Bool {
        if case .list = nullable { true } else { false }
    }
}
