import Foundation
import GatewayTestSupport
import JSON
import Testing
@testable import GatewayCore

@Suite("Qdrant point ids: name-based UUIDs")
struct QdrantPointIDTests {
    /// Computed once with Python:
    /// `ns = uuid.uuid5(uuid.NAMESPACE_URL, "urn:pattern-gateway:point-id"); str(uuid.uuid5(ns, id))`.
    static let pairs: [(String, String)] = [
        ("a1", "22f9f23d-f0e8-5ae4-a200-3b83769a4418"),
        ("p0", "ad843852-e539-5317-b29f-5d0bf9582ada"),
        ("42", "04cb7a33-8b23-553c-a182-4b5c44357159"),
        ("0", "387bcfeb-cb77-51b0-a3fc-97c053e02aea"),
        ("550e8400-e29b-41d4-a716-446655440000", "216359f0-4221-5156-a252-669f90c1d3cf"),
        ("héllo wörld", "be4b096f-23ba-53b0-a81e-8484371748eb"),
        ("id with spaces/and?&=", "42fe2ba2-fa40-5062-a3dc-4b2374b0e4fb"),
        (String(repeating: "x", count: 512), "80a8d65a-d9b9-5daf-9039-783abbe76d89"),
    ]

    @Test("the namespace is the documented uuid5 of the URL namespace")
    func namespace() {
        #expect(PointID.uuidText(QdrantPointID.namespace) == "8cb9b337-817d-54a1-970f-1b52497d2775")
    }

    @Test("known ids map to Python's uuid5 values — numbers and UUIDs by the same rule", arguments: pairs)
    func known(_ id: String, _ uuid: String) {
        #expect(QdrantPointID.uuid(for: id) == uuid)
    }

    @Test("a thousand random ids agree with Python's uuid.uuid5")
    func differential() throws {
        var rng = SplitMix64(seed: 0x9D_5EED)
        let alphabet = Array("abcXYZ019-_:/ é漢😀\"\\")
        let ids = (0..<1000).map { i -> String in
            let n = 1 + Int(rng.next() % 40)
            return "\(i)-" + String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        }
        let script = """
            import json, sys, uuid
            ns = uuid.uuid5(uuid.NAMESPACE_URL, "urn:pattern-gateway:point-id")
            print(json.dumps([str(uuid.uuid5(ns, s)) for s in json.load(sys.stdin)]))
            """
        var input = JSONWriter()
        input.beginArray()
        for id in ids { input.string(id) }
        input.endArray()
        // PythonHelper finds the package root from a file two levels below it.
        let out = try PythonHelper.run(["-c", script], stdin: input.bytes,
                                       testFile: #filePath.replacingOccurrences(of: "/Vectors/Qdrant/", with: "/"))
        let want = try #require(JSON.parse(out).arrayValue).compactMap(\.stringValue)
        #expect(want.count == ids.count)
        for (id, uuid) in zip(ids, want) where QdrantPointID.uuid(for: id) != uuid {
            Issue.record("\(id): \(QdrantPointID.uuid(for: id)) vs Python's \(uuid)")
        }
    }

    @Test("version 5, RFC 4122 variant, lower-case canonical text")
    func shape() {
        let u = Array(QdrantPointID.uuid(for: "anything").utf8)
        #expect(u.count == 36)
        #expect(u[14] == UInt8(ascii: "5"))
        #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(u[19]))
        #expect(u.allSatisfy { $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
    }
}
