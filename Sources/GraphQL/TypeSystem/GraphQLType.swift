/// A type reference inside the running schema (spec §3.4): named types are looked up in the
/// schema by name, so the schema's types can refer to each other (and to themselves) freely.
public indirect enum GraphQLType: Sendable, Hashable, CustomStringConvertible {
    case named(String)
    case list(GraphQLType)
    case nonNull(GraphQLType)

    public init(_ reference: TypeReference) {
        switch reference {
        case .named(let name): self = .named(name.value)
        case .list(let inner, _): self = .list(GraphQLType(inner))
        case .nonNull(let inner, _): self = .nonNull(GraphQLType(inner))
        }
    }

    /// The innermost type's name.
    public var namedType: String {
        switch self {
        case .named(let name): name
        case .list(let inner), .nonNull(let inner): inner.namedType
        }
    }

    public var isNonNull: Bool {
        if case .nonNull = self { true } else { false }
    }

    /// The type without its outer `!`.
    public var nullable: GraphQLType {
        if case .nonNull(let inner) = self { inner } else { self }
    }

    /// `[String!]!`, as in SDL and in error messages.
    public var description: String {
        switch self {
        case .named(let name): name
        case .list(let inner): "[\(inner)]"
        case .nonNull(let inner): "\(inner)!"
        }
    }
}

/// `__TypeKind` (spec §4.2).
public enum TypeKind: String, Sendable, CaseIterable {
    case scalar = "SCALAR"
    case object = "OBJECT"
    case interface = "INTERFACE"
    case union = "UNION"
    case enumeration = "ENUM"
    case inputObject = "INPUT_OBJECT"
    case list = "LIST"
    case nonNull = "NON_NULL"
}

/// `__DirectiveLocation` (spec §3.13), in the spec's order, then graphql-core 3.3's addition.
public enum DirectiveLocation: String, Sendable, CaseIterable {
    case query = "QUERY"
    case mutation = "MUTATION"
    case subscription = "SUBSCRIPTION"
    case field = "FIELD"
    case fragmentDefinition = "FRAGMENT_DEFINITION"
    case fragmentSpread = "FRAGMENT_SPREAD"
    case inlineFragment = "INLINE_FRAGMENT"
    case variableDefinition = "VARIABLE_DEFINITION"
    case schema = "SCHEMA"
    case scalar = "SCALAR"
    case object = "OBJECT"
    case fieldDefinition = "FIELD_DEFINITION"
    case argumentDefinition = "ARGUMENT_DEFINITION"
    case interface = "INTERFACE"
    case union = "UNION"
    case enumeration = "ENUM"
    case enumValue = "ENUM_VALUE"
    case inputObject = "INPUT_OBJECT"
    case inputFieldDefinition = "INPUT_FIELD_DEFINITION"
    /// graphql-js 17 / graphql-core 3.3: where `@deprecated` may mark a directive definition.
    case directiveDefinition = "DIRECTIVE_DEFINITION"
}
