/// Type-system definitions (spec §3): what `Schema/gateway.graphql` is made of. Requests may
/// contain them syntactically; validation (ExecutableDefinitions) rejects them there.

public enum TypeSystemDefinition: Sendable {
    case schema(SchemaDefinition)
    case type(TypeDefinition)
    case directive(DirectiveDefinition)
    /// `extend schema` / `extend type ...`: parsed so the error can name them; the gateway's schema
    /// file does not use them.
    case extensionDefinition(kind: String, name: Name?, location: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .schema(let definition): definition.location
        case .type(let definition): definition.location
        case .directive(let definition): definition.location
        case .extensionDefinition(_, _, let location): location
        }
    }
}

public struct SchemaDefinition: Sendable {
    public var description: String?
    public var directives: [Directive]
    public var operationTypes: [(operation: OperationType, type: Name)]
    public var location: SourceLocation

    public init(
        description: String?, directives: [Directive], operationTypes: [(operation: OperationType, type: Name)],
        location: SourceLocation
    ) {
        self.description = description
        self.directives = directives
        self.operationTypes = operationTypes
        self.location = location
    }
}

public struct TypeDefinition: Sendable {
    public enum Kind: Sendable {
        case scalar
        /// `implements` list and fields.
        case object(interfaces: [Name], fields: [FieldDefinition])
        case interface(interfaces: [Name], fields: [FieldDefinition])
        case union(members: [Name])
        case enumeration(values: [EnumValueDefinition])
        case inputObject(fields: [InputValueDefinition])
    }

    public var description: String?
    public var name: Name
    public var directives: [Directive]
    public var kind: Kind
    /// The keyword (`type`, `enum`, ...), or the description before it.
    public var location: SourceLocation

    public init(description: String?, name: Name, directives: [Directive], kind: Kind, location: SourceLocation) {
        self.description = description
        self.name = name
        self.directives = directives
        self.kind = kind
        self.location = location
    }
}

public struct FieldDefinition: Sendable {
    public var description: String?
    public var name: Name
    public var arguments: [InputValueDefinition]
    public var type: TypeReference
    public var directives: [Directive]
    public var location: SourceLocation

    public init(
        description: String?, name: Name, arguments: [InputValueDefinition], type: TypeReference, directives: [Directive],
        location: SourceLocation
    ) {
        self.description = description
        self.name = name
        self.arguments = arguments
        self.type = type
        self.directives = directives
        self.location = location
    }
}

/// An argument or an input object's field.
public struct InputValueDefinition: Sendable {
    public var description: String?
    public var name: Name
    public var type: TypeReference
    public var defaultValue: Value?
    public var directives: [Directive]
    public var location: SourceLocation

    public init(
        description: String?, name: Name, type: TypeReference, defaultValue: Value?, directives: [Directive],
        location: SourceLocation
    ) {
        self.description = description
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.directives = directives
        self.location = location
    }
}

public struct EnumValueDefinition: Sendable {
    public var description: String?
    public var name: Name
    public var directives: [Directive]
    public var location: SourceLocation

    public init(description: String?, name: Name, directives: [Directive], location: SourceLocation) {
        self.description = description
        self.name = name
        self.directives = directives
        self.location = location
    }
}

public struct DirectiveDefinition: Sendable {
    public var description: String?
    public var name: Name
    public var arguments: [InputValueDefinition]
    public var isRepeatable: Bool
    public var locations: [Name]
    /// The `directive` keyword, or the description before it.
    public var location: SourceLocation

    public init(
        description: String?, name: Name, arguments: [InputValueDefinition], isRepeatable: Bool, locations: [Name],
        location: SourceLocation
    ) {
        self.description = description
        self.name = name
        self.arguments = arguments
        self.isRepeatable = isRepeatable
        self.locations = locations
        self.location = location
    }
}
