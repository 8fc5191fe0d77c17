/// Bounds on what one document may make the parser do. Every limit is checked before the work
/// it guards, so a hostile body costs at most these amounts of memory and time.
public struct JSONLimits: Sendable, Equatable {
    /// Containers open at once. The 65th `[` or `{` is an error. Parsing keeps its own stack and
    /// never recurses, but serializing, comparing and releasing a tree do, so raise this with care.
    public var maxDepth: Int
    /// Size of the whole document, checked before anything is read.
    public var maxBytes: Int
    /// One string or key, counted in source bytes between the quotes (escapes count as written).
    public var maxStringBytes: Int
    /// One number's text. Nothing legitimate needs hundreds of digits, and long digit runs are
    /// what makes decimal-to-binary conversion slow.
    public var maxNumberLength: Int

    public init(
        maxDepth: Int = 64,
        maxBytes: Int = 16 << 20,
        maxStringBytes: Int = 8 << 20,
        maxNumberLength: Int = 400
    ) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxStringBytes = maxStringBytes
        self.maxNumberLength = maxNumberLength
    }
}
