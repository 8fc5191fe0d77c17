/// [Single Root Field](https://spec.graphql.org/draft/#sec-Single-Root-Field): a subscription
/// selects exactly one top-level field, not an introspection field, and not conditionally.
final class SingleFieldSubscriptionsRule: ValidationRule {
    static let name = "SingleFieldSubscriptionsRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .operation(let operation) = node, operation.operation == .subscription,
            let subscriptionType = context.schema.subscriptionType
        else { return .proceed }
        let label = operation.name.map { "Subscription '\($0.value)'" } ?? "Anonymous Subscription"
        var groups: [(key: String, fields: [Field])] = []
        var forbidden: [Directive] = []
        var visitedFragments: Set<String> = []
        collect(operation.selectionSet, subscriptionType, &groups, &forbidden, &visitedFragments)
        if !forbidden.isEmpty {
            context.report(
                "\(label) must not use `@skip` or `@include` directives in the top level selection.", forbidden.map(\.location))
            return .proceed
        }
        if groups.isEmpty {
            context.report("\(label) must select one top level field.", [operation.selectionSet.location])
        } else if groups.count > 1 {
            context.report("\(label) must select only one top level field.", groups.dropFirst().flatMap { $0.fields.map(\.location) })
        }
        for group in groups where group.fields[0].name.value.hasPrefix("__") {
            context.report("\(label) must not select an introspection top level field.", group.fields.map(\.location))
        }
        return .proceed
    }

    private func collect(
        _ selectionSet: SelectionSet, _ typeName: String, _ groups: inout [(key: String, fields: [Field])],
        _ forbidden: inout [Directive], _ visitedFragments: inout Set<String>
    ) {
        for selection in selectionSet.selections {
            let conditional = selection.directives.filter { $0.name.value == "skip" || $0.name.value == "include" }
            if !conditional.isEmpty {
                forbidden += conditional
                continue
            }
            switch selection {
            case .field(let field):
                if let index = groups.firstIndex(where: { $0.key == field.responseKey }) {
                    groups[index].fields.append(field)
                } else {
                    groups.append((field.responseKey, [field]))
                }
            case .inlineFragment(let fragment):
                if let condition = fragment.typeCondition, !context.schema.isPossibleType(typeName, of: condition.value) { continue }
                collect(fragment.selectionSet, typeName, &groups, &forbidden, &visitedFragments)
            case .fragmentSpread(let spread):
                guard visitedFragments.insert(spread.name.value).inserted, let fragment = context.fragments[spread.name.value],
                    context.schema.isPossibleType(typeName, of: fragment.typeCondition.value)
                else { continue }
                collect(fragment.selectionSet, typeName, &groups, &forbidden, &visitedFragments)
            }
        }
    }
}
