/// [Fragment Name Uniqueness](https://spec.graphql.org/draft/#sec-Fragment-Name-Uniqueness).
final class UniqueFragmentNamesRule: ValidationRule {
    static let name = "UniqueFragmentNamesRule"
    let context: ValidationContext
    private var known: [String: Name] = [:]
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .operation:
            return .skip
        case .fragment(let fragment):
            let name = fragment.name
            if let first = known[name.value] {
                context.report("There can be only one fragment named '\(name.value)'.", [first.location, name.location])
            } else {
                known[name.value] = name
            }
            return .skip
        default:
            return .proceed
        }
    }
}
