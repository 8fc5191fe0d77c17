import JSON

/// Input coercion of the built-in scalars, enums and the custom `JSON` scalar from JSON values
/// (spec §3.5 "Input Coercion"), with graphql-core's messages. The result is the JSON value a
/// resolver receives: an Int as plain integer text, an ID as a string.
enum ScalarInputCoercion {
    static let minInt = Int(Int32.min)
    static let maxInt = Int(Int32.max)

    static func coerce(_ value: JSONValue, to type: GraphQLNamedType) -> Result<JSONValue, InputError> {
        if case .enumeration = type.kind { return coerceEnum(value, type) }
        switch type.name {
        case "Int": return coerceInt(value)
        case "Float": return coerceFloat(value)
        case "String":
            if case .string = value { return .success(value) }
            return failure("String cannot represent a non string value: " + InspectValue.inspect(value))
        case "Boolean":
            if case .bool = value { return .success(value) }
            return failure("Boolean cannot represent a non boolean value: " + InspectValue.inspect(value))
        case "ID": return coerceID(value)
        default:
            // `JSON` and any other custom scalar: every JSON value is valid.
            return .success(value)
        }
    }

    static func coerceInt(_ value: JSONValue) -> Result<JSONValue, InputError> {
        guard case .number(let number) = value else {
            return failure("Int cannot represent non-integer value: " + InspectValue.inspect(value))
        }
        if number.isInteger {
            guard let int = number.int, int >= minInt, int <= maxInt else {
                return failure("Int cannot represent non 32-bit signed integer value: " + InspectValue.inspect(value))
            }
            return .success(.number(JSONNumber(int)))
        }
        let double = number.double
        guard double.isFinite, double == double.rounded() else {
            return failure("Int cannot represent non-integer value: " + InspectValue.inspect(value))
        }
        guard double >= Double(minInt), double <= Double(maxInt) else {
            return failure("Int cannot represent non 32-bit signed integer value: " + InspectValue.inspect(value))
        }
        return .success(.number(JSONNumber(Int(double))))
    }

    static func coerceFloat(_ value: JSONValue) -> Result<JSONValue, InputError> {
        guard case .number(let number) = value else {
            return failure("Float cannot represent non numeric value: " + InspectValue.inspect(value))
        }
        let double = number.double
        if number.isInteger {
            if double.isInfinite {
                return failure("Float cannot represent non numeric value: \(InspectValue.inspect(value)) (value is too large)")
            }
            if let int = number.int, Int(exactly: double) != int {
                return failure(
                    "Float cannot represent non numeric value: \(InspectValue.inspect(value)) (value would lose precision)")
            }
            return .success(value)
        }
        guard double.isFinite else {
            return failure("Float cannot represent non numeric value: " + InspectValue.inspect(value))
        }
        return .success(value)
    }

    static func coerceID(_ value: JSONValue) -> Result<JSONValue, InputError> {
        switch value {
        case .string: return .success(value)
        case .number(let number):
            if number.isInteger { return .success(.string(InspectValue.pythonNumber(number))) }
            let double = number.double
            if double.isFinite, double == double.rounded(), let int = Int(exactly: double) {
                return .success(.string(String(int)))
            }
            return failure("ID cannot represent value: " + InspectValue.inspect(value))
        default:
            return failure("ID cannot represent value: " + InspectValue.inspect(value))
        }
    }

    static func coerceEnum(_ value: JSONValue, _ type: GraphQLNamedType) -> Result<JSONValue, InputError> {
        let names = type.enumValues.map(\.name)
        guard case .string(let name) = value else {
            let printed = InspectValue.inspect(value)
            return failure(
                "Enum '\(type.name)' cannot represent non-string value: \(printed)."
                    + ExecutionSuggestions.didYouMean(printed, options: names, subMessage: "the enum value"))
        }
        guard type.enumValue(named: name) != nil else {
            return failure(
                "Value '\(name)' does not exist in '\(type.name)' enum."
                    + ExecutionSuggestions.didYouMean(name, options: names, subMessage: "the enum value"))
        }
        return .success(value)
    }

    private static func failure(_ message: String) -> Result<JSONValue, InputError> {
        .failure(InputError(message: message))
    }
}

/// An input value that does not fit its type, and where inside the value (`.c[0]`).
struct InputError: Error {
    var message: String
    var path: [PathComponent] = []

    /// graphql-core's `print_path_list` with the " at " before it; empty at the top.
    var printedPath: String {
        guard !path.isEmpty else { return "" }
        var text = " at "
        for component in path {
            switch component {
            case .key(let key): text += "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
