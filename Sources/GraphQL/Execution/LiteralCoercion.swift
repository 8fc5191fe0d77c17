import JSON

/// CoerceInputLiteral: a literal of the document (an argument, a default value) to the JSON
/// value a resolver receives (spec §3.5 "Input Coercion", §6.4.1 CoerceArgumentValues).
/// Variables inside it take their already coerced values; a variable that was not provided
/// leaves an input object field out and a list item null.
struct LiteralCoercion {
    let schema: GraphQLSchema
    let variables: [String: JSONValue]

    /// Nil when the value is "not provided" (only possible for a lone variable).
    func coerce(_ literal: Value, to type: GraphQLType) throws(InputError) -> JSONValue? {
        if case .variable(let name) = literal.kind {
            guard let value = variables[name] else {
                if type.isNonNull {
                    throw InputError(
                        message: "Expected variable '$\(name)' provided to non-null type '\(type)' to provide a runtime value.")
                }
                return nil
            }
            if type.isNonNull, case .null = value {
                throw InputError(message: "Expected variable '$\(name)' provided to non-null type '\(type)' not to be None.")
            }
            return value
        }
        switch type {
        case .nonNull(let inner):
            if case .null = literal.kind {
                throw InputError(message: "Expected value of non-null type '\(type)' not to be None.")
            }
            return try coerce(literal, to: inner)
        case .list(let itemType):
            if case .null = literal.kind { return .null }
            guard case .list(let items) = literal.kind else {
                return try coerce(literal, to: itemType).map { .array([$0]) }
            }
            var result: [JSONValue] = []
            result.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                do {
                    result.append(try coerce(item, to: itemType) ?? .null)
                } catch {
                    var error = error
                    error.path.insert(.index(index), at: 0)
                    throw error
                }
            }
            return .array(result)
        case .named(let name):
            if case .null = literal.kind { return .null }
            guard let named = schema.type(named: name) else { return nil }
            switch named.kind {
            case .inputObject(let fields): return try coerceObject(literal, named, fields)
            case .enumeration:
                guard case .enumValue(let value) = literal.kind, named.enumValue(named: value) != nil else {
                    throw InputError(message: "Enum '\(name)' cannot represent value: \(Printer.print(literal))")
                }
                return .string(value)
            default:
                return try coerceScalar(literal, named)
            }
        }
    }

    private func coerceObject(_ literal: Value, _ type: GraphQLNamedType, _ fields: [GraphQLInputValue]) throws(InputError)
        -> JSONValue
    {
        guard case .object(let members) = literal.kind else {
            throw InputError(message: "Expected value of type '\(type.name)' to be an object, found: \(Printer.print(literal)).")
        }
        for member in members where type.inputField(named: member.name.value) == nil {
            throw InputError(
                message:
                    "Expected value of type '\(type.name)' not to include unknown field '\(member.name.value)', "
                    + "found: \(Printer.print(literal))."
            )
        }
        var result = JSONObject()
        for field in fields {
            var coerced: JSONValue? = nil
            if let member = members.first(where: { $0.name.value == field.name }) {
                do {
                    coerced = try coerce(member.value, to: field.type)
                } catch {
                    var error = error
                    error.path.insert(.key(field.name), at: 0)
                    throw error
                }
            }
            if coerced == nil, let defaultValue = field.defaultValue {
                coerced = try LiteralCoercion(schema: schema, variables: [:]).coerce(defaultValue, to: field.type)
            }
            if let coerced {
                result.fields.append((key: field.name, value: coerced))
            } else if field.type.isNonNull {
                throw InputError(
                    message:
                        "Expected value of type '\(type.name)' to include required field '\(field.name)', "
                        + "found: \(Printer.print(literal))."
                )
            }
        }
        if type.isOneOfInputObject {
            let message =
                "Within OneOf Input Object type '\(type.name)', exactly one field must be specified, "
                + "and the value for that field must be non-null."
            guard result.count == 1, !(result.fields[0].value.isNull) else { throw InputError(message: message) }
        }
        return .object(result)
    }

    private func coerceScalar(_ literal: Value, _ type: GraphQLNamedType) throws(InputError) -> JSONValue {
        switch type.name {
        case "Int":
            guard case .int(let text) = literal.kind else {
                throw InputError(message: "Int cannot represent non-integer value: \(Printer.print(literal))")
            }
            guard let int = Int(text), int >= ScalarInputCoercion.minInt, int <= ScalarInputCoercion.maxInt else {
                throw InputError(message: "Int cannot represent non 32-bit signed integer value: \(text)")
            }
            return .number(JSONNumber(int))
        case "Float":
            switch literal.kind {
            case .int(let text), .float(let text): return .number(JSONNumber(text: text) ?? JSONNumber(0))
            default: throw InputError(message: "Float cannot represent non numeric value: \(Printer.print(literal))")
            }
        case "String":
            guard case .string(let value, _) = literal.kind else {
                throw InputError(message: "String cannot represent a non string value: \(Printer.print(literal))")
            }
            return .string(value)
        case "Boolean":
            guard case .boolean(let value) = literal.kind else {
                throw InputError(message: "Boolean cannot represent a non boolean value: \(Printer.print(literal))")
            }
            return .bool(value)
        case "ID":
            switch literal.kind {
            case .string(let value, _), .int(let value): return .string(value)
            default:
                throw InputError(message: "ID cannot represent a non-string and non-integer value: \(Printer.print(literal))")
            }
        default:
            return untyped(literal)
        }
    }

    /// A literal of the `JSON` scalar (or any custom scalar): the JSON value it spells, with
    /// variables substituted.
    func untyped(_ literal: Value) -> JSONValue {
        switch literal.kind {
        case .variable(let name): return variables[name] ?? .null
        case .int(let text), .float(let text): return .number(JSONNumber(text: text) ?? JSONNumber(0))
        case .string(let value, _): return .string(value)
        case .boolean(let value): return .bool(value)
        case .null: return .null
        case .enumValue(let value): return .string(value)
        case .list(let items): return .array(items.map(untyped))
        case .object(let members):
            var object = JSONObject()
            for member in members {
                if case .variable(let name) = member.value.kind, variables[name] == nil { continue }
                object.set(member.name.value, untyped(member.value))
            }
            return .object(object)
        }
    }
}
