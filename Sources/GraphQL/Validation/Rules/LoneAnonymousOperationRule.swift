/// [Lone Anonymous Operation](https://spec.graphql.org/draft/#sec-Lone-Anonymous-Operation).
final class LoneAnonymousOperationRule: ValidationRule {
    static let name = "LoneAnonymousOperationRule"
    let context: ValidationContext
    private var operationCount = 0
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .document(let document):
            operationCount = document.definitions.filter { if case .operation = $0 { true } else { false } }.count
        case .operation(let operation) where operation.name == nil && operationCount > 1:
            context.report("This anonymous operation must be the only defined operation.", [operation.location])
        default:
            break
        }
        return .proceed
    }
}
