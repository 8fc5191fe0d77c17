import JSON

/// Executes validated requests against the schema (spec §6): selects the operation, coerces the
/// variables, runs the resolvers and completes their values into the response's `data`.
///
/// Make one per schema and keep it: it indexes every field's resolver once, and remembers the
/// results of introspection-only queries (which cannot change while the schema does not).
public struct Executor: Sendable {
    public let schema: GraphQLSchema
    /// The caller's resolvers and the introspection types' ones (which win for `__*` types).
    public let resolvers: ResolverMap
    let fieldInfo: FieldInfoTable
    private let introspectionResults = IntrospectionResultCache()

    public init(schema: GraphQLSchema, resolvers: ResolverMap) {
        self.schema = schema
        var merged = resolvers
        for (typeName, fields) in IntrospectionResolvers.resolverMap.resolvers {
            merged.resolvers[typeName] = fields
        }
        self.resolvers = merged
        self.fieldInfo = FieldInfoTable(schema: schema, resolvers: merged)
    }

    /// ExecuteRequest (spec §6.1) for a query or mutation. `document` must be valid (spec §5);
    /// request errors (operation selection, variables) leave `data` absent.
    public func execute(document: Document, operationName: String?, variables: JSONObject?, context: any Sendable) async
        -> ExecutionResult
    {
        let prepared: PreparedOperation
        do {
            prepared = try prepare(document: document, operationName: operationName, sharePlan: false)
        } catch {
            return ExecutionResult(data: nil, errors: [error])
        }
        return await execute(prepared: prepared, variables: variables, context: context)
    }

    /// GetOperation (spec §6.1) once, for a document that will be executed many times: keep the
    /// answer with the document and pass it to `execute(prepared:variables:context:)`.
    public func prepare(document: Document, operationName: String?) throws(GraphQLError) -> PreparedOperation {
        try prepare(document: document, operationName: operationName, sharePlan: true)
    }

    private func prepare(document: Document, operationName: String?, sharePlan: Bool) throws(GraphQLError)
        -> PreparedOperation
    {
        let operation = try Self.selectOperation(in: document, named: operationName)
        return PreparedOperation(document: document, operation: operation, shared: sharePlan)
    }

    /// ExecuteRequest (spec §6.1) for a prepared operation; the same answers as
    /// `execute(document:operationName:variables:context:)`.
    public func execute(prepared: PreparedOperation, variables: JSONObject?, context: any Sendable) async -> ExecutionResult {
        let result = await executeSerialized(prepared: prepared, variables: variables, context: context)
        guard let bytes = result.data else { return ExecutionResult(data: nil, errors: result.errors) }
        // The executor wrote this text itself: it parses, and back to the same tree.
        let data = (try? JSON.parse(bytes, limits: Self.resultLimits)) ?? .null
        return ExecutionResult(data: data, errors: result.errors)
    }

    private static let resultLimits = JSONLimits(
        maxDepth: .max, maxBytes: .max, maxStringBytes: .max, maxNumberLength: .max)

    /// ExecuteRequest (spec §6.1) with `data` as compact JSON, written as the fields complete
    /// instead of built as a tree first: what a server sends on needs no second pass.
    public func executeSerialized(prepared: PreparedOperation, variables: JSONObject?, context: any Sendable) async
        -> SerializedExecutionResult
    {
        let operation = prepared.operation
        let coercedVariables: [String: JSONValue]
        switch coerceVariables(of: operation, variables) {
        case .success(let values): coercedVariables = values
        case .failure(let errors): return SerializedExecutionResult(data: nil, errors: errors.errors)
        }
        guard let rootType = schema.rootType(for: operation.operation) else {
            return SerializedExecutionResult(data: nil, errors: [Self.unsupported(operation)])
        }
        var cacheKey: String? = nil
        if prepared.isIntrospectionOnly {
            let key = prepared.introspectionKey(variables: coercedVariables)
            if let data = introspectionResults.result(for: key) { return SerializedExecutionResult(data: data, errors: []) }
            cacheKey = key
        }
        let result = await executeRoot(
            prepared: prepared, rootType: rootType, rootValue: .json(.object(JSONObject())), variables: coercedVariables,
            context: context)
        if let cacheKey, let data = result.data, result.errors.isEmpty { introspectionResults.store(data, for: cacheKey) }
        return result
    }

    /// The request errors of variable coercion, as one value for `Result`.
    struct RequestErrors: Error {
        var errors: [GraphQLError]
    }

    /// CoerceVariableValues (spec §6.4.1); an operation without variables skips the work.
    func coerceVariables(of operation: OperationDefinition, _ variables: JSONObject?)
        -> Result<[String: JSONValue], RequestErrors>
    {
        guard !operation.variableDefinitions.isEmpty else { return .success([:]) }
        let (values, errors) = VariableCoercion(schema: schema).coerce(operation.variableDefinitions, variables)
        return errors.isEmpty ? .success(values) : .failure(RequestErrors(errors: errors))
    }

    static func unsupported(_ operation: OperationDefinition) -> GraphQLError {
        GraphQLError(
            "Schema is not configured to execute \(operation.operation.rawValue) operation.", locations: [operation.location])
    }

    /// ExecuteSelectionSet (spec §6.3) of the operation's root selection set on `rootValue`: a
    /// query's or mutation's whole execution, or one subscription event's (§6.2.3.2).
    func executeRoot(
        prepared: PreparedOperation, rootType: GraphQLNamedType, rootValue: ResolvedValue, variables: [String: JSONValue],
        context: any Sendable
    ) async -> SerializedExecutionResult {
        let context = ExecutionContext(
            schema: schema, fieldInfo: fieldInfo, fragments: prepared.fragments, variables: variables,
            userContext: context)
        let rootFields = prepared.rootFields(rootType: rootType, context: context)
        var out = JSONWriter(capacity: prepared.expectedSize)
        var path: [PathComponent] = []
        path.reserveCapacity(16)
        do {
            try await context.executeFields(rootFields, objectType: rootType, parent: rootValue, path: &path, out: &out)
        } catch {
            // A non-null root field failed: the null reaches the root (spec §6.4.4).
            out.removeAll()
            out.null()
        }
        prepared.expectedSize = out.bytes.count
        return SerializedExecutionResult(data: out.bytes, errors: context.errors)
    }

    /// GetOperation (spec §6.1): the operation named `name`, or the only one when `name` is nil.
    public static func selectOperation(in document: Document, named name: String?) throws(GraphQLError) -> OperationDefinition {
        var found: OperationDefinition?
        for case .operation(let operation) in document.definitions {
            if let name {
                if operation.name?.value == name { return operation }
            } else {
                if found != nil {
                    throw GraphQLError("Must provide operation name if query contains multiple operations.")
                }
                found = operation
            }
        }
        if let name { throw GraphQLError("Unknown operation named '\(name)'.") }
        guard let found else { throw GraphQLError("Must provide an operation.") }
        return found
    }
}
