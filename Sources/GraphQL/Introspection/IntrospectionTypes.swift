/// The introspection types (spec §4.2), exactly as graphql-core 3.3.2 defines them
/// (`print_introspection_schema`), and the meta-fields `__schema`, `__type` and `__typename`.
/// Only the definitions live here; the executor's introspection resolvers answer them.
enum IntrospectionTypes {
    /// In graphql-core's collection order, which is also where they end `GraphQLSchema.typeNames`.
    static let all: [GraphQLNamedType] = [
        schemaType, typeType, typeKindType, fieldType, inputValueType, enumValueType, directiveType, directiveLocationType,
    ]

    static let names: Set<String> = Set(all.map(\.name))

    /// `__schema: __Schema!`, on the query root type only.
    static let schemaMetaField = GraphQLField(
        name: "__schema", description: "Access the current type schema of this server.", type: T("__Schema!"))

    /// `__type(name: String!): __Type`, on the query root type only.
    static let typeMetaField = GraphQLField(
        name: "__type", description: "Request the type information of a single type.",
        arguments: [GraphQLInputValue(name: "name", type: T("String!"))], type: T("__Type"))

    /// `__typename: String!`, on every object, interface and union.
    static let typeNameMetaField = GraphQLField(
        name: "__typename", description: "The name of the current Object type at runtime.", type: T("String!"))

    private static let false_ = Value(.boolean(false), at: SourceLocation(line: 0, column: 0))

    /// Reads a type as written in SDL (`[__Type!]!`); only for the literals in this file.
    private static func T(_ text: String) -> GraphQLType {
        if text.hasSuffix("!") { return .nonNull(T(String(text.dropLast()))) }
        if text.hasPrefix("[") { return .list(T(String(text.dropFirst().dropLast()))) }
        return .named(text)
    }

    static let schemaType = GraphQLNamedType(
        name: "__Schema",
        description: "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.",
        kind: .object(fields: [
            GraphQLField(name: "description", description: nil, type: T("String")),
            GraphQLField(name: "types", description: "A list of all types supported by this server.", type: T("[__Type!]!")),
            GraphQLField(name: "queryType", description: "The type that query operations will be rooted at.", type: T("__Type!")),
            GraphQLField(name: "mutationType", description: "If this server supports mutation, the type that mutation operations will be rooted at.", type: T("__Type")),
            GraphQLField(name: "subscriptionType", description: "If this server supports subscription, the type that subscription operations will be rooted at.", type: T("__Type")),
            GraphQLField(name: "directives", description: "A list of all directives supported by this server.", arguments: [GraphQLInputValue(name: "includeDeprecated", type: T("Boolean!"), defaultValue: false_)], type: T("[__Directive!]!"))
        ], interfaces: []))

    static let typeType = GraphQLNamedType(
        name: "__Type",
        description: "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.",
        kind: .object(fields: [
            GraphQLField(name: "kind", description: nil, type: T("__TypeKind!")),
            GraphQLField(name: "name", description: nil, type: T("String")),
            GraphQLField(name: "description", description: nil, type: T("String")),
            GraphQLField(name: "specifiedByURL", description: nil, type: T("String")),
            GraphQLField(name: "fields", description: nil, arguments: [GraphQLInputValue(name: "includeDeprecated", type: T("Boolean!"), defaultValue: false_)], type: T("[__Field!]")),
            GraphQLField(name: "interfaces", description: nil, type: T("[__Type!]")),
            GraphQLField(name: "possibleTypes", description: nil, type: T("[__Type!]")),
            GraphQLField(name: "enumValues", description: nil, arguments: [GraphQLInputValue(name: "includeDeprecated", type: T("Boolean!"), defaultValue: false_)], type: T("[__EnumValue!]")),
            GraphQLField(name: "inputFields", description: nil, arguments: [GraphQLInputValue(name: "includeDeprecated", type: T("Boolean!"), defaultValue: false_)], type: T("[__InputValue!]")),
            GraphQLField(name: "ofType", description: nil, type: T("__Type")),
            GraphQLField(name: "isOneOf", description: nil, type: T("Boolean"))
        ], interfaces: []))

    static let typeKindType = GraphQLNamedType(
        name: "__TypeKind",
        description: "An enum describing what kind of type a given `__Type` is.",
        kind: .enumeration(values: [
            GraphQLEnumValue(name: "SCALAR", description: "Indicates this type is a scalar."),
            GraphQLEnumValue(name: "OBJECT", description: "Indicates this type is an object. `fields` and `interfaces` are valid fields."),
            GraphQLEnumValue(name: "INTERFACE", description: "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields."),
            GraphQLEnumValue(name: "UNION", description: "Indicates this type is a union. `possibleTypes` is a valid field."),
            GraphQLEnumValue(name: "ENUM", description: "Indicates this type is an enum. `enumValues` is a valid field."),
            GraphQLEnumValue(name: "INPUT_OBJECT", description: "Indicates this type is an input object. `inputFields` is a valid field."),
            GraphQLEnumValue(name: "LIST", description: "Indicates this type is a list. `ofType` is a valid field."),
            GraphQLEnumValue(name: "NON_NULL", description: "Indicates this type is a non-null. `ofType` is a valid field.")
        ]))

