/// Incremental newline-delimited JSON splitter (Ollama's streaming format, `application/x-ndjson`):
/// feed it body bytes as they arrive, in any split, and it returns each complete line's bytes,
/// without the line end ("\n", or "\r\n"). Blank lines are skipped. Parsing each line is the
/// caller's: this only frames. No I/O; a line over `maxLineBytes` is an error.
/// Runs on: whichever thread feeds it (a value type, no locks).
public struct NDJSONDecoder: Sendable {
    public enum Failure: Error, Sendable, Equatable {
        case lineTooLong(limit: Int)
    }

    public let maxLineBytes: Int
    private var pending: [UInt8] = []

    public init(maxLineBytes: Int = 1 << 20) {
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// The lines completed by `bytes`, in order.
    public mutating func feed(_ bytes: [UInt8]) throws(Failure) -> [[UInt8]] {
        try feed(bytes[...])
    }

    /// The same for a slice (concrete, so that a caller in another module gets a specialised loop).
    public mutating func feed(_ bytes: ArraySlice<UInt8>) throws(Failure) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var rest = bytes
        while let nl = rest.firstIndex(of: UInt8(ascii: "\n")) {
            let piece = rest[..<nl]
            guard pending.count + piece.count <= maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
            pending.append(contentsOf: piece)
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if !pending.isEmpty { lines.append(pending) }
            pending = []
            rest = rest[rest.index(after: nl)...]
        }
        guard pending.count + rest.count <= maxLineBytes else { throw .lineTooLong(limit: maxLineBytes) }
        pending.append(contentsOf: rest)
        return lines
    }

    /// The stream ended: a last line without its newline still counts (nil when nothing is left).
    public mutating func finish() -> [UInt8]? {
        defer { pending = [] }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return pending.isEmpty ? nil : pending
    }
}
