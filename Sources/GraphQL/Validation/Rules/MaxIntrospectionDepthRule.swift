/// graphql-core's recommended MaxIntrospectionDepthRule (not a spec rule): an introspection
/// query may nest the list fields `fields`, `interfaces`, `possibleTypes` and `inputFields` at
/// most twice below `__schema` or `__type`, so introspection cannot be made to explode.
final class MaxIntrospectionDepthRule: ValidationRule {
    static let name = "MaxIntrospectionDepthRule"
    static let maxListDepth = 3
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .field(let field) = node, field.name.value == "__schema" || field.name.value == "__type" else { return .proceed }
        var visited: [String: Int] = [:]
        if exceedsDepth(.field(field), depth: 0, visited: &visited) {
            context.report("Maximum introspection depth exceeded", [field.location])
            return .skip
        }
        return .proceed
    }

    private func exceedsDepth(_ selection: Selection, depth: Int, visited: inout [String: Int]) -> Bool {
        var depth = depth
        let selectionSet: SelectionSet?
        switch selection {
        case .fragmentSpread(let spread):
            let name = spread.name.value
            if visited[name, default: -1] >= depth { return false }
            guard let fragment = context.fragments[name] else { return false }
            visited[name] = depth
            return fragment.selectionSet.selections.contains { exceedsDepth($0, depth: depth, visited: &visited) }
        case .field(let field):
            if ["fields", "interfaces", "possibleTypes", "inputFields"].contains(field.name.value) {
                depth += 1
                if depth >= Self.maxListDepth { return true }
            }
            selectionSet = field.selectionSet
        case .inlineFragment(let fragment):
            selectionSet = fragment.selectionSet
        }
        guard let selectionSet else { return false }
        for child in selectionSet.selections where exceedsDepth(child, depth: depth, visited: &visited) { return true }
        return false
    }
}
