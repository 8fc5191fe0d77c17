import GraphQL
import JSON

/// Runs one prepared operation for the streaming transports (GraphQL over SSE and over
/// WebSocket) and hands over its results in order: one for a query or mutation, one per event for
/// a subscription. Every failure after the document was found valid is a result too, with
/// `errors` and no `data` — variables that do not coerce, a subscription whose source stream
/// cannot be made (an unknown model, a bulk_only model, a missing role), a source stream that
/// fails midway (an upstream that breaks off) — so both transports end the same way: results,
/// then complete.
/// Runs on: the caller's task; cancelling it stops a subscription at its next read.
struct OperationRunner: Sendable {
    let executor: Executor

    /// Returns when the operation is over: after its last result, after `emit` threw (the
    /// client is gone; the source stream is dropped, which stops its producer), or when the task
    /// was cancelled.
    func run(_ prepared: PreparedOperation, variables: JSONObject?, state: GraphQLCallState,
             emit: (SerializedExecutionResult, JSONObject?) async throws -> Void) async {
        do {
            guard prepared.operation.operation == .subscription else {
                var result = await executor.executeSerialized(prepared: prepared, variables: variables, context: state)
                if result.data == nil { result.errors = GraphQLServer.coded(result.errors) }
                try await emit(result, result.data == nil ? nil : extensions(state))
                return
            }
            switch await executor.subscribe(prepared: prepared, variables: variables, context: state) {
            case .failed(let errors):
                try await emit(SerializedExecutionResult(data: nil, errors: GraphQLServer.coded(errors)), nil)
            case .stream(let stream):
                var events = stream.makeIterator()
                while !Task.isCancelled {
                    let result: SerializedExecutionResult?
                    do {
                        result = try await events.next()
                    } catch {
                        if Task.isCancelled { return }
                        try await emit(SerializedExecutionResult(data: nil, errors: [error]), nil)
                        return
                    }
                    guard let result else { return }
                    try await emit(result, nil)
                }
            }
        } catch {
            return  // emit failed: nobody is listening any more
        }
    }

    private func extensions(_ state: GraphQLCallState) -> JSONObject? {
        state.cacheExtension.map { ["cache": $0] }
    }
}
