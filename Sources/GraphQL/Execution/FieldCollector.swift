import JSON

/// CollectFields (spec §6.3.2): the fields a selection set selects on one object type, grouped by
/// response key in the order the keys first appear, after @skip/@include and fragment type
/// conditions.
struct FieldCollector {
    let context: ExecutionContext
    let objectType: GraphQLNamedType
    private(set) var fields: [CollectedField] = []
    /// Few per selection set, so a list beats hashing.
    private var visitedFragments: [String] = []

    init(context: ExecutionContext, objectType: GraphQLNamedType) {
        self.context = context
        self.objectType = objectType
        fields.reserveCapacity(8)
    }

    mutating func collect(_ selectionSet: SelectionSet) {
        for selection in selectionSet.selections {
            switch selection {
            case .field(let field):
                guard includes(field.directives) else { continue }
                add(field)
            case .fragmentSpread(let spread):
                guard includes(spread.directives), !visitedFragments.contains(spread.name.value) else { continue }
                visitedFragments.append(spread.name.value)
                guard let fragment = context.fragments[spread.name.value],
                    applies(typeCondition: fragment.typeCondition.value)
                else { continue }
                collect(fragment.selectionSet)
            case .inlineFragment(let fragment):
                guard includes(fragment.directives) else { continue }
                if let condition = fragment.typeCondition, !applies(typeCondition: condition.value) { continue }
                collect(fragment.selectionSet)
            }
        }
    }

    private mutating func add(_ field: Field) {
        let key = field.responseKey
        for existing in fields where existing.responseKey == key {
            existing.nodes.append(field)
            return
        }
        fields.append(
            CollectedField(
                responseKey: key, fieldName: field.name.value, node: field,
                info: context.fieldInfo.info(type: objectType.name, field: field.name.value)))
    }

    /// DoesFragmentTypeApply (spec §6.3.2).
    private func applies(typeCondition: String) -> Bool {
        typeCondition == objectType.name || context.schema.isPossibleType(objectType.name, of: typeCondition)
    }

    /// @skip(if:) and @include(if:) (spec §3.13.2, §3.13.3).
    private func includes(_ directives: [Directive]) -> Bool {
        for directive in directives {
            switch directive.name.value {
            case "skip": if condition(of: directive) == true { return false }
            case "include": if condition(of: directive) == false { return false }
            default: continue
            }
        }
        return true
    }

    private func condition(of directive: Directive) -> Bool? {
        guard let argument = directive.arguments.first(where: { $0.name.value == "if" }) else { return nil }
        switch argument.value.kind {
        case .boolean(let value): return value
        case .variable(let name): return context.variables[name]?.boolValue
        default: return nil
        }
    }
}
