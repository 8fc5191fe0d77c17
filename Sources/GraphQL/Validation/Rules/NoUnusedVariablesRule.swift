/// [All Variables Used](https://spec.graphql.org/draft/#sec-All-Variables-Used), through every
/// fragment the operation spreads.
final class NoUnusedVariablesRule: ValidationRule {
    static let name = "NoUnusedVariablesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .operation(let operation) = node else { return .proceed }
        let used = Set(context.recursiveVariableUsages(operation).map(\.name))
        for definition in operation.variableDefinitions where !used.contains(definition.variable.value) {
            let name = definition.variable.value
            let message =
                if let operationName = operation.name {
                    "Variable '$\(name)' is never used in operation '\(operationName.value)'."
                } else {
                    "Variable '$\(name)' is never used."
                }
            context.report(message, [definition.location])
        }
        return .proceed
    }
}
