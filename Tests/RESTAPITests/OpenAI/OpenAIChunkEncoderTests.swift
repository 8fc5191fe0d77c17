import ByteCodecs
import Foundation
import GatewayCore
import Testing

@testable import RESTAPI

@Suite("OpenAI stream chunks")
struct OpenAIChunkEncoderTests {
    /// The JSON of one `data:` event, checking the framing on the way.
    private func chunk(_ bytes: [UInt8]) throws -> [String: Any] {
        let s = String(decoding: bytes, as: UTF8.self)
        #expect(s.hasPrefix("data: ") && s.hasSuffix("\n\n") && s.dropLast(2).firstIndex(of: "\n") == nil, "\(s)")
        return try #require(jsonObject(Array(s.dropFirst(6).dropLast(2).utf8)))
    }

    private func choice(_ c: [String: Any]) throws -> [String: Any] {
        let choices = try #require(c["choices"] as? [[String: Any]])
        #expect(choices.count == 1)
        return choices[0]
    }

    @Test func aChatStreamOpensWithTheRoleAndSharesOneID() throws {
        let e = OpenAIChunkEncoder(id: "chatcmpl-1", created: 1_700_000_000, model: "yi34b", chat: true, includeUsage: false)
        let events = try [e.role(), e.delta("Hel"), e.delta("lo"), e.finish("stop")].map(chunk)
        for c in events {
            #expect(c["id"] as? String == "chatcmpl-1" && c["object"] as? String == "chat.completion.chunk")
            #expect(c["created"] as? Int == 1_700_000_000 && c["model"] as? String == "yi34b" && c["usage"] == nil)
        }
        #expect(try choice(events[0])["delta"] as? [String: String] == ["role": "assistant", "content": ""])
        #expect(try choice(events[1])["delta"] as? [String: String] == ["content": "Hel"])
        #expect(try choice(events[1])["finish_reason"] is NSNull)
        #expect(try choice(events[3])["delta"] as? [String: String] == [:])
        #expect(try choice(events[3])["finish_reason"] as? String == "stop")
        #expect(OpenAIChunkEncoder.done == Array("data: [DONE]\n\n".utf8))
    }

    @Test func aCompletionStreamWithUsage() throws {
        let e = OpenAIChunkEncoder(id: "cmpl-1", created: 5, model: "phi3", chat: false, includeUsage: true)
        let delta = try chunk(e.delta("once"))
        #expect(delta["object"] as? String == "text_completion" && delta["usage"] is NSNull)
        #expect(try choice(delta)["text"] as? String == "once")
        let finish = try chunk(e.finish("length"))
        #expect(try choice(finish)["text"] as? String == "" && choice(finish)["finish_reason"] as? String == "length")
        let usage = try chunk(e.usage(TokenUsage(promptTokens: 3, completionTokens: 4)))
        #expect((usage["choices"] as? [Any])?.isEmpty == true && usage["id"] as? String == "cmpl-1")
        #expect(usage["usage"] as? [String: Int] == ["prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7])
    }

    @Test func aFailureIsAnErrorChunk() throws {
        let c = try chunk(OpenAIChunkEncoder.error(GatewayError(.upstreamTimeout, "general sent no token for 1 s")))
        let error = try #require(c["error"] as? [String: Any])
        #expect(error["type"] as? String == "server_error" && error["code"] as? String == "upstream_timeout")
        #expect(error["message"] as? String == "general sent no token for 1 s")
    }

    @Test("base64 is RFC 4648 with padding", arguments: [("", ""), ("a", "YQ=="), ("ab", "YWI="), ("abc", "YWJj"), ("abcd", "YWJjZA==")])
    func base64(_ plain: String, _ encoded: String) {
        #expect(String(decoding: Base64.encode(Array(plain.utf8)), as: UTF8.self) == encoded)
    }

    @Test func base64FloatsAreLittleEndianFloat32() {
        // Python: base64.b64encode(struct.pack('<ff', 1.0, -2.5))
        #expect(String(decoding: Base64.encode(floats: [1.0, -2.5]), as: UTF8.self) == "AACAPwAAIMA=")
    }
}
