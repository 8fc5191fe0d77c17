/// Gateway limit (not a spec rule): an operation uses at most `QueryLimits.maxAliases` aliases,
/// fragments expanded, so aliases cannot multiply an expensive field.
final class AliasLimitRule: ValidationRule {
    static let name = "AliasLimitRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .operation(let operation) = node else { return .proceed }
        let aliases = context.operationMetrics(operation).aliases
        let limit = context.limits.maxAliases
        if aliases > limit {
            context.reportLimit("Query uses \(aliases) aliases, more than the maximum of \(limit).", limit: limit, actual: aliases, at: operation)
        }
        return .skip
    }
}
