import GatewayCore
import JSON

/// Reads a `/generate` or `/chat` body (spec §7) with the pull reader, naming any bad field:
/// `{"prompt"}` or `{"messages":[{"role","content"}]}`, plus `max_tokens`, `temperature`, `top_p`,
/// `stop` (a string or up to 4), `seed`, `stream`, `urgent`, `priority`, `batch`. Unknown fields are
/// ignored, as for embed. Range checks that depend on the model are the core's.
enum GenerateBodyDecoder {
    static func decode(_ body: [UInt8], chat: Bool, model: String, context: CallContext) throws(GatewayError) -> GenerateCall {
        var call = GenerateCall(model: model, input: chat ? .messages([]) : .prompt(""), context: context)
        var sawInput = false
        try JSONBody.members(body) { key, r in
            switch key {
            case "prompt" where !chat:
                guard case .string(let s) = try r.next() else { throw GatewayError.invalid("prompt must be a string", field: "prompt") }
                call.input = .prompt(s)
                sawInput = true
            case "messages" where chat:
                call.input = .messages(try messages(&r))
                sawInput = true
            case "max_tokens":
                call.maxTokens = try integer(&r, "max_tokens")
            case "temperature":
                call.temperature = try number(&r, "temperature")
            case "top_p":
                call.topP = try number(&r, "top_p")
            case "stop":
                switch try r.next() {
                case .string(let s): call.stop = [s]
                case .null: call.stop = []
                case .beginArray:
                    var list: [String] = []
                    while true {
                        let t = try r.next()
                        if t == .endArray { break }
                        guard case .string(let s) = t else {
                            throw GatewayError.invalid("stop[\(list.count)] must be a string", field: "stop[\(list.count)]")
                        }
                        list.append(s)
                    }
                    call.stop = list
                default:
                    throw GatewayError.invalid("stop must be a string or an array of strings", field: "stop")
                }
            case "seed":
                guard case .number(let n) = try r.next(), let seed = UInt64(n.text) else {
                    throw GatewayError.invalid("seed must be a non-negative integer", field: "seed")
                }
                call.seed = seed
            case "stream":
                call.stream = try flag(&r, "stream")
            case "urgent":
                call.urgent = try flag(&r, "urgent")
            case "batch":
                call.batch = try flag(&r, "batch")
            case "priority":
                call.priority = try integer(&r, "priority")
            default:
                try r.skipValue()
            }
        }
        guard sawInput else {
            throw chat ? .invalid("messages is required", field: "messages") : .invalid("prompt is required", field: "prompt")
        }
        return call
    }

    private static func messages(_ r: inout JSONReader) throws -> [ChatMessage] {
        guard try r.next() == .beginArray else {
            throw GatewayError.invalid("messages must be an array of {role, content} objects", field: "messages")
        }
        var list: [ChatMessage] = []
        while true {
            let t = try r.next()
            if t == .endArray { return list }
            let field = "messages[\(list.count)]"
            guard t == .beginObject else { throw GatewayError.invalid("\(field) must be an object", field: field) }
            var role: String?
            var content: String?
            while case .key(let key) = try r.next() {
                switch key {
                case "role":
                    guard case .string(let s) = try r.next() else { throw GatewayError.invalid("\(field).role must be a string", field: "\(field).role") }
                    role = s
                case "content":
                    guard case .string(let s) = try r.next() else {
                        throw GatewayError.invalid("\(field).content must be a string", field: "\(field).content")
                    }
                    content = s
                default:
                    try r.skipValue()
                }
            }
            guard let role else { throw GatewayError.invalid("\(field).role is required", field: "\(field).role") }
            guard let content else { throw GatewayError.invalid("\(field).content is required", field: "\(field).content") }
            list.append(ChatMessage(role: role, content: content))
        }
    }

    private static func integer(_ r: inout JSONReader, _ field: String) throws -> Int {
        guard case .number(let n) = try r.next(), let i = n.int else { throw GatewayError.invalid("\(field) must be an integer", field: field) }
        return i
    }

    private static func number(_ r: inout JSONReader, _ field: String) throws -> Double {
        guard case .number(let n) = try r.next() else { throw GatewayError.invalid("\(field) must be a number", field: field) }
        return n.double
    }

    private static func flag(_ r: inout JSONReader, _ field: String) throws -> Bool {
        guard case .bool(let b) = try r.next() else { throw GatewayError.invalid("\(field) must be true or false", field: field) }
        return b
    }
}
