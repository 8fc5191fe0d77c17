/// Whether a literal fits an input type, without variable values (graphql-core 3.3's
/// `validate_input_literal` in its static form, spec §5.6.1 "Values of Correct Type"): every
/// problem is reported with graphql-core's message at the offending literal. Variables are
/// accepted here; VariablesInAllowedPosition checks them.
struct LiteralValidation {
    let schema: GraphQLSchema
    /// The message, where the offending literal is (if known), and its path inside the whole
    /// literal (`.field[1]`, empty at the top).
    let report: (String, SourceLocation?, String) -> Void

    func validate(_ value: Value, _ type: GraphQLType, path: String = "") {
        if case .variable = value.kind { return }
        if case .nonNull(let inner) = type {
            if case .null = value.kind {
                report("Expected value of non-null type '\(type)' not to be None.", value.location, path)
                return
            }
            validate(value, inner, path: path)
            return
        }
        if case .null = value.kind { return }
        if case .list(let itemType) = type {
            if case .list(let items) = value.kind {
                for (index, item) in items.enumerated() { validate(item, itemType, path: path + "[\(index)]") }
            } else {
                validate(value, itemType, path: path)
            }
            return
        }
        guard case .named(let name) = type, let named = schema.type(named: name) else { return }
        // graphql-core hands leaf types a copy of list and object literals (replace_variables),
        // which has lost its location, so those errors come without one.
        let leafLocation: SourceLocation? =
            switch value.kind {
            case .list, .object: nil
            default: value.location
            }
        switch named.kind {
        case .inputObject(let fields):
            validateObject(value, named, fields, path: path)
        case .enumeration(let values):
            let text = Printer.print(value)
            let suggestion = Suggestions.didYouMean(Suggestions.suggestionList(text, values.map(\.name)), "the enum value")
            if case .enumValue(let valueName) = value.kind {
                if named.enumValue(named: valueName) == nil {
                    report("Value '\(text)' does not exist in '\(name)' enum." + suggestion, leafLocation, path)
                }
            } else {
                report("Enum '\(name)' cannot represent non-enum value: \(text)." + suggestion, leafLocation, path)
            }
        case .scalar:
            if let message = Self.scalarProblem(value, scalar: name) { report(message, leafLocation, path) }
        default:
            break
        }
    }

    private func validateObject(_ value: Value, _ type: GraphQLNamedType, _ fields: [GraphQLInputValue], path: String) {
        guard case .object(let given) = value.kind else {
            report("Expected value of type '\(type.name)' to be an object, found: \(Printer.print(value)).", value.location, path)
            return
        }
        for field in fields {
            if let node = given.first(where: { $0.name.value == field.name }) {
                validate(node.value, field.type, path: path + "." + field.name)
            } else if field.type.isNonNull && field.defaultValue == nil {
                report(
                    "Expected value of type '\(type.name)' to include required field '\(field.name)', found: \(Printer.print(value)).",
                    value.location, path)
            }
        }
        for node in given where type.inputField(named: node.name.value) == nil {
            let suggestion = Suggestions.didYouMean(Suggestions.suggestionList(node.name.value, fields.map(\.name)))
            report(
                "Expected value of type '\(type.name)' not to include unknown field '\(node.name.value)'"
                    + (suggestion.isEmpty ? ", found" : ".\(suggestion) Found") + ": \(Printer.print(value)).",
                node.location, path)
        }
        if type.isOneOf {
            let known = given.filter { type.inputField(named: $0.name.value) != nil }
            let message =
                "Within OneOf Input Object type '\(type.name)', exactly one field must be specified, and the value for that field must be non-null."
            if known.count != 1 {
                report(message, value.location, path)
            } else if case .null = known[0].value.kind {
                report(message, value.location, path + "." + known[0].name.value)
            }
        }
    }

    /// What the built-in scalars say about a literal they cannot take; custom scalars take any literal.
    static func scalarProblem(_ value: Value, scalar: String) -> String? {
        switch (scalar, value.kind) {
        case ("Int", .int(let text)):
            return Int32(text) == nil ? "Int cannot represent non 32-bit signed integer value: \(text)" : nil
        case ("Int", _):
            return "Int cannot represent non-integer value: \(Printer.print(value))"
        case ("Float", .int), ("Float", .float):
            return nil
        case ("Float", _):
            return "Float cannot represent non numeric value: \(Printer.print(value))"
        case ("String", .string):
            return nil
        case ("String", _):
            return "String cannot represent a non string value: \(Printer.print(value))"
        case ("Boolean", .boolean):
            return nil
        case ("Boolean", _):
            return "Boolean cannot represent a non boolean value: \(Printer.print(value))"
        case ("ID", .string), ("ID", .int):
            return nil
        case ("ID", _):
            return "ID cannot represent a non-string and non-integer value: \(Printer.print(value))"
        default:
            return nil
        }
    }
}
