import GatewayCore
import GatewayHTTP
import GraphQL
import JSON
import Synchronization
import Tracing

/// One graphql-transport-ws socket: drives `TransportWSStateMachine` with the session's
/// messages and an init timer, runs each operation on its own task, and carries out the
/// machine's actions (sends, close, starting and stopping operations).
/// Runs on: the upgraded request's handler task (the reading loop), one task per operation and
/// one for the init timer; the session hops to the connection's event loop itself.
final class TransportWSConnection: Sendable {
    /// What an operation needs from the server: the document cache, the executor, admission.
    struct Services: Sendable {
        var prepare: @Sendable (_ query: String, _ operationName: String?) -> Result<PreparedOperation, GraphQLServer.PrepareFailure>
        var runner: OperationRunner
        var access: (any CallAdmission)?
        var initTimeout: Duration
        var maxOperations: Int
    }

    private let session: any WebSocketSession
    private let services: Services
    private let machine: Mutex<TransportWSStateMachine>
    /// The key the connection was accepted with, for every operation's admission.
    private let credential = Mutex<String?>(nil)
    private let tasks = Mutex<[String: (token: UInt64, task: Task<Void, Never>)]>([:])
    /// The upgrade request's trace, which every operation on the connection continues; nil when
    /// it sent no `traceparent`, and then each operation starts a trace of its own.
    private let trace: TraceContext?

    init(session: any WebSocketSession, headerCredential: String?, trace: TraceContext?, services: Services) {
        self.session = session
        self.trace = trace
        self.services = services
        self.machine = Mutex(TransportWSStateMachine(headerCredential: headerCredential, maxOperations: services.maxOperations))
    }

    /// Runs until the socket closes; every operation has stopped when it returns.
    func run() async {
        let timeout = services.initTimeout
        let timer = Task { [self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            await perform(machine.withLock { $0.initTimeoutElapsed() })
        }
        for await message in session.messages {
            await perform(machine.withLock { $0.received(message) })
        }
        timer.cancel()
        await perform(machine.withLock { $0.socketClosed() })
        // Whatever is still running was told to stop; wait for it, so nothing outlives the socket.
        let remaining = tasks.withLock { t in
            defer { t = [:] }
            return t.values.map(\.task)
        }
        for task in remaining { await task.value }
    }

    /// Carries out the machine's actions in order.
    private func perform(_ actions: [TransportWSStateMachine.Action]) async {
        for action in actions {
            switch action {
            case .send(let message):
                do {
                    try await session.send(.text(message.text))
                } catch {
                    return  // the socket is closing: `messages` ends and the loop stops everything
                }
            case .close(let code, let reason):
                session.close(code: code, reason: reason)
            case .authenticate(let key):
                let accepted = accepts(key)
                if accepted { credential.withLock { $0 = key } }
                await perform(machine.withLock { $0.authenticated(accepted) })
            case .start(let id, let token, let payload):
                tasks.withLock { t in
                    t[id] = (token, Task { [self] in
                        await operate(id, token: token, payload)
                        tasks.withLock { t in if t[id]?.token == token { t[id] = nil } }
                    })
                }
            case .stop(let id, let token):
                let task = tasks.withLock { t -> Task<Void, Never>? in
                    guard let entry = t[id], entry.token == token else { return nil }
                    t[id] = nil
                    return entry.task
                }
                task?.cancel()
            }
        }
    }

    /// The key check after `connection_init`: with keys configured, a known key with at least
    /// the `read` role (no rate token: each operation takes its own).
    private func accepts(_ key: String?) -> Bool {
        guard let access = services.access, access.requiresKeys else { return true }
        do throws(GatewayError) {
            try access.require(.read, credential: key, operation: "/graphql")
            return true
        } catch {
            return false
        }
    }

    /// One operation: admission (a rate token), the document, then its results until it ends
    /// or is stopped.
    private func operate(_ id: String, token: UInt64, _ payload: SubscribePayload) async {
        let key = credential.withLock { $0 }
        if let access = services.access, access.requiresKeys {
            do throws(GatewayError) {
                _ = try await access.admit(credential: key, needs: .read, operation: "/graphql")
            } catch {
                await report(id, token, .rejected([GatewayResolvers.errorJSON(error)]))
                return
            }
        }
        let prepared: PreparedOperation
        switch services.prepare(payload.query, payload.operationName) {
        case .success(let p):
            prepared = p
        case .failure(.tooLarge(let message)):
            let error = GraphQLError(message, extensions: ["code": "payload_too_large"])
            await report(id, token, .rejected([error.json]))
            return
        case .failure(.invalid(let errors)):
            await report(id, token, .rejected(GraphQLServer.coded(errors).map(\.json)))
            return
        }
        let state = GraphQLCallState(call: CallContext(requestID: RequestID.make(), trace: trace, protocolName: "graphql",
                                                       credential: key))
        await services.runner.run(prepared, variables: payload.variables, state: state) { result, extensions in
            guard await report(id, token, .next(result.json(extensions: extensions))) else { throw CancellationError() }
        }
        await report(id, token, .finished)
    }

    /// Hands an operation's event to the machine and sends what it says; false when the
    /// operation's results are no longer wanted.
    @discardableResult
    private func report(_ id: String, _ token: UInt64, _ event: TransportWSStateMachine.OperationEvent) async -> Bool {
        let actions = machine.withLock { $0.operation(id, token: token, event) }
        guard !actions.isEmpty else { return false }
        await perform(actions)
        return true
    }
}
