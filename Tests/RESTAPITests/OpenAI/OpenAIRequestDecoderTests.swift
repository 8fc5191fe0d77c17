import GatewayCore
import Testing

@testable import RESTAPI

@Suite("OpenAI request decoders")
struct OpenAIRequestDecoderTests {
    private static func field(_ e: GatewayError) -> String? {
        Dictionary(e.details, uniquingKeysWith: { a, _ in a })["field"]
    }

    private static func isUnsupported(_ e: GatewayError) -> Bool {
        e.details.contains { $0.0 == "unsupported" }
    }

    // MARK: /v1/embeddings

    @Test func embeddingsEveryField() throws {
        let q = try OpenAIEmbeddingsRequest.decode(Array(#"{"model":"yi34","input":["a","b"],"encoding_format":"base64","dimensions":384,"user":"u","extra":{"x":1}}"#.utf8))
        #expect(q == OpenAIEmbeddingsRequest(model: "yi34", texts: ["a", "b"], single: false, encoding: .base64, dimensions: 384))
        let one = try OpenAIEmbeddingsRequest.decode(Array(#"{"input":"hi","model":"general","encoding_format":null}"#.utf8))
        #expect(one == OpenAIEmbeddingsRequest(model: "general", texts: ["hi"], single: true, encoding: .float, dimensions: nil))
    }

    @Test("a bad embeddings body names its field in param", arguments: [
        (#"{"input":"x"}"#, "model", false),
        (#"{"model":"general"}"#, "input", false),
        (#"{"model":7,"input":"x"}"#, "model", false),
        (#"{"model":"general","input":[]}"#, "input", false),
        (#"{"model":"general","input":""}"#, "input", false),
        (#"{"model":"general","input":["a",""]}"#, "input[1]", false),
        (#"{"model":"general","input":["a",3]}"#, "input[1]", true),
        (#"{"model":"general","input":[1,2,3]}"#, "input", true),
        (#"{"model":"general","input":[[1,2],[3]]}"#, "input", true),
        (#"{"model":"general","input":["a",null]}"#, "input[1]", false),
        (#"{"model":"general","input":{"a":1}}"#, "input", false),
        (#"{"model":"general","input":"x","encoding_format":"int8"}"#, "encoding_format", false),
        (#"{"model":"general","input":"x","dimensions":"384"}"#, "dimensions", false),
        (#"[1]"#, "body", false),
        (#"{"model":"general","input":"x""#, "body", false),
    ])
    func embeddingsErrors(_ body: String, _ field: String, _ unsupported: Bool) {
        do {
            _ = try OpenAIEmbeddingsRequest.decode(Array(body.utf8))
            Issue.record("accepted \(body)")
        } catch {
            #expect(Self.field(error) == field, "\(body): \(error)")
            #expect(Self.isUnsupported(error) == unsupported, "\(body): \(error)")
            #expect(OpenAIError(error).status == 400)
        }
    }

    // MARK: /v1/completions and /v1/chat/completions

    @Test func completionEveryField() throws {
        let q = try OpenAIGenerationRequest.decode(Array(#"""
            {"model":"phi3","prompt":["once"],"max_tokens":12,"temperature":0.5,"top_p":null,"stop":"\n","seed":7,
             "n":1,"best_of":1,"echo":false,"logprobs":null,"suffix":null,"stream":true,
             "stream_options":{"include_usage":true},"presence_penalty":0.5,"user":"u"}
            """#.utf8), chat: false)
        #expect(q == OpenAIGenerationRequest(model: "phi3", input: .prompt("once"), maxTokens: 12, temperature: 0.5, topP: nil,
                                             stop: ["\n"], seed: 7, stream: true, includeUsage: true))
        let call = q.call(context: CallContext(requestID: "r", protocolName: "openai"))
        #expect(call.urgent == true && call.stream && call.maxTokens == 12 && call.input == .prompt("once"))
    }

    @Test func chatEveryField() throws {
        let q = try OpenAIGenerationRequest.decode(Array(#"""
            {"model":"hermes","messages":[{"role":"developer","content":"be brief"},
              {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"name":"x"},
              {"role":"assistant","content":"ok"}],
             "max_tokens":5,"max_completion_tokens":9,"stop":["x","y"],"tools":[],"tool_choice":"none",
             "response_format":{"type":"text"},"logprobs":false,"stream":false,"stream_options":null}
            """#.utf8), chat: true)
        #expect(q.input == .messages([ChatMessage(role: "system", content: "be brief"), ChatMessage(role: "user", content: "a\nb"),
                                      ChatMessage(role: "assistant", content: "ok")]))
        #expect(q.maxTokens == 9 && q.maxTokensField == "max_completion_tokens" && q.stop == ["x", "y"])
        #expect(!q.stream && !q.includeUsage)
    }

    @Test("a bad generation body names its field in param", arguments: [
        (false, #"{"prompt":"x"}"#, "model", false),
        (false, #"{"model":"phi3"}"#, "prompt", false),
        (false, #"{"model":"phi3","prompt":5}"#, "prompt", false),
        (false, #"{"model":"phi3","prompt":["a","b"]}"#, "prompt", true),
        (false, #"{"model":"phi3","prompt":[1,2]}"#, "prompt", true),
        (false, #"{"model":"phi3","prompt":"x","n":2}"#, "n", true),
        (false, #"{"model":"phi3","prompt":"x","best_of":3}"#, "best_of", true),
        (false, #"{"model":"phi3","prompt":"x","echo":true}"#, "echo", true),
        (false, #"{"model":"phi3","prompt":"x","logprobs":2}"#, "logprobs", true),
        (false, #"{"model":"phi3","prompt":"x","suffix":"end"}"#, "suffix", true),
        (false, #"{"model":"phi3","prompt":"x","max_tokens":1.5}"#, "max_tokens", false),
        (false, #"{"model":"phi3","prompt":"x","temperature":"hot"}"#, "temperature", false),
        (false, #"{"model":"phi3","prompt":"x","stop":[1]}"#, "stop[0]", false),
        (false, #"{"model":"phi3","prompt":"x","seed":-1}"#, "seed", false),
        (false, #"{"model":"phi3","prompt":"x","stream":"yes"}"#, "stream", false),
        (false, #"{"model":"phi3","prompt":"x","stream_options":true}"#, "stream_options", false),
        (false, #"{"model":"phi3","prompt":"x","stream_options":{"include_usage":1}}"#, "stream_options.include_usage", false),
        (true, #"{"model":"phi3"}"#, "messages", false),
        (true, #"{"model":"phi3","prompt":"x"}"#, "messages", false),
        (true, #"{"model":"phi3","messages":{}}"#, "messages", false),
        (true, #"{"model":"phi3","messages":[5]}"#, "messages[0]", false),
        (true, #"{"model":"phi3","messages":[{"content":"x"}]}"#, "messages[0].role", false),
        (true, #"{"model":"phi3","messages":[{"role":"user"}]}"#, "messages[0].content", false),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":null}]}"#, "messages[0].content", false),
        (true, #"{"model":"phi3","messages":[{"role":"tool","content":"x"}]}"#, "messages[0].role", true),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}"#,
         "messages[0].content[0].type", true),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":[{"text":"x"}]}]}"#, "messages[0].content[0].type", false),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":[{"type":"text"}]}]}"#, "messages[0].content[0].text", false),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}"#, "tools", true),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}"#,
         "response_format", true),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":"x"}],"logprobs":true}"#, "logprobs", true),
        (true, #"{"model":"phi3","messages":[{"role":"user","content":"x"}],"n":0}"#, "n", true),
    ])
    func generationErrors(_ chat: Bool, _ body: String, _ field: String, _ unsupported: Bool) {
        do {
            _ = try OpenAIGenerationRequest.decode(Array(body.utf8), chat: chat)
            Issue.record("accepted \(body)")
        } catch {
            #expect(Self.field(error) == field, "\(body): \(error)")
            #expect(Self.isUnsupported(error) == unsupported, "\(body): \(error)")
        }
    }
}
