import GatewayCore
import JSON

/// Chat `messages` as OpenAI sends them: `role` and `content`, where content is a string or an
/// array of parts of which only `{"type":"text","text"}` can reach a text model (joined with a
/// newline, as vLLM joins them). `developer` is OpenAI's newer name for `system`. Tool and
/// function messages are refused: the gateway relays no tool calls. Other roles reach the core,
/// which names the bad one.
enum OpenAIChatMessages {
    static func decode(_ r: inout JSONReader) throws -> [ChatMessage] {
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
                case "role": role = try OpenAIFieldReader.string(&r, "\(field).role")
                case "content": content = try self.content(&r, field: "\(field).content")
                default: try r.skipValue()
                }
            }
            guard let role else { throw GatewayError.invalid("\(field).role is required", field: "\(field).role") }
            if role == "tool" || role == "function" {
                throw GatewayError.unsupported("\(field).role is \(role): tool calls are not supported", field: "\(field).role")
            }
            guard let content else { throw GatewayError.invalid("\(field).content is required", field: "\(field).content") }
            list.append(ChatMessage(role: role == "developer" ? "system" : role, content: content))
        }
    }

    private static func content(_ r: inout JSONReader, field: String) throws -> String {
        switch try r.next() {
        case .string(let s): return s
        case .beginArray:
            var texts: [String] = []
            while true {
                let t = try r.next()
                if t == .endArray { return texts.joined(separator: "\n") }
                let part = "\(field)[\(texts.count)]"
                guard t == .beginObject else { throw GatewayError.invalid("\(part) must be an object", field: part) }
                var type: String?
                var text: String?
                while case .key(let key) = try r.next() {
                    switch key {
                    case "type": type = try OpenAIFieldReader.string(&r, "\(part).type")
                    case "text": text = try OpenAIFieldReader.string(&r, "\(part).text")
                    default: try r.skipValue()
                    }
                }
                guard let type else { throw GatewayError.invalid("\(part).type is required", field: "\(part).type") }
                guard type == "text" else {
                    throw GatewayError.unsupported("\(part).type is \(type): only text parts reach a text model",
                                                   field: "\(part).type")
                }
                guard let text else { throw GatewayError.invalid("\(part).text is required", field: "\(part).text") }
                texts.append(text)
            }
        default:
            throw GatewayError.invalid("\(field) must be a string or an array of text parts", field: field)
        }
    }
}
