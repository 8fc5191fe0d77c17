/// The syntax tree of a GraphQL document (spec §2 and §3), executable and type-system definitions
/// alike: one parse serves requests and the schema file, and validation rejects what a request
/// may not contain (ExecutableDefinitions). Every node keeps where it starts, because every error
/// the gateway reports points at the text the client wrote.

/// 1-based line and column of a node's first character; columns count Unicode scalars, as
/// graphql-js reports them.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A name as written, with where it was written.
public struct Name: Sendable, Hashable {
    public var value: String
    public var location: SourceLocation

    public init(_ value: String, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

public struct Document: Sendable {
    public var definitions: [Definition]

    public init(definitions: [Definition]) {
        self.definitions = definitions
    }
}

public enum Definition: Sendable {
    case operation(OperationDefinition)
    case fragment(FragmentDefinition)
    case typeSystem(TypeSystemDefinition)
}

public enum OperationType: String, Sendable, Hashable {
    case query, mutation, subscription
}

public struct OperationDefinition: Sendable {
    public var operation: OperationType
    public var name: Name?
    public var variableDefinitions: [VariableDefinition]
    public var directives: [Directive]
    public var selectionSet: SelectionSet
    /// Where the operation keyword is, or the `{` of a query shorthand.
    public var location: SourceLocation

    public init(
        operation: OperationType, name: Name?, variableDefinitions: [VariableDefinition], directives: [Directive],
        selectionSet: SelectionSet, location: SourceLocation
    ) {
        self.operation = operation
        self.name = name
        self.variableDefinitions = variableDefinitions
        self.directives = directives
        self.selectionSet = selectionSet
        self.location = location
    }
}

public struct VariableDefinition: Sendable {
    /// The variable's name without the `$`; its location is the `$`.
    public var variable: Name
    public var type: TypeReference
    public var defaultValue: Value?
    public var directives: [Directive]
    public var location: SourceLocation

    public init(variable: Name, type: TypeReference, defaultValue: Value?, directives: [Directive], location: SourceLocation) {
        self.variable = variable
        self.type = type
        self.defaultValue = defaultValue
        self.directives = directives
        self.location = location
    }
}

/// A type as written in a variable definition or in SDL: `Int`, `[Int!]`, `String!`.
public indirect enum TypeReference: Sendable, Hashable, CustomStringConvertible {
    case named(Name)
    case list(TypeReference, SourceLocation)
    case nonNull(TypeReference, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .named(let name): name.location
        case .list(_, let location), .nonNull(_, let location): location
        }
    }

    /// The innermost named type.
    public var namedType: Name {
        switch self {
        case .named(let name): name
        case .list(let inner, _), .nonNull(let inner, _): inner.namedType
        }
    }

    /// As written in GraphQL: `[String!]!`.
    public var description: String {
        switch self {
        case .named(let name): name.value
        case .list(let inner, _): "[\(inner)]"
        case .nonNull(let inner, _): "\(inner)!"
        }
    }
}

public struct SelectionSet: Sendable {
    public var selections: [Selection]
    /// The `{`.
    public var location: SourceLocation

    public init(selections: [Selection], location: SourceLocation) {
        self.selections = selections
        self.location = location
    }
}

public enum Selection: Sendable {
    case field(Field)
    case fragmentSpread(FragmentSpread)
    case inlineFragment(InlineFragment)

    public var location: SourceLocation {
        switch self {
        case .field(let field): field.location
        case .fragmentSpread(let spread): spread.location
        case .inlineFragment(let fragment): fragment.location
        }
    }

    public var directives: [Directive] {
        switch self {
        case .field(let field): field.directives
        case .fragmentSpread(let spread): spread.directives
        case .inlineFragment(let fragment): fragment.directives
        }
    }
}

public struct Field: Sendable {
    public var alias: Name?
    public var name: Name
    public var arguments: [Argument]
    public var directives: [Directive]
    public var selectionSet: SelectionSet?
    /// Where the alias starts, or the name when there is none.
    public var location: SourceLocation

    public init(
        alias: Name?, name: Name, arguments: [Argument], directives: [Directive], selectionSet: SelectionSet?,
        location: SourceLocation
    ) {
        self.alias = alias
        self.name = name
        self.arguments = arguments
        self.directives = directives
        self.selectionSet = selectionSet
        self.location = location
    }

    /// The key this field has in the response.
    public var responseKey: String { alias?.value ?? name.value }
}

public struct Argument: Sendable {
    public var name: Name
    public var value: Value
    public var location: SourceLocation

    public init(name: Name, value: Value, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

public struct FragmentSpread: Sendable {
    public var name: Name
    public var directives: [Directive]
    /// The `...`.
    public var location: SourceLocation

    public init(name: Name, directives: [Directive], location: SourceLocation) {
        self.name = name
        self.directives = directives
        self.location = location
    }
}

public struct InlineFragment: Sendable {
    public var typeCondition: Name?
    public var directives: [Directive]
    public var selectionSet: SelectionSet
    /// The `...`.
    public var location: SourceLocation

    public init(typeCondition: Name?, directives: [Directive], selectionSet: SelectionSet, location: SourceLocation) {
        self.typeCondition = typeCondition
        self.directives = directives
        self.selectionSet = selectionSet
        self.location = location
    }
}

public struct FragmentDefinition: Sendable {
    public var name: Name
    public var typeCondition: Name
    public var directives: [Directive]
    public var selectionSet: SelectionSet
    /// The `fragment` keyword.
    public var location: SourceLocation

    public init(name: Name, typeCondition: Name, directives: [Directive], selectionSet: SelectionSet, location: SourceLocation) {
        self.name = name
        self.typeCondition = typeCondition
        self.directives = directives
        self.selectionSet = selectionSet
        self.location = location
    }
}

public struct Directive: Sendable {
    public var name: Name
    public var arguments: [Argument]
    /// The `@`.
    public var location: SourceLocation

    public init(name: Name, arguments: [Argument], location: SourceLocation) {
        self.name = name
        self.arguments = arguments
        self.location = location
    }
}

/// A literal value (spec §2.9). Numbers keep their source text: coercion decides whether `1` is an
/// Int or a Float and whether it fits, and the text is what error messages and `defaultValue` echo.
public struct Value: Sendable {
    public indirect enum Kind: Sendable {
        case variable(String)
        case int(String)
        case float(String)
        /// The string's value after escapes (and block-string indentation) are resolved.
        case string(String, block: Bool)
        case boolean(Bool)
        case null
        case enumValue(String)
        case list([Value])
        case object([ObjectField])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

public struct ObjectField: Sendable {
    public var name: Name
    public var value: Value
    public var location: SourceLocation

    public init(name: Name, value: Value, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}
