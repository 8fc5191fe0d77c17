/// [Variable Uniqueness](https://spec.graphql.org/draft/#sec-Variable-Uniqueness).
final class UniqueVariableNamesRule: ValidationRule {
    static let name = "UniqueVariableNamesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .operation(let operation) = node else { return .proceed }
        var groups: [String: [Name]] = [:]
        var order: [String] = []
        for definition in operation.variableDefinitions {
            let name = definition.variable.value
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(definition.variable)
        }
        for name in order where groups[name]!.count > 1 {
            // graphql-core points at the name after the `$`, which our AST locates at the `$`.
            let locations = groups[name]!.map { SourceLocation(line: $0.location.line, column: $0.location.column + 1) }
            context.report("There can be only one variable named '$\(name)'.", locations)
        }
        return .proceed
    }
}
