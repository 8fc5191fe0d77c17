/// Why a serialized graph was refused. The store answers any of these the same way (rebuild
/// the graph in the background, scan meanwhile); the code says what to log.
public struct HNSWFormatError: Error, Hashable, CustomStringConvertible {
    /// A struct over a private enum, so a new code breaks no caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case truncated, badMagic, unsupportedVersion, checksumMismatch, inconsistent, vectorsMissing
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Shorter (or longer) than its header's counts say.
        public static let truncated = Code(.truncated)
        /// Not a serialized HNSW graph.
        public static let badMagic = Code(.badMagic)
        /// Written by a format this build does not read.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A byte changed since it was written.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// Checksummed but impossible: a link past the nodes, a count past its list, a bad level.
        public static let inconsistent = Code(.inconsistent)
        /// Written without vectors, and none (or the wrong number) were supplied.
        public static let vectorsMissing = Code(.vectorsMissing)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "hnsw graph \(code): \(message)" }
}
