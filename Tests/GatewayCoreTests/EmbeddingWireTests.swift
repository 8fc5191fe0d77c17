import JSON
import Testing
@testable import GatewayCore

@Suite("Upstream wire formats")
struct EmbeddingWireTests {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func requestBodyIsTheSameForBothDialects() throws {
        let body = EmbeddingWire.requestBody(model: "phi3", texts: ["a \"quoted\" text", "é"])
        let parsed = try JSON.parse(body)
        #expect(parsed["model"]?.stringValue == "phi3")
        #expect(parsed["input"]?.arrayValue?.compactMap(\.stringValue) == ["a \"quoted\" text", "é"])
    }

    @Test func openAIRepliesAreOrderedByIndex() throws {
        let reply = #"{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.5,0.25]},{"object":"embedding","index":0,"embedding":[1,-2e-1]}],"model":"m","usage":{"total_tokens":2}}"#
        let v = try EmbeddingWire.decode(bytes(reply), dialect: .openai, expectedCount: 2, vectorSize: 2)
        #expect(v == [[1, -0.2], [0.5, 0.25]])
    }

    @Test func ollamaRepliesInBothShapes() throws {
        let many = try EmbeddingWire.decode(bytes(#"{"model":"m","embeddings":[[1,2,3],[4,5,6]]}"#),
                                            dialect: .ollama, expectedCount: 2, vectorSize: 3)
        #expect(many == [[1, 2, 3], [4, 5, 6]])
        let one = try EmbeddingWire.decode(bytes(#"{"embedding":[0.1,0.2]}"#), dialect: .ollama, expectedCount: 1, vectorSize: 2)
        #expect(one == [[0.1, 0.2]])
    }

    @Test("replies that must be upstream errors", arguments: [
        (UpstreamDialect.openai, #"{"data":[{"index":0,"embedding":[1,2]}]}"#, 1, 3, "has 2 dimensions"),
        (.openai, #"{"data":[{"index":0,"embedding":[1,2,3]}]}"#, 2, 3, "1 embeddings for 2 texts"),
        (.openai, #"{"data":[{"index":0,"embedding":[1,2,3]},{"index":0,"embedding":[1,2,3]}]}"#, 2, 3, "not 0..<2"),
        (.openai, #"{"object":"list"}"#, 1, 3, "\"data\" field"),
        (.openai, #"{"data":[{"index":0,"embedding":[1,"x",3]}]}"#, 1, 3, "not a valid embeddings answer"),
        (.openai, #"not json"#, 1, 3, "not a valid embeddings answer"),
        (.openai, #"{"data":[{"index":0}]}"#, 1, 3, "\"embedding\" in every"),
        (.ollama, #"{"embeddings":[[1,2,3],[1,2,3]]}"#, 1, 3, "more than 1"),
        (.ollama, #"{"embeddings":[[1,2]]}"#, 1, 3, "has 2 dimensions"),
        (.ollama, #"{"model":"m"}"#, 1, 3, "\"embeddings\" field"),
        (.ollama, #"{"embeddings":[["a"]]}"#, 1, 1, "numbers in every embedding"),
    ])
    func badReplies(_ dialect: UpstreamDialect, _ reply: String, _ count: Int, _ size: Int, _ message: String) {
        #expect {
            _ = try EmbeddingWire.decode(bytes(reply), dialect: dialect, expectedCount: count, vectorSize: size)
        } throws: { error in
            guard let e = error as? GatewayError else { return false }
            return e.code == .upstreamError && e.message.contains(message)
        }
    }

    @Test func decodesAFullSizeBatch() throws {
        // 50 × 4096 floats, the size of a mixtral batch.
        var w = JSONWriter()
        w.beginObject()
        w.key("data")
        w.beginArray()
        for i in 0..<50 {
            w.beginObject()
            w.key("index"); w.number(i)
            w.key("embedding")
            w.beginArray()
            for j in 0..<4096 { w.number(Float(j % 7) / 7) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        let v = try EmbeddingWire.decode(w.bytes, dialect: .openai, expectedCount: 50, vectorSize: 4096)
        #expect(v.count == 50 && v.allSatisfy { $0.count == 4096 })
        #expect(v[3][8] == Float(1) / 7)
    }
}
