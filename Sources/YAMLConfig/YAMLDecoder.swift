/// Decodes `Decodable` types from a YAML document. Every failure is a `DecodingError` whose
/// coding path leads to the offending value and whose description starts with its line; a
/// document the parser refuses is `dataCorrupted` at the path where parsing stopped.
public struct YAMLDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let root: YAMLNode
        do {
            root = try YAMLParser.parse(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(
                codingPath: error.path.map { YAMLCodingKey(stringValue: $0) },
                debugDescription: error.description))
        }
        return try decode(type, from: root)
    }

    public func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode) throws -> T {
        try T(from: NodeDecoder(node: node, codingPath: []))
    }
}

/// A key built by the decoder: mapping keys as they are, sequence indices as their number.
public struct YAMLCodingKey: CodingKey, Sendable {
    public var stringValue: String
    public var intValue: Int?

    public init(stringValue: String) {
        self.stringValue = stringValue
        intValue = Int(stringValue)
    }

    public init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

struct NodeDecoder: Decoder {
    let node: YAMLNode
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch node.content {
        case let .mapping(entries):
            return KeyedDecodingContainer(KeyedContainer<Key>(node: node, entries: entries, codingPath: codingPath))
        // An empty document (or one of comments only) is an empty mapping: every default applies.
        case .null where codingPath.isEmpty:
            return KeyedDecodingContainer(KeyedContainer<Key>(node: node, entries: [], codingPath: codingPath))
        case .null:
            throw DecodingError.valueNotFound(
                [String: Any].self, ScalarConversion.context(node, codingPath, "expected a mapping, found null"))
        default:
            throw DecodingError.typeMismatch([String: Any].self, ScalarConversion.context(
                node, codingPath, "expected a mapping, found \(ScalarConversion.describe(node))"))
        }
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        switch node.content {
        case let .sequence(items):
            return UnkeyedContainer(node: node, items: items, codingPath: codingPath)
        case .null:
            throw DecodingError.valueNotFound(
                [Any].self, ScalarConversion.context(node, codingPath, "expected a sequence, found null"))
        default:
            throw DecodingError.typeMismatch([Any].self, ScalarConversion.context(
                node, codingPath, "expected a sequence, found \(ScalarConversion.describe(node))"))
        }
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }
}

extension NodeDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { node.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try ScalarConversion.bool(node, codingPath) }
    func decode(_ type: String.Type) throws -> String { try ScalarConversion.string(node, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try ScalarConversion.float(type, node, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try ScalarConversion.float(type, node, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try ScalarConversion.integer(type, node, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try ScalarConversion.integer(type, node, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}
