import JSON

/// `__Field`, `__InputValue`, `__EnumValue` and `__Directive` (spec §4.2.3 – §4.2.6).
extension IntrospectionResolvers {
    static func value<T>(_ parent: ResolvedValue, as _: T.Type) -> T? {
        guard case .object(_, let value) = parent else { return nil }
        return value as? T
    }

    static let fieldResolvers: [String: IntrospectionResolver] = [
        "name": { parent, _, _ in string(value(parent, as: GraphQLField.self)?.name) },
        "description": { parent, _, _ in string(value(parent, as: GraphQLField.self)?.description) },
        "args": { parent, arguments, _ in
            guard let field = value(parent, as: GraphQLField.self) else { return .null }
            return inputValues(field.arguments, arguments)
        },
        "type": { parent, _, schema in
            guard let field = value(parent, as: GraphQLField.self) else { return .null }
            return typeValue(field.type, schema)
        },
        "isDeprecated": { parent, _, _ in .json(.bool(value(parent, as: GraphQLField.self)?.deprecationReason != nil)) },
        "deprecationReason": { parent, _, _ in string(value(parent, as: GraphQLField.self)?.deprecationReason) },
    ]

    static let inputValueResolvers: [String: IntrospectionResolver] = [
        "name": { parent, _, _ in string(value(parent, as: GraphQLInputValue.self)?.name) },
        "description": { parent, _, _ in string(value(parent, as: GraphQLInputValue.self)?.description) },
        "type": { parent, _, schema in
            guard let input = value(parent, as: GraphQLInputValue.self) else { return .null }
            return typeValue(input.type, schema)
        },
        // graphql-core prints the default as written in the schema, in its own GraphQL syntax.
        "defaultValue": { parent, _, _ in
            string(value(parent, as: GraphQLInputValue.self)?.defaultValue.map { Printer.print($0) })
        },
        "isDeprecated": { parent, _, _ in .json(.bool(value(parent, as: GraphQLInputValue.self)?.deprecationReason != nil)) },
        "deprecationReason": { parent, _, _ in string(value(parent, as: GraphQLInputValue.self)?.deprecationReason) },
    ]

    static let enumValueResolvers: [String: IntrospectionResolver] = [
        "name": { parent, _, _ in string(value(parent, as: GraphQLEnumValue.self)?.name) },
        "description": { parent, _, _ in string(value(parent, as: GraphQLEnumValue.self)?.description) },
        "isDeprecated": { parent, _, _ in .json(.bool(value(parent, as: GraphQLEnumValue.self)?.deprecationReason != nil)) },
        "deprecationReason": { parent, _, _ in string(value(parent, as: GraphQLEnumValue.self)?.deprecationReason) },
    ]

    static let directiveResolvers: [String: IntrospectionResolver] = [
        "name": { parent, _, _ in string(value(parent, as: GraphQLDirective.self)?.name) },
        "description": { parent, _, _ in string(value(parent, as: GraphQLDirective.self)?.description) },
        "isRepeatable": { parent, _, _ in .json(.bool(value(parent, as: GraphQLDirective.self)?.isRepeatable ?? false)) },
        "locations": { parent, _, _ in
            guard let directive = value(parent, as: GraphQLDirective.self) else { return .null }
            return .json(.array(directive.locations.map { .string($0.rawValue) }))
        },
        "args": { parent, arguments, _ in
            guard let directive = value(parent, as: GraphQLDirective.self) else { return .null }
            return inputValues(directive.arguments, arguments)
        },
        // Directives cannot be deprecated in the running schema (graphql-core's experimental
        // directive deprecation has no SDL form the gateway uses).
        "isDeprecated": { _, _, _ in .json(.bool(false)) },
        "deprecationReason": { _, _, _ in .null },
    ]
}
