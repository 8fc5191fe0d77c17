/// [Directives Are Defined](https://spec.graphql.org/draft/#sec-Directives-Are-Defined) and
/// [Directives Are In Valid Locations](https://spec.graphql.org/draft/#sec-Directives-Are-In-Valid-Locations).
final class KnownDirectivesRule: ValidationRule {
    static let name = "KnownDirectivesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .directive(let directive, let location) = node else { return .proceed }
        let name = directive.name.value
        if let definition = context.schema.directive(named: name), !definition.locations.isEmpty {
            if !definition.locations.contains(location) {
                context.report("Directive '@\(name)' may not be used on \(location.messageName).", [directive.location])
            }
        } else {
            context.report("Unknown directive '@\(name)'.", [directive.location])
        }
        return .proceed
    }
}
