import JSON

extension ExecutionContext {
    /// CoerceArgumentValues (spec §6.4.1): given arguments, defaults for the others; an argument
    /// whose variable was not provided counts as not given. Nil after recording a field error.
    func argumentValues(of field: CollectedField, parentType: GraphQLNamedType, path: [PathComponent]) -> ArgumentValues? {
        // Most fields take no arguments: nothing to coerce, nothing to remember.
        guard let definition = field.definition, !definition.arguments.isEmpty else { return [:] }
        if let cached = field.cachedArguments { return cached }
        let node = field.nodes[0]
        let coercion = LiteralCoercion(schema: schema, variables: variables)
        var values: ArgumentValues = [:]
        for argument in definition.arguments {
            let printed = "Argument '\(parentType.name).\(definition.name)(\(argument.name):)'"
            var literal = node.arguments.first { $0.name.value == argument.name }?.value
            if let given = literal, case .variable(let name) = given.kind, variables[name] == nil,
                !(argument.type.isNonNull && argument.defaultValue == nil)
            {
                literal = nil
            }
            guard let literal else {
                if let defaultValue = argument.defaultValue {
                    do {
                        if let value = try LiteralCoercion(schema: schema, variables: [:]).coerce(defaultValue, to: argument.type)
                        {
                            values[argument.name] = value
                        }
                    } catch {
                        recordError(
                            "\(printed) has invalid default value\(error.printedPath): \(error.message)", at: field, path: path)
                        return nil
                    }
                } else if argument.type.isNonNull {
                    recordError("\(printed) of required type '\(argument.type)' was not provided.", at: field, path: path)
                    return nil
                }
                continue
            }
            do {
                if let value = try coercion.coerce(literal, to: argument.type) { values[argument.name] = value }
            } catch {
                recordError("\(printed) has invalid value\(error.printedPath): \(error.message)", at: field, path: path)
                return nil
            }
        }
        field.cachedArguments = values
        return values
    }
}
