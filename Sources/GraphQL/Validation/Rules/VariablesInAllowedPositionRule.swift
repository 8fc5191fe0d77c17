/// [All Variable Usages Are Allowed](https://spec.graphql.org/draft/#sec-All-Variable-Usages-are-Allowed):
/// a variable's type fits every position it is used in (a nullable variable may fill a
/// non-null position only when it or the position has a default).
final class VariablesInAllowedPositionRule: ValidationRule {
    static let name = "VariablesInAllowedPositionRule"
    let context: ValidationContext
    private var definitions: [String: VariableDefinition] = [:]
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        if case .operation(let operation) = node {
            definitions = [:]
            for definition in operation.variableDefinitions { definitions[definition.variable.value] = definition }
        }
        return .proceed
    }

    func leave(_ node: VisitNode) {
        guard case .operation(let operation) = node else { return }
        let schema = context.schema
        for usage in context.recursiveVariableUsages(operation) {
            guard let definition = definitions[usage.name], let locationType = usage.type,
                let variableType = schema.resolve(definition.type)
            else { continue }
            if !isAllowed(variableType, definition.defaultValue, locationType, usage.hasLocationDefault) {
                context.report(
                    "Variable '$\(usage.name)' of type '\(variableType)' used in position expecting type '\(locationType)'.",
                    [definition.location, usage.location])
            }
            // graphql-core 3.3: a oneOf field may not be filled by a variable that could be null.
            if case .named(let parentName)? = usage.parentType, schema.type(named: parentName)?.isOneOf == true,
                !variableType.isNonNull
            {
                context.report(
                    "Variable '$\(usage.name)' is of type '\(variableType)' but must be non-nullable to be used for OneOf Input Object '\(parentName)'.",
                    [definition.location, usage.location])
            }
        }
    }

    private func isAllowed(_ variableType: GraphQLType, _ variableDefault: Value?, _ locationType: GraphQLType, _ locationHasDefault: Bool) -> Bool {
        if case .nonNull(let nullableLocation) = locationType, !variableType.isNonNull {
            var hasNonNullVariableDefault = false
            if let variableDefault, case .null = variableDefault.kind {} else if variableDefault != nil { hasNonNullVariableDefault = true }
            if !hasNonNullVariableDefault && !locationHasDefault { return false }
            return context.schema.isTypeSubTypeOf(variableType, nullableLocation)
        }
        return context.schema.isTypeSubTypeOf(variableType, locationType)
    }
}
