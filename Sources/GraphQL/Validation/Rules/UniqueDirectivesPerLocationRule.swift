/// [Directives Are Unique Per Location](https://spec.graphql.org/draft/#sec-Directives-Are-Unique-Per-Location),
/// unless the directive is repeatable.
final class UniqueDirectivesPerLocationRule: ValidationRule {
    static let name = "UniqueDirectivesPerLocationRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        let directives: [Directive]
        switch node {
        case .operation(let operation): directives = operation.directives
        case .fragment(let fragment): directives = fragment.directives
        case .variableDefinition(let definition): directives = definition.directives
        case .field(let field): directives = field.directives
        case .fragmentSpread(let spread): directives = spread.directives
        case .inlineFragment(let fragment): directives = fragment.directives
        default: return .proceed
        }
        var seen: [String: Directive] = [:]
        for directive in directives {
            let name = directive.name.value
            guard let definition = context.schema.directive(named: name), !definition.isRepeatable else { continue }
            if let first = seen[name] {
                context.report("The directive '@\(name)' can only be used once at this location.", [first.location, directive.location])
            } else {
                seen[name] = directive
            }
        }
        return .proceed
    }
}
