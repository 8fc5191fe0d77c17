/// [Fragment Spread Target Defined](https://spec.graphql.org/draft/#sec-Fragment-spread-target-defined).
final class KnownFragmentNamesRule: ValidationRule {
    static let name = "KnownFragmentNamesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        if case .fragmentSpread(let spread) = node, context.fragments[spread.name.value] == nil {
            context.report("Unknown fragment '\(spread.name.value)'.", [spread.name.location])
        }
        return .proceed
    }
}
