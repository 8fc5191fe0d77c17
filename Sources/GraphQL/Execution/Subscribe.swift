import JSON

/// What `Executor.subscribe` answers (spec §6.2.3 Subscribe): the response stream, or the errors
/// that stopped the subscription before its first event — request errors (variables) or the
/// root field's (its arguments, its subscribe resolver). The errors go out as one result with
/// no `data`, as graphql-js's `subscribe` answers them.
public enum SubscriptionResult: Sendable {
    case stream(ResponseStream)
    case failed([GraphQLError])
}

extension Executor {
    /// Subscribe (spec §6.2.3) for a prepared subscription operation: CreateSourceEventStream
    /// now, MapSourceToResponseEvent as the caller reads the stream. `document` must be valid
    /// (SingleFieldSubscriptions has checked there is exactly one root field).
    public func subscribe(
        prepared: PreparedOperation, variables: JSONObject?, context: any Sendable,
        rootValue: ResolvedValue = .json(.object(JSONObject()))
    ) async -> SubscriptionResult {
        let operation = prepared.operation
        guard operation.operation == .subscription else {
            return .failed([
                GraphQLError(
                    "A \(operation.operation.rawValue) is executed, not subscribed to.", locations: [operation.location])
            ])
        }
        let coerced: [String: JSONValue]
        switch coerceVariables(of: operation, variables) {
        case .success(let values): coerced = values
        case .failure(let errors): return .failed(errors.errors)
        }
        guard let rootType = schema.rootType(for: .subscription) else { return .failed([Self.unsupported(operation)]) }
        switch await createSourceEventStream(
            prepared: prepared, rootType: rootType, rootValue: rootValue, variables: coerced, context: context)
        {
        case .failure(let errors):
            return .failed(errors.errors)
        case .success(let (source, field)):
            return .stream(
                ResponseStream(
                    executor: self, prepared: prepared, rootType: rootType, variables: coerced, context: context,
                    source: source, rootField: field))
        }
    }

    /// CreateSourceEventStream (spec §6.2.3.1): the root field's arguments, then its subscribe
    /// resolver (ResolveFieldEventStream).
    private func createSourceEventStream(
        prepared: PreparedOperation, rootType: GraphQLNamedType, rootValue: ResolvedValue,
        variables: [String: JSONValue], context: any Sendable
    ) async -> Result<(SourceEventStream, ResponseStream.RootField), RequestErrors> {
        let execution = ExecutionContext(
            schema: schema, fieldInfo: fieldInfo, fragments: prepared.fragments, variables: variables,
            userContext: context)
        let operation = prepared.operation
        guard let field = prepared.rootFields(rootType: rootType, context: execution).first else {
            let error = GraphQLError("The subscription selects no field.", locations: [operation.location])
            return .failure(RequestErrors(errors: [error]))
        }
        let rootField = ResponseStream.RootField(
            locations: field.nodes.map(\.location), responseKey: field.responseKey)
        let path: [PathComponent] = [.key(field.responseKey)]
        guard let definition = field.definition else {
            let error = GraphQLError(
                "The subscription field \"\(field.fieldName)\" is not defined.", locations: rootField.locations)
            return .failure(RequestErrors(errors: [error]))
        }
        guard let arguments = execution.argumentValues(of: field, parentType: rootType, path: path) else {
            return .failure(RequestErrors(errors: execution.errors))
        }
        guard let subscriber = resolvers[subscribe: rootType.name, field.fieldName] else {
            // graphql-js's words for a field whose default subscribe finds no stream.
            let error = GraphQLError(
                "Subscription field must return Async Iterable. Received: undefined.", locations: rootField.locations,
                path: path)
            return .failure(RequestErrors(errors: [error]))
        }
        let info = ResolveInfo(
            fieldName: field.fieldName, parentTypeName: rootType.name, returnType: definition.type, path: path,
            schema: schema, context: context)
        do {
            return .success((try await subscriber(rootValue, arguments, info), rootField))
        } catch {
            return .failure(RequestErrors(errors: [rootField.error(error)]))
        }
    }
}

/// MapSourceToResponseEvent (spec §6.2.3.2): each event of the source stream, executed as the
/// root value of the subscription's selection set (ExecuteSubscriptionEvent), as it is read. The
/// stream is pulled, so a slow reader slows the source; a reader that stops drops the source,
/// which stops its producer.
public struct ResponseStream: Sendable {
    /// Where the root field is, for the errors of the source stream.
    struct RootField: Sendable {
        var locations: [SourceLocation]
        var responseKey: String

        /// A failure of the source stream as the field's error: a `FieldError` keeps its message
        /// and code, a `GraphQLError` stays as it is, anything else is "Internal error".
        func error(_ error: any Error) -> GraphQLError {
            let path: [PathComponent] = [.key(responseKey)]
            switch error {
            case let e as GraphQLError: return e
            case let e as FieldError: return GraphQLError(e.message, locations: locations, path: path, extensions: e.extensions)
            default: return GraphQLError("Internal error", locations: locations, path: path, extensions: ["code": "internal"])
            }
        }
    }

    let executor: Executor
    let prepared: PreparedOperation
    let rootType: GraphQLNamedType
    let variables: [String: JSONValue]
    let context: any Sendable
    let source: SourceEventStream
    let rootField: RootField

    public func makeIterator() -> Events {
        Events(stream: self, source: source.makeAsyncIterator())
    }

    /// Reads the response stream: one result per source event, nil after the source ended.
    public struct Events {
        let stream: ResponseStream
        var source: SourceEventStream.Iterator
        var finished = false

        /// The next event's result; throws (once) when the source stream failed, nil after the end.
        public mutating func next() async throws(GraphQLError) -> SerializedExecutionResult? {
            guard !finished else { return nil }
            let event: ResolvedValue?
            do {
                event = try await source.next()
            } catch {
                finished = true
                throw stream.rootField.error(error)
            }
            guard let event else {
                finished = true
                return nil
            }
            return await stream.executor.executeRoot(
                prepared: stream.prepared, rootType: stream.rootType, rootValue: event, variables: stream.variables,
                context: stream.context)
        }
    }
}
