import JSON

/// Result coercion of scalars and enums (spec §3.5 "Result Coercion", §3.9): what a leaf field
/// may return, with graphql-core's messages. Values already in the right form pass through
/// untouched, so the common case costs a type check.
enum LeafSerialization {
    struct Failure: Error {
        var text: String
    }

    static func serialize(_ value: ResolvedValue, as type: GraphQLNamedType) -> Result<JSONValue, Failure> {
        guard case .json(let json) = value else {
            // A resolver's list or opaque object where a leaf belongs.
            return .failure(Failure(text: "\(type.name) cannot represent value: <\(value.kindName)>"))
        }
        if case .enumeration = type.kind {
            if case .string(let name) = json, type.enumValue(named: name) != nil { return .success(json) }
            return .failure(Failure(text: "Enum '\(type.name)' cannot represent value: \(InspectValue.inspect(json))"))
        }
        switch type.name {
        case "Int": return serializeInt(json)
        case "Float": return serializeFloat(json)
        case "String": return serializeString(json)
        case "Boolean":
            switch json {
            case .bool: return .success(json)
            case .number(let number) where number.double.isFinite: return .success(.bool(number.double != 0))
            default: return failure("Boolean cannot represent a non boolean value: ", json)
            }
        case "ID": return serializeID(json)
        default:
            // `JSON` and any other custom scalar: any JSON value.
            return .success(json)
        }
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
