import JSON

/// Result coercion of scalars and enums (spec §3.5 "Result Coercion", §3.9): what a leaf field
/// may return, with graphql-core's messages. Values already in the right form pass through
/// untouched, so the common case costs a type check.
enum LeafSerialization {
    struct Failure: Error {
        var text: String
    }

    /// What a leaf type is, decided once per field.
    enum Kind {
        case int, float, string, boolean, id
        /// `JSON` and any other custom scalar.
        case custom
        /// The enum's value names, for a linear scan (enums are small).
        case enumeration([String])

        init?(_ type: GraphQLNamedType) {
            switch type.kind {
            case .enumeration(let values): self = .enumeration(values.map(\.name))
            case .scalar:
                switch type.name {
                case "Int": self = .int
                case "Float": self = .float
                case "String": self = .string
                case "Boolean": self = .boolean
                case "ID": self = .id
                default: self = .custom
                }
            default: return nil
            }
        }
    }

    /// The value itself when it is valid output of its kind as it is (the common case), else nil
    /// (null, a value to convert, or an error: the caller takes the full path).
    @inline(__always)
    static func passThrough(_ json: JSONValue, kind: Kind) -> JSONValue? {
        // `.none`, never `nil`: JSONValue is ExpressibleByNilLiteral, so a bare `nil` next to a
        // JSONValue would mean `.null`.
        switch (kind, json) {
        case (.string, .string), (.boolean, .bool), (.id, .string): return json
        case (.custom, .null): return .none
        case (.custom, _): return json
        case (.int, .number(let number)): return isPlain32BitInteger(number) ? .some(json) : .none
        case (.float, .number(let number)): return isSurelyFinite(number) ? .some(json) : .none
        case (.enumeration(let names), .string(let name)): return names.contains(name) ? .some(json) : .none
        default: return .none
        }
    }

