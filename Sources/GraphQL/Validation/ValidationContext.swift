/// What every rule can ask while the document is validated (graphql-js `ValidationContext`):
/// the schema, the document, the TypeInfo of the traversal, fragments by name, the spreads of a
/// selection set, the fragments an operation reaches, and the variables it uses. Errors go
/// through `report`, tagged with the rule that found them.
final class ValidationContext {
    /// graphql-core stops after this many errors and says so.
    static let maxErrors = 100

    let schema: GraphQLSchema
    let document: Document
    let typeInfo: TypeInfo
    let limits: QueryLimits
    fileprivate(set) var errors: [(rule: String, error: GraphQLError)] = []
    fileprivate(set) var isAborted = false
    /// The rule whose callback is running.
    var currentRule = ""

    /// By name; a later definition of the same name wins, as in graphql-core.
    let fragments: [String: FragmentDefinition]
    private var spreadsBySelectionSet: [SourceLocation: [FragmentSpread]] = [:]
    private var usagesByDefinition: [SourceLocation: [VariableUsage]] = [:]
    fileprivate lazy var measurer = OperationMeasurer(schema: schema, fragments: fragments)
    fileprivate var metricsByOperation: [SourceLocation: OperationMetrics] = [:]

    init(schema: GraphQLSchema, document: Document, limits: QueryLimits) {
        self.schema = schema
        self.document = document
        self.limits = limits
        self.typeInfo = TypeInfo(schema: schema)
        var fragments: [String: FragmentDefinition] = [:]
        for case .fragment(let fragment) in document.definitions { fragments[fragment.name.value] = fragment }
        self.fragments = fragments
    }

    func report(_ error: GraphQLError) {
        guard !isAborted else { return }
        if errors.count >= Self.maxErrors {
            errors.append(("", GraphQLError("Too many validation errors, error limit reached. Validation aborted.")))
            isAborted = true
            return
        }
        errors.append((currentRule, error))
    }

    func report(_ message: String, _ locations: [SourceLocation]) {
        report(GraphQLError(message, locations: locations))
    }

    /// Every spread inside a selection set, nested ones included, in graphql-core's order
    /// (the set's own spreads first, then nested sets last-first).
    func fragmentSpreads(_ selectionSet: SelectionSet) -> [FragmentSpread] {
        if let cached = spreadsBySelectionSet[selectionSet.location] { return cached }
        var spreads: [FragmentSpread] = []
        var setsToVisit = [selectionSet]
        while let set = setsToVisit.popLast() {
            for selection in set.selections {
                switch selection {
                case .fragmentSpread(let spread): spreads.append(spread)
                case .field(let field): if let nested = field.selectionSet { setsToVisit.append(nested) }
                case .inlineFragment(let fragment): setsToVisit.append(fragment.selectionSet)
                }
            }
        }
        spreadsBySelectionSet[selectionSet.location] = spreads
        return spreads
    }

    /// The fragments the operations spread, directly or through other fragments, in discovery order.
    func recursivelyReferencedFragments(_ operations: [OperationDefinition]) -> [FragmentDefinition] {
        var names: [String] = []
        var collected: Set<String> = []
        for operation in operations {
            for spread in fragmentSpreads(operation.selectionSet) where collected.insert(spread.name.value).inserted {
                names.append(spread.name.value)
            }
        }
        var result: [FragmentDefinition] = []
        var index = 0
        while index < names.count {
            if let fragment = fragments[names[index]] {
                result.append(fragment)
                for spread in fragmentSpreads(fragment.selectionSet) where collected.insert(spread.name.value).inserted {
                    names.append(spread.name.value)
                }
            }
            index += 1
        }
        return result
    }

    /// A variable used as a value, with the input type expected where it is used.
    struct VariableUsage {
        var name: String
        var location: SourceLocation
        var type: GraphQLType?
        /// Whether the argument or input field it fills has a schema default.
        var hasLocationDefault: Bool
        /// The input type around the position (an input object for a field's value).
        var parentType: GraphQLType?
    }

    func variableUsages(_ operation: OperationDefinition) -> [VariableUsage] {
        usages(key: operation.location) { $0.walk(operation) }
    }

    func variableUsages(_ fragment: FragmentDefinition) -> [VariableUsage] {
        usages(key: fragment.location) { $0.walk(fragment) }
    }

    /// The operation's usages, then those of every fragment it reaches.
    func recursiveVariableUsages(_ operation: OperationDefinition) -> [VariableUsage] {
        variableUsages(operation) + recursivelyReferencedFragments([operation]).flatMap { variableUsages($0) }
    }

    private func usages(key: SourceLocation, walk: (ASTWalker) -> Void) -> [VariableUsage] {
        if let cached = usagesByDefinition[key] { return cached }
        let typeInfo = TypeInfo(schema: schema)
        let collector = VariableUsageCollector(typeInfo: typeInfo)
        walk(ASTWalker(typeInfo: typeInfo, visitor: collector))
        usagesByDefinition[key] = collector.usages
        return collector.usages
    }
}

private final class VariableUsageCollector: ASTVisitor {
    let typeInfo: TypeInfo
    var usages: [ValidationContext.VariableUsage] = []

    init(typeInfo: TypeInfo) {
        self.typeInfo = typeInfo
    }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .variableDefinition:
            return .skip
        case .value(let value):
            if case .variable(let name) = value.kind {
                usages.append(.init(name: name, location: value.location, type: typeInfo.inputType, hasLocationDefault: typeInfo.hasDefaultValue,
                                    parentType: typeInfo.parentInputType))
            }
            return .proceed
        default:
            return .proceed
        }
    }

    func leave(_ node: VisitNode) {}
}

extension ValidationContext {
    /// Depth, aliases and cost of an operation, measured once for the three limit rules.
    func operationMetrics(_ operation: OperationDefinition) -> OperationMetrics {
        if let known = metricsByOperation[operation.location] { return known }
        let metrics = measurer.measure(operation)
        metricsByOperation[operation.location] = metrics
        return metrics
    }

    /// Ends validation with `message` as the last error (graphql-core's ValidationAbortedError).
    func abort(_ message: String) {
        guard !isAborted else { return }
        errors.append((currentRule, GraphQLError(message)))
        isAborted = true
    }
}
