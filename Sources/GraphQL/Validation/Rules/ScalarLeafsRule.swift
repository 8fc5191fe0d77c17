/// [Leaf Field Selections](https://spec.graphql.org/draft/#sec-Leaf-Field-Selections): scalars
/// and enums have no selection set, everything else needs one.
final class ScalarLeafsRule: ValidationRule {
    static let name = "ScalarLeafsRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .field(let field) = node, let type = context.typeInfo.type,
            let named = context.schema.namedType(of: type)
        else { return .proceed }
        let fieldName = field.name.value
        if named.isLeaf {
            if let selectionSet = field.selectionSet {
                context.report(
                    "Field '\(fieldName)' must not have a selection since type '\(type)' has no subfields.", [selectionSet.location])
            }
        } else if field.selectionSet == nil {
            context.report(
                "Field '\(fieldName)' of type '\(type)' must have a selection of subfields. Did you mean '\(fieldName) { ... }'?",
                [field.location])
        }
        return .proceed
    }
}