    /// Plain decimal digits (optionally negative, not "-0") within the 32-bit range.
    static func isPlain32BitInteger(_ number: JSONNumber) -> Bool {
        let utf8 = number.text.utf8
        guard utf8.count <= 11 else { return false }
        var value = 0
        var negative = false
        var digits = 0
        for byte in utf8 {
            if byte == UInt8(ascii: "-"), digits == 0, !negative {
                negative = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        guard digits > 0 else { return false }
        if negative { return value != 0 && -value >= ScalarInputCoercion.minInt }
        return value <= ScalarInputCoercion.maxInt
    }

    /// Without an exponent, a number of under 300 characters is finite as a double.
    static func isSurelyFinite(_ number: JSONNumber) -> Bool {
        let utf8 = number.text.utf8
        return utf8.count < 300 && !utf8.contains { $0 | 0x20 == UInt8(ascii: "e") }
    }

    static func serialize(_ value: ResolvedValue, as type: GraphQLNamedType) -> Result<JSONValue, Failure> {
        guard let kind = Kind(type) else { return .failure(Failure(text: "\(type.name) is not a leaf type")) }
        return serialize(value, kind: kind, type: type)
    }

    static func serialize(_ value: ResolvedValue, kind: Kind, type: GraphQLNamedType) -> Result<JSONValue, Failure> {
        guard case .json(let json) = value else {
            // A resolver's list or opaque object where a leaf belongs.
            return .failure(Failure(text: "\(type.name) cannot represent value: <\(value.kindName)>"))
        }
        switch kind {
        case .string:
            if case .string = json { return .success(json) }
            return serializeString(json)
        case .int: return serializeInt(json)
        case .float: return isSurelyFinite(json) ? .success(json) : serializeFloat(json)
        case .custom: return .success(json)
        case .enumeration(let names):
            if case .string(let name) = json, names.contains(name) { return .success(json) }
            return .failure(Failure(text: "Enum '\(type.name)' cannot represent value: \(InspectValue.inspect(json))"))
        case .boolean:
            switch json {
            case .bool: return .success(json)
            case .number(let number) where number.double.isFinite: return .success(.bool(number.double != 0))
            default: return failure("Boolean cannot represent a non boolean value: ", json)
            }
        case .id: return serializeID(json)
        }
    }

    private static func isSurelyFinite(_ json: JSONValue) -> Bool {
        if case .number(let number) = json { return isSurelyFinite(number) }
        return false
    }

    private static func serializeInt(_ json: JSONValue) -> Result<JSONValue, Failure> {
        switch json {
        case .number(let number):
            if number.isInteger {
                if let int = number.int, int >= ScalarInputCoercion.minInt, int <= ScalarInputCoercion.maxInt {
                    return .success(number.text.utf8.first == UInt8(ascii: "-") && int == 0 ? .number(JSONNumber(0)) : json)
                }
                return failure("Int cannot represent non 32-bit signed integer value: ", json)
            }
            let double = number.double
            guard double.isFinite, double == double.rounded() else {
                return failure("Int cannot represent non-integer value: ", json)
            }
            guard double >= Double(ScalarInputCoercion.minInt), double <= Double(ScalarInputCoercion.maxInt) else {
                return failure("Int cannot represent non 32-bit signed integer value: ", json)
            }
            return .success(.number(JSONNumber(Int(double))))
        case .bool(let flag):
            return .success(.number(JSONNumber(flag ? 1 : 0)))
        case .string(let text):
            guard let int = Int(text) else { return failure("Int cannot represent non-integer value: ", json) }
            guard int >= ScalarInputCoercion.minInt, int <= ScalarInputCoercion.maxInt else {
                return failure("Int cannot represent non 32-bit signed integer value: ", json)
            }
            return .success(.number(JSONNumber(int)))
        default:
            return failure("Int cannot represent non-integer value: ", json)
        }
    }

    private static func serializeFloat(_ json: JSONValue) -> Result<JSONValue, Failure> {
        switch json {
        case .number(let number):
            // JSON numbers are finite by construction, except text beyond the double range.
            guard number.isInteger || number.double.isFinite else {
                return failure("Float cannot represent non numeric value: ", json)
            }
            return .success(json)
        case .bool(let flag):
            return .success(.number(JSONNumber(flag ? 1 : 0)))
        case .string(let text):
            guard let double = Double(text), let number = JSONNumber(double) else {
                return failure("Float cannot represent non numeric value: ", json)
            }
            return .success(.number(number))
        default:
            return failure("Float cannot represent non numeric value: ", json)
        }
    }

    private static func serializeString(_ json: JSONValue) -> Result<JSONValue, Failure> {
        switch json {
        case .string: return .success(json)
        case .bool(let flag): return .success(.string(flag ? "true" : "false"))
        case .number(let number): return .success(.string(InspectValue.pythonNumber(number)))
        default: return failure("String cannot represent value: ", json)
        }
    }

    private static func serializeID(_ json: JSONValue) -> Result<JSONValue, Failure> {
        switch json {
        case .string: return .success(json)
        case .number(let number):
            if number.isInteger { return .success(.string(InspectValue.pythonNumber(number))) }
            let double = number.double
            if double.isFinite, double == double.rounded(), let int = Int(exactly: double) {
                return .success(.string(String(int)))
            }
            return failure("ID cannot represent value: ", json)
        default:
            return failure("ID cannot represent value: ", json)
        }
    }

    private static func failure(_ prefix: String, _ json: JSONValue) -> Result<JSONValue, Failure> {
        .failure(Failure(text: prefix + InspectValue.inspect(json)))
    }
}

extension ResolvedValue {
    var kindName: String {
        switch self {
        case .null: "null"
        case .json: "json"
        case .list: "list"
        case .object(let typeName, _): typeName.map { "\($0) object" } ?? "object"
        }
    }
}

extension GraphQLType {
    /// `T` or `T!` for a named `T`: where a leaf value (not a list of them) is expected.
    var isNamedOrNonNullNamed: Bool {
        switch self {
        case .named, .nonNull(.named): true
        default: false
        }
    }
}
