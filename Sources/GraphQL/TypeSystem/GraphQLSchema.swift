/// The running schema: every named type (the built-in scalars and the introspection types
/// included), the root operation types and the directives. Built once at start by
/// `SchemaBuilder` from `Schema/gateway.graphql`, then read by every request.
public final class GraphQLSchema: Sendable {
    public let description: String?
    public let queryType: String
    public let mutationType: String?
    public let subscriptionType: String?
    /// In the order introspection lists them.
    public let typeNames: [String]
    public let directives: [GraphQLDirective]
    private let typesByName: [String: GraphQLNamedType]
    /// Object types per interface or union, in `typeNames` order.
    private let possibleTypesByName: [String: [String]]
    private let directivesByName: [String: GraphQLDirective]

    /// `types` in introspection order; they must include every type referenced anywhere.
    public init(
        description: String?, queryType: String, mutationType: String?, subscriptionType: String?,
        types: [GraphQLNamedType], directives: [GraphQLDirective]
    ) {
        self.description = description
        self.queryType = queryType
        self.mutationType = mutationType
        self.subscriptionType = subscriptionType
        self.typeNames = types.map(\.name)
        self.directives = directives
        var byName: [String: GraphQLNamedType] = [:]
        for type in types { byName[type.name] = type }
        self.typesByName = byName
        var possible: [String: [String]] = [:]
        for type in types {
            switch type.kind {
            case .object(_, let interfaces):
                for interface in interfaces { possible[interface, default: []].append(type.name) }
            case .union(let members):
                possible[type.name] = members
            default:
                break
            }
        }
        self.possibleTypesByName = possible
        var directiveIndex: [String: GraphQLDirective] = [:]
        for directive in directives { directiveIndex[directive.name] = directive }
        self.directivesByName = directiveIndex
    }

    public var types: [GraphQLNamedType] { typeNames.compactMap { typesByName[$0] } }

    public func type(named name: String) -> GraphQLNamedType? { typesByName[name] }

    public func directive(named name: String) -> GraphQLDirective? { directivesByName[name] }

    /// The root type of an operation, nil when the schema does not define one (e.g. no mutations).
    public func rootType(for operation: OperationType) -> GraphQLNamedType? {
        switch operation {
        case .query: typesByName[queryType]
        case .mutation: mutationType.flatMap { typesByName[$0] }
        case .subscription: subscriptionType.flatMap { typesByName[$0] }
        }
    }

    /// The object types an abstract type may be at run time; for an object type, itself.
    public func possibleTypes(of typeName: String) -> [String] {
        guard let type = typesByName[typeName] else { return [] }
        if case .object = type.kind { return [typeName] }
        return possibleTypesByName[typeName] ?? []
    }

    /// Whether an object of type `objectType` may appear where `abstractType` is expected.
    public func isPossibleType(_ objectType: String, of abstractType: String) -> Bool {
        objectType == abstractType || possibleTypes(of: abstractType).contains(objectType)
    }

    /// The named type of a type reference, nil when the schema has no such type.
    public func namedType(of type: GraphQLType) -> GraphQLNamedType? { typesByName[type.namedType] }
}
