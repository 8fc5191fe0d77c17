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
    private let fieldInfo: FieldInfoTable
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
        let operation: OperationDefinition
        do {
            operation = try Self.selectOperation(in: document, named: operationName)
        } catch {
            return ExecutionResult(data: nil, errors: [error])
        }
        let (coercedVariables, variableErrors) = VariableCoercion(schema: schema).coerce(operation.variableDefinitions, variables)
        guard variableErrors.isEmpty else { return ExecutionResult(data: nil, errors: variableErrors) }
        guard let rootType = schema.rootType(for: operation.operation) else {
            return ExecutionResult(
                data: nil,
                errors: [
                    GraphQLError(
                        "Schema is not configured to execute \(operation.operation.rawValue) operation.",
                        locations: [operation.location])
                ])
        }
        var fragments: [String: FragmentDefinition] = [:]
        for case .fragment(let fragment) in document.definitions where fragments[fragment.name.value] == nil {
            fragments[fragment.name.value] = fragment
        }
        var cacheKey: String? = nil
        if operation.operation == .query,
            IntrospectionResultCache.isIntrospectionOnly(operation.selectionSet, fragments: fragments)
        {
            let key = IntrospectionResultCache.key(operation: operation, document: document, variables: coercedVariables)
            if let data = introspectionResults.result(for: key) { return ExecutionResult(data: data, errors: []) }
            cacheKey = key
        }
        let context = ExecutionContext(
            schema: schema, fieldInfo: fieldInfo, fragments: fragments, variables: coercedVariables,
            userContext: context)
        var collector = FieldCollector(context: context, objectType: rootType)
        collector.collect(operation.selectionSet)
        let data: JSONValue
        var path: [PathComponent] = []
        path.reserveCapacity(16)
        do {
            data = try await context.executeFields(
                collector.fields, objectType: rootType, parent: .json(.object(JSONObject())), path: &path)
        } catch {
            // A non-null root field failed: the null reaches the root (spec §6.4.4).
            data = .null
        }
        if let cacheKey, context.errors.isEmpty { introspectionResults.store(data, for: cacheKey) }
        return ExecutionResult(data: data, errors: context.errors)
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
