/// [Argument Names](https://spec.graphql.org/draft/#sec-Argument-Names): every argument is
/// defined by its field or directive.
final class KnownArgumentNamesRule: ValidationRule {
    static let name = "KnownArgumentNamesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .directive(let directive, _):
            guard let definition = context.schema.directive(named: directive.name.value) else { return .skip }
            let known = definition.arguments.map(\.name)
            for argument in directive.arguments where !known.contains(argument.name.value) {
                let name = argument.name.value
                context.report(
                    "Unknown argument '\(name)' on directive '@\(directive.name.value)'."
                        + Suggestions.didYouMean(Suggestions.suggestionList(name, known)), [argument.location])
            }
            return .skip
        case .argument(let argument):
            guard context.typeInfo.argument == nil, let field = context.typeInfo.fieldDefinition,
                let parentType = context.typeInfo.parentType
            else { return .proceed }
            let name = argument.name.value
            context.report(
                "Unknown argument '\(name)' on field '\(parentType.name).\(field.name)'."
                    + Suggestions.didYouMean(Suggestions.suggestionList(name, field.arguments.map(\.name))), [argument.location])
            return .proceed
        default:
            return .proceed
        }
    }
}
