/// [Fragments On Composite Types](https://spec.graphql.org/draft/#sec-Fragments-On-Composite-Types).
final class FragmentsOnCompositeTypesRule: ValidationRule {
    static let name = "FragmentsOnCompositeTypesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .inlineFragment(let fragment):
            if let condition = fragment.typeCondition, let type = context.schema.type(named: condition.value), !type.isComposite {
                context.report("Fragment cannot condition on non composite type '\(condition.value)'.", [condition.location])
            }
        case .fragment(let fragment):
            let condition = fragment.typeCondition
            if let type = context.schema.type(named: condition.value), !type.isComposite {
                context.report(
                    "Fragment '\(fragment.name.value)' cannot condition on non composite type '\(condition.value)'.", [condition.location])
            }
        default:
            break
        }
        return .proceed
    }
}
