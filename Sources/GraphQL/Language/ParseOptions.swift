/// Limits that bound the work one document can cause before validation sees it.
public struct ParseOptions: Sendable {
    /// The most tokens (comments not counted, as in graphql-js `maxTokens`) a document may have.
    public var maxTokens: Int = 15_000
    /// The most selection sets, list or object values, or list types that may enclose each other;
    /// bounds the parser's recursion so no document can exhaust the stack.
    public var maxNestingDepth: Int = 128

    public init(maxTokens: Int = 15_000, maxNestingDepth: Int = 128) {
        self.maxTokens = maxTokens
        self.maxNestingDepth = maxNestingDepth
    }
}
