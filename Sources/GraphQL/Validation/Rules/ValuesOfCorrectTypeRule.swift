/// [Values of Correct Type](https://spec.graphql.org/draft/#sec-Values-of-Correct-Type): each
/// literal (argument values and variable defaults) fits the input type expected there. The
/// whole literal is checked at once, so nested values are skipped.
final class ValuesOfCorrectTypeRule: ValidationRule {
    static let name = "ValuesOfCorrectTypeRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .value(let value) = node else { return .proceed }
        let type: GraphQLType?
        switch value.kind {
        case .variable: return .proceed
        case .list: type = context.typeInfo.parentInputType
        default: type = context.typeInfo.inputType
        }
        if let type {
            LiteralValidation(schema: context.schema) { [context] message, location, _ in context.report(message, location.map { [$0] } ?? []) }
                .validate(value, type)
        }
        return .skip
    }
}
