/// [Input Object Field Uniqueness](https://spec.graphql.org/draft/#sec-Input-Object-Field-Uniqueness).
final class UniqueInputFieldNamesRule: ValidationRule {
    static let name = "UniqueInputFieldNamesRule"
    let context: ValidationContext
    private var knownNamesStack: [[String: Name]] = []
    private var knownNames: [String: Name] = [:]
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .value(let value):
            if case .object = value.kind {
                knownNamesStack.append(knownNames)
                knownNames = [:]
            }
        case .objectField(let field):
            if let first = knownNames[field.name.value] {
                context.report("There can be only one input field named '\(field.name.value)'.", [first.location, field.name.location])
            } else {
                knownNames[field.name.value] = field.name
            }
        default:
            break
        }
        return .proceed
    }

    func leave(_ node: VisitNode) {
        if case .value(let value) = node, case .object = value.kind { knownNames = knownNamesStack.removeLast() }
    }
}
