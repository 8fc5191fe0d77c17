/// Bounds on what one request may ask for, so a single query cannot make the gateway walk an
/// enormous response. Checked during validation (QueryDepthLimitRule, AliasLimitRule,
/// QueryCostLimitRule) through fragment spreads, per operation. The defaults admit graphql-core's
/// full introspection query (depth 15, no aliases, cost 232).
public struct QueryLimits: Sendable {
    /// Deepest field nesting: `{ a { b } }` has depth 2.
    public var maxDepth: Int
    /// Aliased fields per operation, fragments expanded.
    public var maxAliases: Int
    /// The cost model of QueryCostLimitRule.
    public var maxCost: Int

    public init(maxDepth: Int = 15, maxAliases: Int = 30, maxCost: Int = 5_000) {
        self.maxDepth = maxDepth
        self.maxAliases = maxAliases
        self.maxCost = maxCost
    }

    /// No bound at all, for comparing against graphql-core, which has none.
    static let unlimited = QueryLimits(maxDepth: .max, maxAliases: .max, maxCost: .max)
}
