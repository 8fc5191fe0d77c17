/// [Operation Name Uniqueness](https://spec.graphql.org/draft/#sec-Operation-Name-Uniqueness).
final class UniqueOperationNamesRule: ValidationRule {
    static let name = "UniqueOperationNamesRule"
    let context: ValidationContext
    private var known: [String: Name] = [:]
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .operation(let operation):
            if let name = operation.name {
                if let first = known[name.value] {
                    context.report("There can be only one operation named '\(name.value)'.", [first.location, name.location])
                } else {
                    known[name.value] = name
                }
            }
            return .skip
        case .fragment:
            return .skip
        default:
            return .proceed
        }
    }
}
