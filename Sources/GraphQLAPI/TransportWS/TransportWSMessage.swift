import GraphQL
import JSON

/// A `subscribe` message's payload: the GraphQL request (graphql-ws PROTOCOL.md, "Subscribe").
struct SubscribePayload: Sendable, Equatable {
    var query: String
    var operationName: String?
    var variables: JSONObject?
    var extensions: JSONObject?
}

/// What a graphql-transport-ws client sends (enisdenjo/graphql-ws PROTOCOL.md). Parsing checks
/// the shape the reference server checks; anything else is an invalid message (close 4400).
enum TransportWSClientMessage: Sendable, Equatable {
    case connectionInit(payload: JSONObject?)
    case ping(payload: JSONObject?)
    case pong
    case subscribe(id: String, payload: SubscribePayload)
    case complete(id: String)

    /// Why a message is not one of the protocol's (the 4400 close reason).
    struct Invalid: Error, Sendable, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    static func parse(_ text: String) -> Result<TransportWSClientMessage, Invalid> {
        let value: JSONValue
        do {
            value = try JSON.parse(Array(text.utf8))
        } catch {
            return .failure(Invalid("Invalid message received: not JSON"))
        }
        guard case .object(let message) = value else { return .failure(Invalid("Invalid message received: not an object")) }
        guard case .string(let type)? = message["type"] else {
            return .failure(Invalid("Invalid message received: no 'type' string"))
        }
        switch type {
        case "connection_init":
            return optionalObject(message["payload"], "payload").map { .connectionInit(payload: $0) }
        case "ping":
            return optionalObject(message["payload"], "payload").map { .ping(payload: $0) }
        case "pong":
            return optionalObject(message["payload"], "payload").map { _ in .pong }
        case "subscribe":
            return id(message).flatMap { id in subscribePayload(message["payload"]).map { .subscribe(id: id, payload: $0) } }
        case "complete":
            return id(message).map { .complete(id: $0) }
        case "connection_ack", "next", "error":
            return .failure(Invalid("Unexpected message of type \(type) received"))
        default:
            return .failure(Invalid("Invalid message 'type' property \"\(type.prefix(40))\""))
        }
    }

    private static func id(_ message: JSONObject) -> Result<String, Invalid> {
        guard case .string(let id)? = message["id"], !id.isEmpty else {
            return .failure(Invalid("Invalid message: 'id' must be a non-empty string"))
        }
        return .success(id)
    }

    private static func optionalObject(_ value: JSONValue?, _ name: String) -> Result<JSONObject?, Invalid> {
        switch value {
        case nil, .null?: .success(nil)
        case .object(let object)?: .success(object)
        default: .failure(Invalid("Invalid message: '\(name)' must be an object"))
        }
    }

    private static func subscribePayload(_ value: JSONValue?) -> Result<SubscribePayload, Invalid> {
        guard case .object(let payload)? = value else { return .failure(Invalid("Invalid message: 'payload' must be an object")) }
        guard case .string(let query)? = payload["query"] else {
            return .failure(Invalid("Invalid message: 'payload.query' must be a string"))
        }
        var result = SubscribePayload(query: query)
        switch payload["operationName"] {
        case nil, .null?: break
        case .string(let name)?: result.operationName = name
        default: return .failure(Invalid("Invalid message: 'payload.operationName' must be a string or null"))
        }
        switch optionalObject(payload["variables"], "payload.variables") {
        case .success(let v): result.variables = v
        case .failure(let e): return .failure(e)
        }
        switch optionalObject(payload["extensions"], "payload.extensions") {
        case .success(let e): result.extensions = e
        case .failure(let e): return .failure(e)
        }
        return .success(result)
    }
}

/// What the server sends.
enum TransportWSServerMessage: Sendable, Equatable {
    case connectionAck
    case pong(payload: JSONObject?)
    /// An execution result, already JSON.
    case next(id: String, result: [UInt8])
    /// The operation could not start (its document, its admission): no `complete` follows.
    case error(id: String, errors: [JSONValue])
    case complete(id: String)

    var text: String {
        var w = JSONWriter(capacity: 64)
        w.beginObject()
        switch self {
        case .connectionAck:
            w.key("type"); w.string("connection_ack")
        case .pong(let payload):
            w.key("type"); w.string("pong")
            if let payload { w.key("payload"); w.value(.object(payload)) }
        case .next(let id, let result):
            w.key("id"); w.string(id)
            w.key("type"); w.string("next")
            w.key("payload"); w.raw(result)
        case .error(let id, let errors):
            w.key("id"); w.string(id)
            w.key("type"); w.string("error")
            w.key("payload"); w.value(.array(errors))
        case .complete(let id):
            w.key("id"); w.string(id)
            w.key("type"); w.string("complete")
        }
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

/// The close codes of graphql-transport-ws, with the reference server's reasons.
enum TransportWSClose {
    static let badMessage: UInt16 = 4400
    static let unauthorized: UInt16 = 4401
    static let forbidden: UInt16 = 4403
    static let subprotocolNotAcceptable: UInt16 = 4406
    static let initTimeout: UInt16 = 4408
    static let duplicateSubscriber: UInt16 = 4409
    static let tooManyInits: UInt16 = 4429
    static let internalError: UInt16 = 4500

    /// A close reason fits in 123 bytes (RFC 6455 §5.5: a control frame's payload is at most
    /// 125 bytes, two of them the code); cut at a character boundary.
    static func reason(_ text: String) -> String {
        guard text.utf8.count > 123 else { return text }
        var out = ""
        for c in text {
            guard out.utf8.count + String(c).utf8.count <= 123 else { break }
            out.append(c)
        }
        return out
    }
}
