import JSON

/// A resolver of an introspection type: synchronous, needing only the schema, so the executor
/// calls it without building a `ResolveInfo` (a full introspection query resolves thousands).
typealias IntrospectionResolver =
    @Sendable (_ parent: ResolvedValue, _ arguments: ArgumentValues, _ schema: GraphQLSchema) ->
    ResolvedValue

/// What an `__Type` object stands for (spec §4.2.2): a named type, or a list or non-null wrapper.
enum IntrospectedType: Sendable {
    case named(GraphQLNamedType)
    case wrapper(GraphQLType)
}

/// The resolvers of the introspection types (spec §4.2, as graphql-core 3.3 answers them) and
/// of the meta-fields `__schema` and `__type` of the query root type. Their values are the
/// running schema's own objects wrapped in `.object(typeName:value:)`.
enum IntrospectionResolvers {
    static let schemaField = GraphQLField(
        name: "__schema", description: "Access the current type schema of this server.", type: .nonNull(.named("__Schema")))
    static let typeField = GraphQLField(
        name: "__type", description: "Request the type information of a single type.",
        arguments: [GraphQLInputValue(name: "name", type: .nonNull(.named("String")))], type: .named("__Type"))

    /// `__schema` and `__type(name:)`, which only the query root type has (spec §4.2).
    static func metaField(named name: String, onQueryRoot: Bool) -> (definition: GraphQLField, resolver: IntrospectionResolver)? {
        guard onQueryRoot else { return nil }
        switch name {
        case "__schema": return (schemaField, { _, _, _ in .object(typeName: "__Schema", value: 0) })
        case "__type":
            return (
                typeField,
                { _, arguments, schema in
                    guard let name = arguments["name"]?.stringValue, let type = schema.type(named: name) else { return .null }
                    return .object(typeName: "__Type", value: IntrospectedType.named(type))
                }
            )
        default: return nil
        }
    }

    static func resolver(type: String, field: String) -> IntrospectionResolver? {
        guard type.utf8.first == UInt8(ascii: "_") else { return nil }
        return table[type]?[field]
    }

    /// The same resolvers in the form the caller's `ResolverMap` has (`Executor` merges them).
    static let resolverMap: ResolverMap = {
        var map = ResolverMap()
        for (typeName, fields) in table {
            for (fieldName, resolver) in fields {
                map[typeName, fieldName] = { parent, arguments, info in resolver(parent, arguments, info.schema) }
            }
        }
        return map
    }()

    static let table: [String: [String: IntrospectionResolver]] = [
        "__Schema": schemaResolvers,
        "__Type": typeResolvers,
        "__Field": fieldResolvers,
        "__InputValue": inputValueResolvers,
        "__EnumValue": enumValueResolvers,
        "__Directive": directiveResolvers,
    ]

    // MARK: Values

    static func string(_ text: String?) -> ResolvedValue {
        guard let text else { return .null }
        return .json(.string(text))
    }

    static func typeValue(_ type: GraphQLType, _ schema: GraphQLSchema) -> ResolvedValue {
        switch type {
        case .named(let name):
            guard let named = schema.type(named: name) else { return .null }
            return .object(typeName: "__Type", value: IntrospectedType.named(named))
        case .list, .nonNull:
            return .object(typeName: "__Type", value: IntrospectedType.wrapper(type))
        }
    }

    static func namedTypeValue(_ name: String, _ schema: GraphQLSchema) -> ResolvedValue {
        typeValue(.named(name), schema)
    }

    static func includeDeprecated(_ arguments: ArgumentValues) -> Bool {
        arguments["includeDeprecated"]?.boolValue ?? false
    }

    static func inputValues(_ values: [GraphQLInputValue], _ arguments: ArgumentValues) -> ResolvedValue {
        let all = includeDeprecated(arguments)
        return .list(
            values.compactMap { all || $0.deprecationReason == nil ? .object(typeName: "__InputValue", value: $0) : nil })
    }
}
