import GatewayCore
import JSON

/// A `POST /v1/completions` or `/v1/chat/completions` body (spec §8) as the core's call, plus
/// the stream options only OpenAI has. Read: `model`, `prompt` or `messages`, `max_tokens` (and
/// chat's newer `max_completion_tokens`, which wins), `temperature`, `top_p`, `stop`, `seed`,
/// `n` (1 only), `stream`, `stream_options.include_usage`. Refused as unsupported: what would
/// change the answer's shape (`echo`, `logprobs`, `suffix`, `best_of` > 1, tools, a JSON
/// `response_format`). Skipped: the rest, including sampling knobs the upstream dialects do not
/// share (penalties, `logit_bias`) and `user`, as vLLM does with fields it does not know.
struct OpenAIGenerationRequest: Sendable, Equatable {
    var model: String
    var input: GenerationInput
    var maxTokens: Int?
    /// The body named the limit `max_completion_tokens`: errors about it say so.
    var maxTokensField = "max_tokens"
    var temperature: Double?
    var topP: Double?
    var stop: [String] = []
    var seed: UInt64?
    var stream = false
    var includeUsage = false

    /// The core's call: always urgent, so a hybrid model answers now (spec §8: real-time calls).
    func call(context: CallContext) -> GenerateCall {
        GenerateCall(model: model, input: input, maxTokens: maxTokens, temperature: temperature, topP: topP, stop: stop,
                     seed: seed, stream: stream, urgent: true, context: context)
    }

    static func decode(_ body: [UInt8], chat: Bool) throws(GatewayError) -> OpenAIGenerationRequest {
        typealias F = OpenAIFieldReader
        var model: String?
        var input: GenerationInput?
        var q = OpenAIGenerationRequest(model: "", input: .prompt(""))
        var maxCompletionTokens: Int?
        try JSONBody.members(body) { key, r in
            switch key {
            case "model": model = try F.string(&r, "model")
            case "prompt" where !chat: input = .prompt(try prompt(&r))
            case "messages" where chat: input = .messages(try OpenAIChatMessages.decode(&r))
            case "max_tokens": q.maxTokens = try F.optionalInt(&r, "max_tokens")
            case "max_completion_tokens" where chat: maxCompletionTokens = try F.optionalInt(&r, key)
            case "temperature": q.temperature = try F.optionalNumber(&r, "temperature")
            case "top_p": q.topP = try F.optionalNumber(&r, "top_p")
            case "stop": q.stop = try F.stop(&r)
            case "seed": q.seed = try F.seed(&r)
            case "n": try F.one(&r, "n")
            case "best_of" where !chat: try F.one(&r, "best_of")
            case "stream": q.stream = try F.optionalBool(&r, "stream") ?? false
            case "stream_options": q.includeUsage = try F.includeUsage(&r)
            case "echo" where !chat:
                if try F.optionalBool(&r, "echo") == true { throw GatewayError.unsupported("echo is not supported", field: "echo") }
            case "suffix" where !chat:
                if try r.next() != .null { throw GatewayError.unsupported("suffix is not supported", field: "suffix") }
            case "logprobs":
                switch try r.next() {
                case .null, .bool(false): break
                default: throw GatewayError.unsupported("logprobs are not supported: the upstreams' are not relayed", field: "logprobs")
                }
            case "tools" where chat, "functions" where chat:
                try refuseNonEmpty(&r, key, "tool calls are not supported: the gateway relays text only")
            case "response_format" where chat:
                try responseFormat(&r)
            default:
                try r.skipValue()
            }
        }
        guard let model else { throw .invalid("model is required", field: "model") }
        guard let input else { throw chat ? .invalid("messages is required", field: "messages") : .invalid("prompt is required", field: "prompt") }
        q.model = model
        q.input = input
        if let maxCompletionTokens {
            q.maxTokens = maxCompletionTokens
            q.maxTokensField = "max_completion_tokens"
        }
        return q
    }

    /// A string, or an array holding one string (several prompts would be several choices).
    private static func prompt(_ r: inout JSONReader) throws -> String {
        switch try r.next() {
        case .string(let s): return s
        case .beginArray:
            var list: [String] = []
            while true {
                switch try r.next() {
                case .endArray:
                    guard list.count == 1 else {
                        throw GatewayError.unsupported("prompt must be one string; this gateway returns one choice per request",
                                                       field: "prompt")
                    }
                    return list[0]
                case .string(let s): list.append(s)
                case .number, .beginArray:
                    throw GatewayError.unsupported("token arrays are not supported: send the prompt as text", field: "prompt")
                default: throw GatewayError.invalid("prompt[\(list.count)] must be a string", field: "prompt[\(list.count)]")
                }
            }
        default:
            throw GatewayError.invalid("prompt must be a string", field: "prompt")
        }
    }

    private static func refuseNonEmpty(_ r: inout JSONReader, _ field: String, _ message: String) throws {
        switch try r.next() {
        case .null: return
        case .beginArray:
            if try r.next() == .endArray { return }
        default: break
        }
        throw GatewayError.unsupported(message, field: field)
    }

    /// `{"type":"text"}` is what every answer is; JSON modes would need the upstream's grammar support.
    private static func responseFormat(_ r: inout JSONReader) throws {
        switch try r.next() {
        case .null: return
        case .beginObject:
            var type: String?
            while case .key(let key) = try r.next() {
                guard key == "type" else { try r.skipValue(); continue }
                guard case .string(let s) = try r.next() else { break }
                type = s
            }
            if type == "text" { return }
        default: break
        }
        throw GatewayError.unsupported("response_format must be {\"type\": \"text\"}: structured output is not supported",
                                       field: "response_format")
    }
}