    static let fieldType = GraphQLNamedType(
        name: "__Field",
        description: "Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type.",
        kind: .object(fields: [
            GraphQLField(name: "name", description: nil, type: T("String!")),
            GraphQLField(name: "description", description: nil, type: T("String")),
            GraphQLField(name: "args", description: nil, arguments: [GraphQLInputValue(name: "includeDeprecated", type: T("Boolean!"), defaultValue: false_)], type: T("[__InputValue!]!")),
            GraphQLField(name: "type", description: nil, type: T("__Type!")),
            GraphQLField(name: "isDeprecated", description: nil, type: T("Boolean!")),
            GraphQLField(name: "deprecationReason", description: nil, type: T("String"))
        ], interfaces: []))

    static let inputValueType = GraphQLNamedType(
        name: "__InputValue",
        description: "Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value.",
        kind: .object(fields: [
            GraphQLField(name: "name", description: nil, type: T("String!")),
            GraphQLField(name: "description", description: nil, type: T("String")),
            GraphQLField(name: "type", description: nil, type: T("__Type!")),
            GraphQLField(name: "defaultValue", description: "A GraphQL-formatted string representing the default value for this input value.", type: T("String")),
            GraphQLField(name: "isDeprecated", description: nil, type: T("Boolean!")),
            GraphQLField(name: "deprecationReason", description: nil, type: T("String"))
        ], interfaces: []))

    static let enumValueType = GraphQLNamedType(
        name: "__EnumValue",
        description: "One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string.",
        kind: .object(fields: [
            GraphQLField(name: "name", description: nil, type: T("String!")),
            GraphQLField(name: "description", description: nil, type: T("String")),
            GraphQLField(name: "isDeprecated", description: nil, type: T("Boolean!")),
            GraphQLField(name: "deprecationReason", description: nil, type: T("String"))
        ], interfaces: []))

    static let directiveType = GraphQLNamedType(
        name: "__Directive",
        description: "A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.\n\nIn some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.",
        kind: .object(fields: [
            GraphQLField(name: "name", description: nil, type: T("String!")),
            GraphQLField(name: "description", description: nil, type: T("String")),
            GraphQLField(name: "isRepeatable", description: nil, type: T("Boolean!")),
            GraphQLField(name: "locations", description: nil, type: T("[__DirectiveLocation!]!")),
            GraphQLField(name: "args", description: nil, arguments: [GraphQLInputValue(name: "includeDeprecated", type: T("Boolean!"), defaultValue: false_)], type: T("[__InputValue!]!")),
            GraphQLField(name: "isDeprecated", description: nil, type: T("Boolean!")),
            GraphQLField(name: "deprecationReason", description: nil, type: T("String"))
        ], interfaces: []))

    static let directiveLocationType = GraphQLNamedType(
        name: "__DirectiveLocation",
        description: "A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies.",
        kind: .enumeration(values: [
            GraphQLEnumValue(name: "QUERY", description: "Location adjacent to a query operation."),
            GraphQLEnumValue(name: "MUTATION", description: "Location adjacent to a mutation operation."),
            GraphQLEnumValue(name: "SUBSCRIPTION", description: "Location adjacent to a subscription operation."),
            GraphQLEnumValue(name: "FIELD", description: "Location adjacent to a field."),
            GraphQLEnumValue(name: "FRAGMENT_DEFINITION", description: "Location adjacent to a fragment definition."),
            GraphQLEnumValue(name: "FRAGMENT_SPREAD", description: "Location adjacent to a fragment spread."),
            GraphQLEnumValue(name: "INLINE_FRAGMENT", description: "Location adjacent to an inline fragment."),
            GraphQLEnumValue(name: "VARIABLE_DEFINITION", description: "Location adjacent to an operation variable definition."),
            GraphQLEnumValue(name: "FRAGMENT_VARIABLE_DEFINITION", description: "Location adjacent to a fragment variable definition."),
            GraphQLEnumValue(name: "SCHEMA", description: "Location adjacent to a schema definition."),
            GraphQLEnumValue(name: "SCALAR", description: "Location adjacent to a scalar definition."),
            GraphQLEnumValue(name: "OBJECT", description: "Location adjacent to an object type definition."),
            GraphQLEnumValue(name: "FIELD_DEFINITION", description: "Location adjacent to a field definition."),
            GraphQLEnumValue(name: "ARGUMENT_DEFINITION", description: "Location adjacent to an argument definition."),
            GraphQLEnumValue(name: "INTERFACE", description: "Location adjacent to an interface definition."),
            GraphQLEnumValue(name: "UNION", description: "Location adjacent to a union definition."),
            GraphQLEnumValue(name: "ENUM", description: "Location adjacent to an enum definition."),
            GraphQLEnumValue(name: "ENUM_VALUE", description: "Location adjacent to an enum value definition."),
            GraphQLEnumValue(name: "INPUT_OBJECT", description: "Location adjacent to an input object type definition."),
            GraphQLEnumValue(name: "INPUT_FIELD_DEFINITION", description: "Location adjacent to an input object field definition."),
            GraphQLEnumValue(name: "DIRECTIVE_DEFINITION", description: "Location adjacent to a directive definition.")
        ]))
}
