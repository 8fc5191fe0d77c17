import GatewayCore
import GatewayHTTP
import GraphQL
import JSON
import WebSocket
import Tracing

/// GraphQL over WebSocket on `GET /graphql` (spec §7; subprotocol `graphql-transport-ws`).
///
/// The upgrade needs no key (the key comes with `connection_init` or in these headers, and is
/// checked then). A client that does not offer `graphql-transport-ws` (none, or only the
/// deprecated `graphql-ws`) gets the socket and then close 4406 "Subprotocol not acceptable", as
/// the reference server (graphql-ws's `makeServer`) does: a browser's WebSocket reports a close
/// code and reason, where a refused handshake tells it nothing.
extension GraphQLServer {
    static let webSocketSubprotocol = "graphql-transport-ws"

    /// Answers a WebSocket upgrade request; false for an ordinary GET, which the caller serves.
    func upgrade(_ request: Request, _ writer: any ResponseWriter) async -> Bool {
        let head = request.head
        let key: String
        switch WebSocketHandshake.check(head) {
        case .failure(.notAnUpgrade):
            return false
        case .failure(.unsupportedVersion):
            var answer = failure(426, "only WebSocket version 13 is supported", code: "invalid_argument", media: .json)
            answer.headers.add("Sec-WebSocket-Version", "13")
            writer.respond(status: answer.status, headers: answer.headers, body: answer.body)
            return true
        case .failure(.badKey):
            respond(failure(400, "Sec-WebSocket-Key must be 16 bytes in base64", code: "invalid_argument", media: .json), writer)
            return true
        case .failure(.notHTTP1):
            respond(failure(400, "a WebSocket upgrade needs HTTP/1.1", code: "invalid_argument", media: .json), writer)
            return true
        case .success(let k):
            key = k
        }
        guard let upgradable = writer as? any WebSocketUpgradable else {
            respond(failure(400, "this connection cannot become a WebSocket", code: "invalid_argument", media: .json), writer)
            return true
        }
        let subprotocol = WebSocketHandshake.offeredSubprotocols(head).first { $0 == Self.webSocketSubprotocol }
        var headers = HTTPHeaders()
        headers.add("X-Request-Id", RequestID.from(head.headers))
        guard let session = upgradable.upgradeToWebSocket(key: key, subprotocol: subprotocol, headers: headers) else {
            return true  // answered already, or closing: nothing more can be said on it
        }
        guard subprotocol != nil else {
            session.close(code: TransportWSClose.subprotocolNotAcceptable, reason: "Subprotocol not acceptable")
            for await _ in session.messages {}
            return true
        }
        let trace = head.headers["traceparent"] == nil ? nil : TraceContext.from(head.headers)
        await TransportWSConnection(session: session, headerCredential: Credential.from(head.headers), trace: trace,
                                    services: webSocketServices).run()
        return true
    }

    var webSocketServices: TransportWSConnection.Services {
        TransportWSConnection.Services(
            prepare: { [self] query, name in prepare(query: query, operationName: name) },
            runner: OperationRunner(executor: executor), access: access, initTimeout: limits.connectionInitTimeout,
            maxOperations: limits.maxOperationsPerSocket)
    }

    private func respond(_ answer: Answer, _ writer: any ResponseWriter) {
        writer.respond(status: answer.status, headers: answer.headers, body: answer.body)
    }
}
