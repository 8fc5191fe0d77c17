extension PatternCore {
    /// The wall-clock time by the core's own (injectable) clock, for the `created` stamps the
    /// OpenAI-compatible answers carry, so a test with a manual clock sees its own time there.
    public func wallTime() -> UnixTime { wall.wallTime() }
}
