/// One named type of the running schema. A class with only `let`s: built once at start, then
/// shared by every request without copying its field lists.
public final class GraphQLNamedType: Sendable {
    public enum Kind: Sendable {
        case scalar(specifiedByURL: String?)
        case object(fields: [GraphQLField], interfaces: [String])
        case interface(fields: [GraphQLField], interfaces: [String])
        case union(members: [String])
        case enumeration(values: [GraphQLEnumValue])
        case inputObject(fields: [GraphQLInputValue])
    }

    public let name: String
    public let description: String?
    public let kind: Kind
    /// An input object marked `@oneOf` (spec §3.10.1): exactly one field, non-null, per value.
    public let isOneOf: Bool
    /// Output fields (objects, interfaces) or input fields (input objects) by name.
    private let fieldIndex: [String: Int]

    public init(name: String, description: String?, kind: Kind, isOneOf: Bool = false) {
        self.name = name
        self.description = description
        self.kind = kind
        self.isOneOf = isOneOf
        var index: [String: Int] = [:]
        switch kind {
        case .object(let fields, _), .interface(let fields, _):
            for (i, field) in fields.enumerated() { index[field.name] = i }
        case .inputObject(let fields):
            for (i, field) in fields.enumerated() { index[field.name] = i }
        case .enumeration(let values):
            for (i, value) in values.enumerated() { index[value.name] = i }
        case .scalar, .union:
            break
        }
        self.fieldIndex = index
    }

    public var typeKind: TypeKind {
        switch kind {
        case .scalar: .scalar
        case .object: .object
        case .interface: .interface
        case .union: .union
        case .enumeration: .enumeration
        case .inputObject: .inputObject
        }
    }

    /// Output fields of an object or interface type, in definition order; empty otherwise.
    public var fields: [GraphQLField] {
        switch kind {
        case .object(let fields, _), .interface(let fields, _): fields
        default: []
        }
    }

    public func field(named name: String) -> GraphQLField? {
        guard let i = fieldIndex[name] else { return nil }
        switch kind {
        case .object(let fields, _), .interface(let fields, _): return fields[i]
        default: return nil
        }
    }

    /// Fields of an input object type, in definition order; empty otherwise.
    public var inputFields: [GraphQLInputValue] {
        if case .inputObject(let fields) = kind { fields } else { [] }
    }

    public func inputField(named name: String) -> GraphQLInputValue? {
        guard let i = fieldIndex[name], case .inputObject(let fields) = kind else { return nil }
        return fields[i]
    }

    public var enumValues: [GraphQLEnumValue] {
        if case .enumeration(let values) = kind { values } else { [] }
    }

    public func enumValue(named name: String) -> GraphQLEnumValue? {
        guard let i = fieldIndex[name], case .enumeration(let values) = kind else { return nil }
        return values[i]
    }

    /// Interfaces an object or interface type declares it implements.
    public var interfaces: [String] {
        switch kind {
        case .object(_, let interfaces), .interface(_, let interfaces): interfaces
        default: []
        }
    }

    /// Scalars and enums: what a field selection ends in.
    public var isLeaf: Bool {
        switch kind {
        case .scalar, .enumeration: true
        default: false
        }
    }

    /// Objects, interfaces and unions: what a selection set and a fragment apply to.
    public var isComposite: Bool {
        switch kind {
        case .object, .interface, .union: true
        default: false
        }
    }

    /// Interfaces and unions.
    public var isAbstract: Bool {
        switch kind {
        case .interface, .union: true
        default: false
        }
    }

    /// Scalars, enums and input objects: what a variable or an argument may be.
    public var isInputType: Bool {
        switch kind {
        case .scalar, .enumeration, .inputObject: true
        default: false
        }
    }

    /// Scalars, enums, objects, interfaces and unions: what a field may return.
    public var isOutputType: Bool {
        if case .inputObject = kind { false } else { true }
    }
}

/// A field of an object or interface type.
public struct GraphQLField: Sendable {
    public var name: String
    public var description: String?
    public var arguments: [GraphQLInputValue]
    public var type: GraphQLType
    /// Non-nil when deprecated (`@deprecated`; the default reason is "No longer supported").
    public var deprecationReason: String?

    public init(
        name: String, description: String? = nil, arguments: [GraphQLInputValue] = [], type: GraphQLType,
        deprecationReason: String? = nil
    ) {
        self.name = name
        self.description = description
        self.arguments = arguments
        self.type = type
        self.deprecationReason = deprecationReason
    }

    public func argument(named name: String) -> GraphQLInputValue? {
        arguments.first { $0.name == name }
    }
}

/// An argument (of a field or a directive) or an input object's field.
public struct GraphQLInputValue: Sendable {
    public var name: String
    public var description: String?
    public var type: GraphQLType
    /// The default as written in the schema (a literal; introspection prints it back in GraphQL syntax).
    public var defaultValue: Value?
    public var deprecationReason: String?

    public init(
        name: String, description: String? = nil, type: GraphQLType, defaultValue: Value? = nil,
        deprecationReason: String? = nil
    ) {
        self.name = name
        self.description = description
        self.type = type
        self.defaultValue = defaultValue
        self.deprecationReason = deprecationReason
    }
}

public struct GraphQLEnumValue: Sendable {
    public var name: String
    public var description: String?
    public var deprecationReason: String?

    public init(name: String, description: String? = nil, deprecationReason: String? = nil) {
        self.name = name
        self.description = description
        self.deprecationReason = deprecationReason
    }
}

public struct GraphQLDirective: Sendable {
    public var name: String
    public var description: String?
    public var locations: [DirectiveLocation]
    public var arguments: [GraphQLInputValue]
    public var isRepeatable: Bool

    public init(
        name: String, description: String? = nil, locations: [DirectiveLocation], arguments: [GraphQLInputValue] = [],
        isRepeatable: Bool = false
    ) {
        self.name = name
        self.description = description
        self.locations = locations
        self.arguments = arguments
        self.isRepeatable = isRepeatable
    }

    public func argument(named name: String) -> GraphQLInputValue? {
        arguments.first { $0.name == name }
    }
}
