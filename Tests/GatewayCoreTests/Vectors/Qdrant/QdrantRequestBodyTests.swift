import JSON
import Testing
@testable import GatewayCore

@Suite("Qdrant request bodies")
struct QdrantRequestBodyTests {
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("create: size, Cosine, the model's m and ef_construct")
    func create() {
        let body = QdrantRequestBody.createCollection(VectorCollection(name: "phi3", dimensions: 2048, indexM: 32, indexEfConstruct: 400))
        #expect(text(body) == #"{"vectors":{"size":2048,"distance":"Cosine"},"hnsw_config":{"m":32,"ef_construct":400}}"#)
    }

    @Test("search: filter as must/match conditions sorted by key, threshold only when set")
    func search() {
        let plain = QdrantRequestBody.search(vector: [0.5, -1, 1e-05], limit: 3, filter: [:], scoreThreshold: nil)
        #expect(text(plain) == #"{"vector":[0.5,-1.0,1e-05],"limit":3,"with_payload":true}"#)
        let full = QdrantRequestBody.search(vector: [1], limit: 11, filter: ["lang": "en", "kind": "x\"y"], scoreThreshold: 0.25)
        #expect(text(full) == #"{"vector":[1.0],"limit":11,"filter":{"must":[{"key":"kind","match":{"value":"x\"y"}},"#
            + #"{"key":"lang","match":{"value":"en"}}]},"with_payload":true,"score_threshold":0.25}"#)
    }

    @Test("delete: the mapped ids")
    func delete() {
        #expect(text(QdrantRequestBody.delete(uuids: ["u1", "u2"])) == #"{"points":["u1","u2"]}"#)
    }

    @Test("a point: mapped id, vector, payload keys sorted with the gateway's id added")
    func point() {
        var w = JSONWriter()
        QdrantRequestBody.point(VectorPoint(id: "a1", vector: [1, 2], payload: ["z": "1", "b": "é"]), into: &w)
        #expect(text(w.bytes) == #"{"id":"22f9f23d-f0e8-5ae4-a200-3b83769a4418","vector":[1.0,2.0],"#
            + #""payload":{"b":"é","z":"1","_gateway_id":"a1"}}"#)
    }

    @Test("a collection name is one percent-encoded path segment")
    func path() {
        #expect(QdrantRequestBody.pathSegment("general") == "general")
        #expect(QdrantRequestBody.pathSegment("self-test_1.x~") == "self-test_1.x~")
        #expect(QdrantRequestBody.pathSegment("a/b c?é") == "a%2Fb%20c%3F%C3%A9")
    }

    private func points(_ n: Int, size: Int) -> [VectorPoint] {
        (0..<n).map { i in VectorPoint(id: "p\(i)", vector: (0..<size).map { Float(i + $0) / 7 }, payload: ["n": String(i)]) }
    }

    /// Every chunk as parsed JSON: the ids of its points, and its size in bytes.
    private func chunks(_ c: QdrantUpsertChunks) throws -> [(ids: [String], bytes: Int)] {
        try c.map { body in
            let doc = try JSON.parse(body)
            let list = try #require(doc["points"]?.arrayValue)
            return (list.compactMap { $0["payload"]?[QdrantPointID.payloadKey]?.stringValue }, body.count)
        }
    }

    @Test("chunks: at most maxPoints each, every point once, in order")
    func chunkByCount() throws {
        let all = points(2500, size: 4)
        let got = try chunks(QdrantUpsertChunks(all, maxBytes: 1 << 30, maxPoints: 1000))
        #expect(got.map(\.ids.count) == [1000, 1000, 500])
        #expect(got.flatMap(\.ids) == all.map(\.id))
    }

    @Test("chunks: each body within maxBytes, as full as it can be")
    func chunkByBytes() throws {
        let all = points(300, size: 64)
        let limit = 20_000
        let got = try chunks(QdrantUpsertChunks(all, maxBytes: limit, maxPoints: 1000))
        #expect(got.count > 1)
        #expect(got.allSatisfy { $0.bytes <= limit })
        #expect(got.flatMap(\.ids) == all.map(\.id))
        // Not needlessly small: the point after each chunk (a comma and its JSON) would not have fitted.
        var next = 0
        for chunk in got.dropLast() {
            next += chunk.ids.count
            let alone = try #require(chunks(QdrantUpsertChunks([all[next]], maxBytes: limit, maxPoints: 1)).first?.bytes)
            let pointBytes = alone - #"{"points":[]}"#.utf8.count
            #expect(chunk.bytes + 1 + pointBytes > limit)
        }
    }

    @Test("chunks: a point bigger than the limit still goes, alone")
    func oversizedPoint() throws {
        let got = try chunks(QdrantUpsertChunks(points(3, size: 100), maxBytes: 50, maxPoints: 1000))
        #expect(got.map(\.ids.count) == [1, 1, 1])
        #expect(QdrantUpsertChunks([], maxBytes: 50, maxPoints: 10).map { $0 }.isEmpty)
    }

    @Test("equal ids in one upsert: the last one wins, before any chunking")
    func lastOfEachID() {
        let p = [VectorPoint(id: "a", vector: [1]), VectorPoint(id: "b", vector: [2]), VectorPoint(id: "a", vector: [3])]
        #expect(QdrantVectorStore.lastOfEachID(p) == [p[1], p[2]])
        #expect(QdrantVectorStore.lastOfEachID([p[0], p[1]]) == [p[0], p[1]])
    }
}
