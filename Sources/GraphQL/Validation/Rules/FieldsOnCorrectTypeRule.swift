/// [Field Selections](https://spec.graphql.org/draft/#sec-Field-Selections): a selected field
/// exists on the parent type; the message suggests types or fields as graphql-core does.
final class FieldsOnCorrectTypeRule: ValidationRule {
    static let name = "FieldsOnCorrectTypeRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .field(let field) = node, let parentType = context.typeInfo.parentType,
            context.typeInfo.fieldDefinition == nil
        else { return .proceed }
        let fieldName = field.name.value
        var suggestion = Suggestions.didYouMean(suggestedTypeNames(parentType, fieldName), "to use an inline fragment on")
        if suggestion.isEmpty {
            suggestion = Suggestions.didYouMean(Suggestions.suggestionList(fieldName, parentType.fields.map(\.name)))
        }
        context.report("Cannot query field '\(fieldName)' on type '\(parentType.name)'." + suggestion, [field.location])
        return .proceed
    }

    /// Types within an abstract type that have the field: most used first, interfaces before
    /// their implementations, then by name.
    private func suggestedTypeNames(_ type: GraphQLNamedType, _ fieldName: String) -> [String] {
        guard type.isAbstract else { return [] }
        let schema = context.schema
        var suggested: [GraphQLNamedType] = []
        var usageCount: [String: Int] = [:]
        for name in schema.possibleTypes(of: type.name) {
            guard let possible = schema.type(named: name), possible.field(named: fieldName) != nil else { continue }
            if usageCount[name] == nil { suggested.append(possible) }
            usageCount[name] = 1
            for interfaceName in possible.interfaces {
                guard let interface = schema.type(named: interfaceName), interface.field(named: fieldName) != nil else { continue }
                if usageCount[interfaceName] == nil { suggested.append(interface) }
                usageCount[interfaceName, default: 0] += 1
            }
        }
        func compare(_ a: GraphQLNamedType, _ b: GraphQLNamedType) -> Int {
            let difference = usageCount[b.name, default: 0] - usageCount[a.name, default: 0]
            if difference != 0 { return difference }
            if case .interface = a.kind, schema.isSubType(a.name, b.name) { return -1 }
            if case .interface = b.kind, schema.isSubType(b.name, a.name) { return 1 }
            return Suggestions.naturalCompare(a.name, b.name)
        }
        // A stable insertion sort, like Python's `sorted` with this comparator.
        var sorted: [GraphQLNamedType] = []
        for candidate in suggested {
            var index = sorted.count
            while index > 0 && compare(sorted[index - 1], candidate) > 0 { index -= 1 }
            sorted.insert(candidate, at: index)
        }
        return sorted.map(\.name)
    }
}
