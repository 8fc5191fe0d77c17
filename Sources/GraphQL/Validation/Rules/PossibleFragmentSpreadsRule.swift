/// [Fragment Spread Is Possible](https://spec.graphql.org/draft/#sec-Fragment-spread-is-possible):
/// the fragment's type and the parent type have an object type in common.
final class PossibleFragmentSpreadsRule: ValidationRule {
    static let name = "PossibleFragmentSpreadsRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        let schema = context.schema
        switch node {
        case .inlineFragment(let fragment):
            guard let fragmentType = context.typeInfo.type.flatMap(schema.namedType(of:)), fragmentType.isComposite,
                let parentType = context.typeInfo.parentType, parentType.isComposite,
                !schema.doTypesOverlap(fragmentType, parentType)
            else { break }
            context.report(
                "Fragment cannot be spread here as objects of type '\(parentType.name)' can never be of type '\(fragmentType.name)'.",
                [fragment.location])
        case .fragmentSpread(let spread):
            let name = spread.name.value
            guard let fragment = context.fragments[name], let fragmentType = schema.type(named: fragment.typeCondition.value),
                fragmentType.isComposite, let parentType = context.typeInfo.parentType,
                !schema.doTypesOverlap(fragmentType, parentType)
            else { break }
            context.report(
                "Fragment '\(name)' cannot be spread here as objects of type '\(parentType.name)' can never be of type '\(fragmentType.name)'.",
                [spread.location])
        default:
            break
        }
        return .proceed
    }
}
