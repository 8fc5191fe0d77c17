/// [Fragments Must Be Used](https://spec.graphql.org/draft/#sec-Fragments-Must-Be-Used).
final class NoUnusedFragmentsRule: ValidationRule {
    static let name = "NoUnusedFragmentsRule"
    let context: ValidationContext
    private var operations: [OperationDefinition] = []
    private var fragments: [FragmentDefinition] = []
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .operation(let operation):
            operations.append(operation)
            return .skip
        case .fragment(let fragment):
            fragments.append(fragment)
            return .skip
        default:
            return .proceed
        }
    }

    func leave(_ node: VisitNode) {
        guard case .document = node else { return }
        let used = Set(context.recursivelyReferencedFragments(operations).map(\.name.value))
        for fragment in fragments where !used.contains(fragment.name.value) {
            context.report("Fragment '\(fragment.name.value)' is never used.", [fragment.location])
        }
    }
}
