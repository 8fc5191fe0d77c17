/// [Variables Are Input Types](https://spec.graphql.org/draft/#sec-Variables-Are-Input-Types).
final class VariablesAreInputTypesRule: ValidationRule {
    static let name = "VariablesAreInputTypesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        if case .variableDefinition(let definition) = node, let type = context.schema.type(of: definition.type), !type.isInputType {
            context.report(
                "Variable '$\(definition.variable.value)' cannot be non-input type '\(definition.type)'.", [definition.type.location])
        }
        return .proceed
    }
}
