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

/// The events of a subscription's source stream (spec §6.2.3.1 ResolveFieldEventStream): each
/// one becomes the root value of one execution of the subscription's selection set. Ending the
/// stream ends the subscription; throwing ends it with that error (a `FieldError` keeps its
/// message and code). A consumer that stops early drops the stream, which terminates it: a
/// resolver stops its upstream work in `onTermination` or when its `unfolding` closure is released.
public typealias SourceEventStream = AsyncThrowingStream<ResolvedValue, any Error>

/// A subscription root field's "subscribe" resolver: makes the source stream from the root value
/// and the field's arguments. Throwing (a `FieldError` for a message and code the client may act
/// on) fails the subscription with one error before any event.
public typealias SubscribeResolver =
    @Sendable (_ root: ResolvedValue, _ arguments: ArgumentValues, _ info: ResolveInfo) async throws -> SourceEventStream

/// Resolvers by type name, then field name. Fields without one use the default resolver.
public struct ResolverMap: Sendable {
    public var resolvers: [String: [String: FieldResolver]]
    /// The subscription root type's source stream resolvers, by type name, then field name. A
    /// subscription field also has an ordinary resolver (or the default one) that maps each
    /// event to the field's value, as graphql-js's `subscribe` and `resolve` pair.
    public var subscribers: [String: [String: SubscribeResolver]] = [:]

    public init(_ resolvers: [String: [String: FieldResolver]] = [:]) {
        self.resolvers = resolvers
    }

    public subscript(type: String, field: String) -> FieldResolver? {
        get { resolvers[type]?[field] }
        set { resolvers[type, default: [:]][field] = newValue }
    }

    /// The source stream resolver of a subscription field.
    public subscript(subscribe type: String, field: String) -> SubscribeResolver? {
        get { subscribers[type]?[field] }
        set { subscribers[type, default: [:]][field] = newValue }
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
