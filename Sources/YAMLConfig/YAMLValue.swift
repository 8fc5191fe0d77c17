/// Where a node or an error starts: 1-based line, and 1-based column counted in Unicode scalars.
public struct YAMLPosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// How a scalar was written. Only plain scalars can be numbers, booleans or null: a quoted
/// scalar is always a string (the YAML 1.2 core schema).
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted
}

/// A document as a tree without positions; what tests and callers compare against.
public indirect enum YAMLValue: Sendable, Equatable {
    /// `~`, `null`, `Null`, `NULL`, or nothing at all (`key:`).
    case null
    case scalar(String, YAMLScalarStyle)
    case sequence([YAMLValue])
    /// Entries in document order; keys are unique.
    case mapping([(key: String, value: YAMLValue)])

    public static func == (a: YAMLValue, b: YAMLValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.scalar(x, s), .scalar(y, t)): return x == y && s == t
        case let (.sequence(x), .sequence(y)): return x == y
        case let (.mapping(x), .mapping(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// A parsed node with the position of its first character, so that the decoder can name the
/// line of a value it rejects.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case null
        case scalar(String, YAMLScalarStyle)
        case sequence([YAMLNode])
        case mapping([Entry])
    }

    public struct Entry: Sendable {
        public var key: String
        public var keyPosition: YAMLPosition
        public var value: YAMLNode
    }

    public var content: Content
    public var position: YAMLPosition

    public init(_ content: Content, at position: YAMLPosition) {
        self.content = content
        self.position = position
    }

    /// The tree without positions.
    public var value: YAMLValue {
        switch content {
        case .null: return .null
        case let .scalar(s, style): return .scalar(s, style)
        case let .sequence(items): return .sequence(items.map(\.value))
        case let .mapping(entries): return .mapping(entries.map { (key: $0.key, value: $0.value.value) })
        }
    }

    public var isNull: Bool {
        if case .null = content { return true }
        return false
    }
}

/// A document the reader refuses: malformed, or outside the supported subset.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: YAMLPosition
    /// The mapping keys and sequence indices leading to the error, outermost first.
    public var path: [String]

    public init(_ message: String, at position: YAMLPosition, path: [String] = []) {
        self.message = message
        self.position = position
        self.path = path
    }

    public var description: String { "\(position): \(message)" }
}
