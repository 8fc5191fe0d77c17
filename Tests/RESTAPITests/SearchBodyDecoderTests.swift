import Testing

@testable import RESTAPI
import GatewayTestSupport

@Suite("Search body decoder")
struct SearchBodyDecoderTests {
    @Test("a 384-float body: every value read, the rest defaulted")
    func vector384() throws {
        var rng = SplitMix64(seed: 7)
        let values = (0..<384).map { _ in Float.random(in: -1...1, using: &rng) }
        let text = "{\"query_vector\":[" + values.map { "\($0)" }.joined(separator: ",") + "]}"
        let f = try SearchBodyDecoder.decode(Array(text.utf8))
        #expect(f.queryVector == values)
        #expect(f.query == nil)
        #expect(f.limit == 10)
        #expect(f.filter.isEmpty)
        #expect(f.scoreThreshold == nil)
    }

    @Test("every field")
    func allFields() throws {
        let body = #"{"query":"cats","limit":3,"filter":{"kind":"doc","n":"2"},"score_threshold":0.5,"extra":[1,{"x":2}]}"#
        let f = try SearchBodyDecoder.decode(Array(body.utf8))
        #expect(f.query == "cats")
        #expect(f.queryVector == nil)
        #expect(f.limit == 3)
        #expect(f.filter == ["kind": "doc", "n": "2"])
        #expect(f.scoreThreshold == 0.5)
    }

    @Test("bad bodies name their field", arguments: [
        ("[]", "body"),
        ("{", "body"),
        (#"{"limit":3}"#, "query_vector"),
        (#"{"query_vector":[]}"#, "query_vector"),
        (#"{"query_vector":[1,"2"]}"#, "query_vector"),
        (#"{"query_vector":[1e39]}"#, "query_vector"),
        (#"{"query_vector":{"a":1}}"#, "query_vector"),
        (#"{"query":""}"#, "query"),
        (#"{"query":7}"#, "query"),
        (#"{"query":"a","query_vector":[1]}"#, "query"),
        (#"{"query":"a","limit":0}"#, "limit"),
        (#"{"query":"a","limit":1001}"#, "limit"),
        (#"{"query":"a","limit":2.5}"#, "limit"),
        (#"{"query":"a","filter":[1]}"#, "filter"),
        (#"{"query":"a","filter":{"k":{"deep":1}}}"#, "filter.k"),
        // Payload values are strings on every protocol: a number could never match one.
        (#"{"query":"a","filter":{"k":2}}"#, "filter.k"),
        (#"{"query":"a","filter":{"k":true}}"#, "filter.k"),
        (#"{"query":"a","filter":{"k":null}}"#, "filter.k"),
        (#"{"query":"a","score_threshold":1e39}"#, "score_threshold"),
        (#"{"query":"a","score_threshold":"high"}"#, "score_threshold"),
        (#"{"query":"a"} x"#, "body"),
    ])
    func badBodies(_ body: String, field: String) {
        do {
            _ = try SearchBodyDecoder.decode(Array(body.utf8))
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.details.first { $0.0 == "field" }?.1 == field, "\(body): \(error.message)")
        }
    }

    @Test("the diagnostics route answers the vector's length and norm")
    func decodeRoute() async throws {
        let body = Array(#"{"query_vector":[3,4,0],"limit":5}"#.utf8)
        let r = await send(makeRequest("POST", "/debug/decode-search", body: body), to: RESTRouter(diagnostics: true))
        #expect(r.status == 200)
        let o = try #require(jsonObject(r.body))
        #expect(o["dimensions"] as? Int == 3)
        #expect(o["norm"] as? Double == 5)
        #expect(o["limit"] as? Int == 5)
        let bad = await send(makeRequest("POST", "/debug/decode-search", body: Array("{}".utf8)), to: RESTRouter(diagnostics: true))
        #expect(bad.status == 400)
        #expect(try #require(ErrorBody(bad.body)).details["field"] == "query_vector")
    }
}
