/// [All Variable Uses Defined](https://spec.graphql.org/draft/#sec-All-Variable-Uses-Defined),
/// through every fragment the operation spreads.
final class NoUndefinedVariablesRule: ValidationRule {
    static let name = "NoUndefinedVariablesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .operation(let operation) = node else { return .proceed }
        let defined = Set(operation.variableDefinitions.map(\.variable.value))
        for usage in context.recursiveVariableUsages(operation) where !defined.contains(usage.name) {
            let message =
                if let name = operation.name {
                    "Variable '$\(usage.name)' is not defined by operation '\(name.value)'."
                } else {
                    "Variable '$\(usage.name)' is not defined."
                }
            context.report(message, [usage.location, operation.location])
        }
        return .proceed
    }
}
