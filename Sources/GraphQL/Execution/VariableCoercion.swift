import JSON

/// CoerceVariableValues (spec §6.4.1 "Coercing Variable Values"): the request's JSON variables
/// against the operation's variable definitions. Every problem is reported (graphql-core's
/// `validate_input_value` order and messages); any problem is a request error.
struct VariableCoercion {
    let schema: GraphQLSchema

    func coerce(_ definitions: [VariableDefinition], _ inputs: JSONObject?) -> (
        values: [String: JSONValue], errors: [GraphQLError]
    ) {
        var coerced: [String: JSONValue] = [:]
        var errors: [GraphQLError] = []
        for definition in definitions {
            let name = definition.variable.value
            let type = GraphQLType(definition.type)
            guard let named = schema.namedType(of: type), named.isInputType else {
                errors.append(
                    GraphQLError(
                        "Variable '$\(name)' expected value of type '\(definition.type)' which cannot be used as an input type.",
                        locations: [definition.location]))
                continue
            }
            let input = inputs?[name]
            if input == nil, let defaultValue = definition.defaultValue {
                do {
                    if let value = try LiteralCoercion(schema: schema, variables: [:]).coerce(defaultValue, to: type) {
                        coerced[name] = value
                    }
                } catch {
                    errors.append(
                        GraphQLError(
                            "Variable '$\(name)' has invalid default value\(error.printedPath): \(error.message)",
                            locations: [definition.location]))
                }
                continue
            }
            if input == nil, !type.isNonNull { continue }
            var problems: [InputError] = []
            var path: [PathComponent] = []
            let value = coerceInput(input, to: type, path: &path, problems: &problems)
            if problems.isEmpty {
                if let value { coerced[name] = value }
            } else {
                for problem in problems {
                    errors.append(
                        GraphQLError(
                            "Variable '$\(name)' has invalid value\(problem.printedPath): \(problem.message)",
                            locations: [definition.location]))
                }
            }
        }
        return (coerced, errors)
    }

    /// CoerceInputValue from JSON; `nil` in and out means "not provided".
    func coerceInput(
        _ value: JSONValue?, to type: GraphQLType, path: inout [PathComponent], problems: inout [InputError]
    ) -> JSONValue? {
        if case .nonNull(let inner) = type {
            guard let value else {
                problems.append(InputError(message: "Expected a value of non-null type '\(type)' to be provided.", path: path))
                return nil
            }
            if case .null = value {
                problems.append(InputError(message: "Expected value of non-null type '\(type)' not to be None.", path: path))
                return nil
            }
            return coerceInput(value, to: inner, path: &path, problems: &problems)
        }
        guard let value else { return nil }
        if case .null = value { return .null }
        switch type {
        case .nonNull:
            return nil  // handled above
        case .list(let itemType):
            guard case .array(let items) = value else {
                // A single value stands for a list of one (spec §3.11 "Input Coercion").
                return coerceInput(value, to: itemType, path: &path, problems: &problems).map { .array([$0]) }
            }
            var result: [JSONValue] = []
            result.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                path.append(.index(index))
                result.append(coerceInput(item, to: itemType, path: &path, problems: &problems) ?? .null)
                path.removeLast()
            }
            return .array(result)
        case .named(let name):
            guard let named = schema.type(named: name) else { return nil }
            if case .inputObject(let fields) = named.kind {
                return coerceInputObject(value, named, fields, path: &path, problems: &problems)
            }
            switch ScalarInputCoercion.coerce(value, to: named) {
            case .success(let coerced): return coerced
            case .failure(var problem):
                problem.path = path
                problems.append(problem)
                return nil
            }
        }
    }

    private func coerceInputObject(
        _ value: JSONValue, _ type: GraphQLNamedType, _ fields: [GraphQLInputValue], path: inout [PathComponent],
        problems: inout [InputError]
    ) -> JSONValue? {
        guard case .object(let object) = value else {
            problems.append(
                InputError(
                    message: "Expected value of type '\(type.name)' to be an object, found: \(InspectValue.inspect(value)).",
                    path: path))
            return nil
        }
        var result = JSONObject()
        for field in fields {
            guard let fieldValue = object[field.name] else {
                if let defaultValue = field.defaultValue {
                    if let coerced = try? LiteralCoercion(schema: schema, variables: [:]).coerce(defaultValue, to: field.type) {
                        result.fields.append((key: field.name, value: coerced))
                    }
                } else if field.type.isNonNull {
                    problems.append(
                        InputError(
                            message:
                                "Expected value of type '\(type.name)' to include required field '\(field.name)', "
                                + "found: \(InspectValue.inspect(value)).",
                            path: path))
                }
                continue
            }
            path.append(.key(field.name))
            if let coerced = coerceInput(fieldValue, to: field.type, path: &path, problems: &problems) {
                result.fields.append((key: field.name, value: coerced))
            }
            path.removeLast()
        }
        for (key, _) in object.fields where type.inputField(named: key) == nil {
            let suggestion = ExecutionSuggestions.didYouMean(key, options: fields.map(\.name))
            problems.append(
                InputError(
                    message: "Expected value of type '\(type.name)' not to include unknown field '\(key)'"
                        + (suggestion.isEmpty ? ", found" : ".\(suggestion) Found") + ": \(InspectValue.inspect(value)).",
                    path: path))
        }
        if type.isOneOfInputObject {
            let given = object.fields.filter { type.inputField(named: $0.key) != nil }
            let message =
                "Within OneOf Input Object type '\(type.name)', exactly one field must be specified, "
                + "and the value for that field must be non-null."
            if given.count != 1 {
                problems.append(InputError(message: message, path: path))
            }
            if let first = given.first, case .null = first.value {
                problems.append(InputError(message: message, path: path + [.key(first.key)]))
            }
        }
        return .object(result)
    }
}
