import JSON
import Testing
@testable import GatewayCore

@Suite("Generation on the wire: request bodies, whole answers, streams")
struct GenerationWireTests {
    @Test func requestBodiesSpeakEachDialect() throws {
        let options = GenerationOptions(maxTokens: 12, temperature: 0.5, topP: 0.9, stop: ["\n\n"], seed: 7)
        let openai = try JSON.parse(GenerationWire.requestBody(model: "m", input: .prompt("hi"), options: options,
                                                               dialect: .openai, stream: true))
        #expect(openai["prompt"]?.stringValue == "hi" && openai["max_tokens"]?.intValue == 12)
        #expect(openai["stream"]?.boolValue == true && openai["stream_options"]?["include_usage"]?.boolValue == true)
        #expect(openai["stop"]?[0]?.stringValue == "\n\n" && openai["seed"]?.intValue == 7)
        #expect(openai["temperature"]?.doubleValue == 0.5 && openai["top_p"]?.doubleValue == 0.9)
        let chat = try JSON.parse(GenerationWire.requestBody(
            model: "m", input: .messages([ChatMessage(role: "user", content: "yo")]), options: GenerationOptions(),
            dialect: .ollama, stream: false))
        #expect(chat["messages"]?[0]?["role"]?.stringValue == "user" && chat["messages"]?[0]?["content"]?.stringValue == "yo")
        // Ollama streams unless told not to: false is spelled out.
        #expect(chat["stream"]?.boolValue == false)
        #expect(chat["options"]?["num_predict"]?.intValue == 256 && chat["max_tokens"] == nil)
        #expect(GenerationWire.path(.openai, chat: true) == "/v1/chat/completions")
        #expect(GenerationWire.path(.ollama, chat: false) == "/api/generate")
    }

    @Test("whole answers", arguments: [
        (UpstreamDialect.openai, false,
         #"{"id":"cmpl-1","object":"text_completion","choices":[{"index":0,"text":"Hello there","finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#,
         "Hello there", "length", 3, 2),
        (.openai, true,
         #"{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}"#,
         "Hi!", "stop", 9, 1),
        (.ollama, false, #"{"model":"m","response":"ok then","done":true,"done_reason":"stop","prompt_eval_count":4,"eval_count":2}"#,
         "ok then", "stop", 4, 2),
        (.ollama, true, #"{"model":"m","message":{"role":"assistant","content":"sure"},"done":true,"done_reason":"length","prompt_eval_count":5,"eval_count":1}"#,
         "sure", "length", 5, 1),
    ] as [(UpstreamDialect, Bool, String, String, String, Int, Int)])
    func whole(_ dialect: UpstreamDialect, _ chat: Bool, _ body: String, _ text: String, _ reason: String,
               _ prompt: Int, _ completion: Int) throws {
        let g = try GenerationWire.decode(Array(body.utf8), dialect: dialect, chat: chat)
        #expect(g == GeneratedText(text: text, finishReason: reason,
                                   usage: TokenUsage(promptTokens: prompt, completionTokens: completion), isChat: chat))
    }

    @Test func aWholeAnswerWithoutItsTextIsAnUpstreamError() {
        #expect(throws: GatewayError.self) { try GenerationWire.decode(Array(#"{"choices":[]}"#.utf8), dialect: .openai, chat: false) }
        #expect(throws: GatewayError.self) { try GenerationWire.decode(Array("nope".utf8), dialect: .ollama, chat: true) }
    }

    /// All at once and one byte per read must give the same chunks.
    private func decode(_ body: String, _ dialect: UpstreamDialect, chat: Bool) throws -> [GenerationChunk] {
        var whole = GenerationStreamDecoder(dialect: dialect, chat: chat)
        let once = try whole.feed(Array(body.utf8)) + whole.finish()
        var split = GenerationStreamDecoder(dialect: dialect, chat: chat)
        var bytewise: [GenerationChunk] = []
        for b in body.utf8 { bytewise += try split.feed([b]) }
        bytewise += try split.finish()
        #expect(once == bytewise)
        return once
    }

    @Test func openAIChatStreamEndsWithReasonAndUsage() throws {
        let body = """
        data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}

        data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

        data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}

        data: {"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}

        data: [DONE]


        """
        #expect(try decode(body, .openai, chat: true) == [
            GenerationChunk(text: "Hel"), GenerationChunk(text: "lo"),
            GenerationChunk(text: "", finishReason: "stop", usage: TokenUsage(promptTokens: 4, completionTokens: 2)),
        ])
    }

    @Test func ollamaGenerateStreamEndsOnItsDoneLine() throws {
        let body = #"""
        {"model":"m","response":"a","done":false}
        {"model":"m","response":" b","done":false}
        {"model":"m","response":"","done":true,"done_reason":"length","prompt_eval_count":3,"eval_count":2}

        """#
        #expect(try decode(body, .ollama, chat: false) == [
            GenerationChunk(text: "a"), GenerationChunk(text: " b"),
            GenerationChunk(text: "", finishReason: "length", usage: TokenUsage(promptTokens: 3, completionTokens: 2)),
        ])
    }

    @Test func aCutStreamAnErrorEventAndGarbageAreUpstreamErrors() throws {
        var cut = GenerationStreamDecoder(dialect: .openai, chat: false)
        #expect(try cut.feed(Array("data: {\"choices\":[{\"text\":\"x\"}]}\n\n".utf8)) == [GenerationChunk(text: "x")])
        #expect(throws: GatewayError.self) { _ = try cut.finish() }
        var failing = GenerationStreamDecoder(dialect: .openai, chat: false)
        do {
            _ = try failing.feed(Array("data: {\"error\":{\"message\":\"engine died\"}}\n\n".utf8))
            Issue.record("an error event must throw")
        } catch {
            #expect(error.code == .upstreamError && error.message.contains("engine died"))
            #expect(!GenerationStreamDecoder.isMalformed(error))
        }
        var garbage = GenerationStreamDecoder(dialect: .ollama, chat: true)
        do {
            _ = try garbage.feed(Array("{not json\n".utf8))
            Issue.record("garbage must throw")
        } catch {
            #expect(GenerationStreamDecoder.isMalformed(error))
        }
    }

    @Test func bytesAfterTheEndAreIgnored() throws {
        var d = GenerationStreamDecoder(dialect: .ollama, chat: false)
        let out = try d.feed(Array("{\"response\":\"z\",\"done\":true}\n{\"response\":\"late\"}\n".utf8))
        #expect(out.map(\.text) == ["z", ""] && d.isFinished)
        #expect(try d.feed(Array("{\"response\":\"later\"}\n".utf8)).isEmpty)
    }
}
