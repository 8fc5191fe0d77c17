import JSON

/// What a resolver returns (and what the executor passes to the resolvers of the fields below).
///
/// Most gateway data is already a JSON tree, so `.json` is the common case: the default resolver
/// reads a child field as the object member of the same name, and an object under an interface
/// or union names its type with a `__typename` member. `.object` carries a value only the
/// registered resolvers of `typeName` understand (the introspection types use it).
public enum ResolvedValue: Sendable {
    case null
    case json(JSONValue)
    case list([ResolvedValue])
    case object(typeName: String?, value: any Sendable)
}

/// Where a resolver is called from and what it may need besides its parent and arguments.
public struct ResolveInfo: Sendable {
    public var fieldName: String
    public var parentTypeName: String
    public var returnType: GraphQLType
    public var path: [PathComponent]
    public var schema: GraphQLSchema
    /// Whatever the caller of `execute` passed: the gateway's per-request context.
    public var context: any Sendable

    public init(
        fieldName: String, parentTypeName: String, returnType: GraphQLType, path: [PathComponent], schema: GraphQLSchema,
        context: any Sendable
    ) {
        self.fieldName = fieldName
        self.parentTypeName = parentTypeName
        self.returnType = returnType
        self.path = path
        self.schema = schema
        self.context = context
    }
}

/// Coerced argument values by name (spec §6.4.1 CoerceArgumentValues): only arguments that were
/// given or have a default are present; an explicit null is `.null`.
public typealias ArgumentValues = [String: JSONValue]

public typealias FieldResolver =
    @Sendable (_ parent: ResolvedValue, _ arguments: ArgumentValues, _ info: ResolveInfo) async throws -> ResolvedValue

/// Resolvers by type name, then field name. Fields without one use the default resolver.
public struct ResolverMap: Sendable {
    public var resolvers: [String: [String: FieldResolver]]

    public init(_ resolvers: [String: [String: FieldResolver]] = [:]) {
        self.resolvers = resolvers
    }

    public subscript(type: String, field: String) -> FieldResolver? {
        get { resolvers[type]?[field] }
        set { resolvers[type, default: [:]][field] = newValue }
    }
}

/// The result of executing one operation (spec §7.1): `data` is absent for request errors.
public struct ExecutionResult: Sendable {
    public var data: JSONValue?
    public var errors: [GraphQLError]

    public init(data: JSONValue?, errors: [GraphQLError]) {
        self.data = data
        self.errors = errors
    }

    /// The response map: `errors` first when there are any (as the spec recommends), then `data`.
    public func json(extensions: JSONObject? = nil) -> JSONValue {
        var object = JSONObject()
        if !errors.isEmpty { object.set("errors", .array(errors.map(\.json))) }
        if let data { object.set("data", data) }
        if let extensions, !extensions.isEmpty { object.set("extensions", .object(extensions)) }
        return .object(object)
    }
}
