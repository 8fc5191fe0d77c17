/// Gateway limit (not a spec rule): an operation's estimated cost (the model is described on
/// `OperationMetrics`) is at most `QueryLimits.maxCost`.
final class QueryCostLimitRule: ValidationRule {
    static let name = "QueryCostLimitRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .operation(let operation) = node else { return .proceed }
        let cost = context.operationMetrics(operation).cost
        let limit = context.limits.maxCost
        if cost > limit {
            context.reportLimit("Query cost \(cost) exceeds the maximum cost of \(limit).", limit: limit, actual: cost, at: operation)
        }
        return .skip
    }
}
