/// Why a document was rejected, and where.
///
/// `offset` is the first byte at which the input stops being the start of a valid document: the
/// byte the grammar cannot accept, or the input's length when it ended too early. Limit errors
/// and lone surrogates point at the start of the token they concern (the opening quote, the
/// number's first byte, the `\` of the escape, the bracket that went one level too deep).
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A short sentence for logs and 400 bodies, e.g. "expected ':' after object key".
    public var message: String
    /// Zero-based byte offset into the input.
    public var offset: Int
    /// One-based line; only LF starts a new line.
    public var line: Int
    /// One-based column, counted in bytes (not characters) from the start of the line.
    public var column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String {
        "\(message) at line \(line), column \(column) (byte \(offset))"
    }
}

extension JSONError {
    /// Builds an error for `offset` in `bytes`, working out line and column only now: errors are
    /// rare, so the scanners never track lines.
    init(_ message: String, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        var line = 1
        var lineStart = 0
        var index = 0
        let end = min(offset, bytes.count)
        while index < end {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        self.init(message: message, offset: offset, line: line, column: offset - lineStart + 1)
    }
}
