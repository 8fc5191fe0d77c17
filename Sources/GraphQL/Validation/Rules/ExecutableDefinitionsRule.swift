/// [Executable Definitions](https://spec.graphql.org/draft/#sec-Executable-Definitions):
/// a request contains only operations and fragments.
final class ExecutableDefinitionsRule: ValidationRule {
    static let name = "ExecutableDefinitionsRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .document(let document) = node else { return .proceed }
        for case .typeSystem(let definition) in document.definitions {
            let name: String =
                switch definition {
                case .schema: "schema"
                case .type(let type): "'\(type.name.value)'"
                case .directive(let directive): "'\(directive.name.value)'"
                case .extensionDefinition(let kind, let name, _): kind == "schema" ? "schema" : "'\(name?.value ?? "")'"
                }
            context.report("The \(name) definition is not executable.", [definition.location])
        }
        return .skip
    }
}
