/// [Required Arguments](https://spec.graphql.org/draft/#sec-Required-Arguments): non-null
/// arguments without a default are given, on fields and directives alike.
final class ProvidedRequiredArgumentsRule: ValidationRule {
    static let name = "ProvidedRequiredArgumentsRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction { .proceed }

    func leave(_ node: VisitNode) {
        switch node {
        case .field(let field):
            guard let definition = context.typeInfo.fieldDefinition else { return }
            let given = Set(field.arguments.map(\.name.value))
            for argument in definition.arguments where !given.contains(argument.name) && isRequired(argument) {
                let prefix: String
                if let type = context.typeInfo.type, IntrospectionTypes.names.contains(type.namedType) {
                    prefix = "<meta>."
                } else {
                    prefix = context.typeInfo.parentType.map { "\($0.name)." } ?? ""
                }
                context.report(
                    "Argument '\(prefix)\(field.name.value)(\(argument.name):)' of type '\(argument.type)' is required, but it was not provided.",
                    [field.location])
            }
        case .directive(let directive, _):
            guard let definition = context.schema.directive(named: directive.name.value) else { return }
            let given = Set(directive.arguments.map(\.name.value))
            for argument in definition.arguments where !given.contains(argument.name) && isRequired(argument) {
                context.report(
                    "Argument '@\(directive.name.value)(\(argument.name):)' of type '\(argument.type)' is required, but it was not provided.",
                    [directive.location])
            }
        default:
            break
        }
    }

    private func isRequired(_ argument: GraphQLInputValue) -> Bool { argument.type.isNonNull && argument.defaultValue == nil }
}
