import JSON

/// Gateway limit (not a spec rule): an operation's fields nest at most `QueryLimits.maxDepth`
/// deep, fragments expanded.
final class QueryDepthLimitRule: ValidationRule {
    static let name = "QueryDepthLimitRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .operation(let operation) = node else { return .proceed }
        let depth = context.operationMetrics(operation).depth
        let limit = context.limits.maxDepth
        if depth > limit {
            context.reportLimit("Query depth \(depth) exceeds the maximum depth of \(limit).", limit: limit, actual: depth, at: operation)
        }
        return .skip
    }
}

extension ValidationContext {
    /// Limit errors carry `code: invalid_argument` with the limit and the measured value.
    func reportLimit(_ message: String, limit: Int, actual: Int, at operation: OperationDefinition) {
        report(
            GraphQLError(
                message, locations: [operation.location],
                extensions: ["code": .string("invalid_argument"), "limit": .number(JSONNumber(limit)), "actual": .number(JSONNumber(actual))]))
    }
}
