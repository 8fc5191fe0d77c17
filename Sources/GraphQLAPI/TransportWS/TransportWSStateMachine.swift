import GatewayHTTP
import JSON

/// The server side of graphql-transport-ws (enisdenjo/graphql-ws PROTOCOL.md) as a pure state
/// machine: it is fed what happens — a client message, the init timer, an operation's result,
/// the socket's end — and returns what to do. It does no I/O and knows no clock;
/// `TransportWSConnection` drives it over a `WebSocketSession`.
///
/// Rules: `connection_init` once (a second one closes 4429), answered by `connection_ack` once
/// the key is accepted (else 4403); no init before the timer fires closes 4408; `subscribe`
/// before the ack closes 4401; an id already running closes 4409; a message that is not the
/// protocol's closes 4400; `ping` gets a `pong` with the same payload; a client `complete` stops
/// that operation. After a close nothing more is sent and every operation is stopped.
struct TransportWSStateMachine: Sendable {
    enum Phase: Sendable, Equatable {
        case awaitingInit
        /// `connection_init` came; the driver is checking its key.
        case authenticating
        case acknowledged
        case closed
    }

    enum Action: Sendable, Equatable {
        case send(TransportWSServerMessage)
        case close(code: UInt16, reason: String)
        /// Check this key (nil: none was sent) and call `authenticated(_:)`.
        case authenticate(credential: String?)
        /// Run the operation; report with `operation(_:token:_:)` quoting `token`.
        case start(id: String, token: UInt64, payload: SubscribePayload)
        /// Stop the operation's task (its results are no longer wanted).
        case stop(id: String, token: UInt64)
    }

    /// What an operation's task reports.
    enum OperationEvent: Sendable, Equatable {
        case next([UInt8])
        /// It could not start (document errors, admission): `error`, and no `complete`.
        case rejected([JSONValue])
        case finished
    }

    private(set) var phase = Phase.awaitingInit
    /// Running operations by id, each with the token its start was given.
    private(set) var active: [String: UInt64] = [:]
    private var nextToken: UInt64 = 1
    /// The key in the upgrade request's headers, used when `connection_init` carries none.
    let headerCredential: String?
    let maxOperations: Int

    init(headerCredential: String?, maxOperations: Int = 100) {
        self.headerCredential = headerCredential
        self.maxOperations = maxOperations
    }

    mutating func received(_ message: WebSocketMessage) -> [Action] {
        guard phase != .closed else { return [] }
        guard case .text(let text) = message else {
            return close(TransportWSClose.badMessage, "Invalid message received: binary frames are not part of graphql-transport-ws")
        }
        switch TransportWSClientMessage.parse(text) {
        case .failure(let invalid):
            return close(TransportWSClose.badMessage, invalid.reason)
        case .success(let message):
            return received(message)
        }
    }

    mutating func received(_ message: TransportWSClientMessage) -> [Action] {
        guard phase != .closed else { return [] }
        switch message {
        case .connectionInit(let payload):
            guard phase == .awaitingInit else { return close(TransportWSClose.tooManyInits, "Too many initialisation requests") }
            phase = .authenticating
            return [.authenticate(credential: Self.credential(payload) ?? headerCredential)]
        case .ping(let payload):
            return [.send(.pong(payload: payload))]
        case .pong:
            return []
        case .subscribe(let id, let payload):
            guard phase == .acknowledged else { return close(TransportWSClose.unauthorized, "Unauthorized") }
            guard active[id] == nil else {
                return close(TransportWSClose.duplicateSubscriber, "Subscriber for \(id) already exists")
            }
            guard active.count < maxOperations else {
                let error: JSONValue = [
                    "message": .string("this socket already runs \(maxOperations) operations; complete one first"),
                    "extensions": ["code": "rate_limited"],
                ]
                return [.send(.error(id: id, errors: [error]))]
            }
            let token = nextToken
            nextToken += 1
            active[id] = token
            return [.start(id: id, token: token, payload: payload)]
        case .complete(let id):
            guard let token = active.removeValue(forKey: id) else { return [] }
            return [.stop(id: id, token: token)]
        }
    }

    /// The driver's answer to `.authenticate`.
    mutating func authenticated(_ accepted: Bool) -> [Action] {
        guard phase == .authenticating else { return [] }
        guard accepted else { return close(TransportWSClose.forbidden, "Forbidden") }
        phase = .acknowledged
        return [.send(.connectionAck)]
    }

    /// The init timer fired.
    mutating func initTimeoutElapsed() -> [Action] {
        guard phase == .awaitingInit else { return [] }
        return close(TransportWSClose.initTimeout, "Connection initialisation timeout")
    }

    /// An operation's result; dropped when the operation is no longer running under `token`
    /// (the client completed it, or reused its id since).
    mutating func operation(_ id: String, token: UInt64, _ event: OperationEvent) -> [Action] {
        guard phase == .acknowledged, active[id] == token else { return [] }
        switch event {
        case .next(let result):
            return [.send(.next(id: id, result: result))]
        case .rejected(let errors):
            active[id] = nil
            return [.send(.error(id: id, errors: errors))]
        case .finished:
            active[id] = nil
            return [.send(.complete(id: id))]
        }
    }

    /// Whether results of the operation are still wanted.
    func isRunning(_ id: String, token: UInt64) -> Bool {
        phase == .acknowledged && active[id] == token
    }

    /// The server failed in a way no client message explains.
    mutating func internalError(_ reason: String) -> [Action] {
        guard phase != .closed else { return [] }
        return close(TransportWSClose.internalError, reason)
    }

    /// The socket is gone (either side closed it, or the connection broke): stop everything.
    mutating func socketClosed() -> [Action] {
        phase = .closed
        return stopAll()
    }

    private mutating func close(_ code: UInt16, _ reason: String) -> [Action] {
        phase = .closed
        return [.close(code: code, reason: TransportWSClose.reason(reason))] + stopAll()
    }

    private mutating func stopAll() -> [Action] {
        let stops = active.sorted { $0.value < $1.value }.map { Action.stop(id: $0.key, token: $0.value) }
        active = [:]
        return stops
    }

    /// The key in a `connection_init` payload: `authorization` (`Bearer <key>`) or `x-api-key`,
    /// whatever the case of the member's name.
    static func credential(_ payload: JSONObject?) -> String? {
        guard let payload else { return nil }
        var headers = HTTPHeaders()
        for (name, value) in payload {
            guard case .string(let text) = value else { continue }
            headers.add(name, text)
        }
        return Credential.from(headers)
    }
}
