import JSON

/// The two upstream dialects on the wire (spec §1): request bodies out, embeddings in. A reply
/// is checked before anyone sees it: one embedding per text, each of the model's vector size;
/// anything else is an upstream error, never a silently wrong answer.
public enum EmbeddingWire {
    /// `{"model": "...", "input": ["...", ...]}` — the same shape for both dialects.
    public static func requestBody(model: String, texts: [String]) -> [UInt8] {
        var w = JSONWriter(capacity: 64 + texts.reduce(0) { $0 + $1.utf8.count + 4 })
        w.beginObject()
        w.key("model")
        w.string(model)
        w.key("input")
        w.beginArray()
        for t in texts { w.string(t) }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// The embeddings of a 200 reply, in input order.
    public static func decode(_ body: [UInt8], dialect: UpstreamDialect, expectedCount: Int,
                              vectorSize: Int) throws(GatewayError) -> [[Float]] {
        let vectors: [[Float]]
        do {
            switch dialect {
            case .openai: vectors = try decodeOpenAI(body, maxCount: expectedCount, vectorSize: vectorSize)
            case .ollama: vectors = try decodeOllama(body, maxCount: expectedCount, vectorSize: vectorSize)
            }
        } catch let e as JSONError {
            throw GatewayError(.upstreamError, "upstream reply is not a valid embeddings answer: \(e)")
        } catch let e as GatewayError {
            throw e
        } catch {
            throw GatewayError(.upstreamError, "upstream reply could not be read: \(error)")
        }
        guard vectors.count == expectedCount else {
            throw GatewayError(.upstreamError, "upstream returned \(vectors.count) embeddings for \(expectedCount) texts")
        }
        for (i, v) in vectors.enumerated() where v.count != vectorSize {
            throw GatewayError(.upstreamError,
                               "upstream embedding \(i) has \(v.count) dimensions; the model's vector_size is \(vectorSize)",
                               details: [("expected", String(vectorSize)), ("got", String(v.count))])
        }
        return vectors
    }

    /// `{"data": [{"embedding": [...], "index": i}, ...], ...}`; entries may come in any order.
    private static func decodeOpenAI(_ body: [UInt8], maxCount: Int, vectorSize: Int) throws -> [[Float]] {
        var r = JSONReader(body)
        guard try r.next() == .beginObject else { throw shape("a JSON object") }
        var indexed: [(Int, [Float])] = []
        var sawData = false
        while case .key(let key) = try r.next() {
            guard key == "data" else {
                try r.skipValue()
                continue
            }
            sawData = true
            guard try r.next() == .beginArray else { throw shape("\"data\" as an array") }
            while true {
                let t = try r.next()
                if t == .endArray { break }
                guard t == .beginObject else { throw shape("objects in \"data\"") }
                guard indexed.count < maxCount else {
                    throw GatewayError(.upstreamError, "upstream returned more than \(maxCount) embeddings")
                }
                var index: Int?
                var vector: [Float]?
                while case .key(let field) = try r.next() {
                    switch field {
                    case "embedding": vector = try r.readFloatArray(maxCount: vectorSize * 2 + 1, expectedCount: vectorSize)
                    case "index":
                        guard case .number(let n) = try r.next(), let i = n.int else { throw shape("an integer \"index\"") }
                        index = i
                    default: try r.skipValue()
                    }
                }
                guard let vector else { throw shape("\"embedding\" in every \"data\" entry") }
                indexed.append((index ?? indexed.count, vector))
            }
        }
        guard try r.next() == .end else { throw shape("one JSON object") }
        guard sawData else { throw shape("a \"data\" field") }
        indexed.sort { $0.0 < $1.0 }
        guard indexed.enumerated().allSatisfy({ $0.offset == $0.element.0 }) else {
            throw GatewayError(.upstreamError, "upstream \"index\" values are not 0..<\(indexed.count)")
        }
        return indexed.map(\.1)
    }

    /// `{"embeddings": [[...], ...]}` (`/api/embed`) or `{"embedding": [...]}` (`/api/embeddings`).
    /// Read as a tree: Ollama serves one client at a time, so this is not the hot path.
    private static func decodeOllama(_ body: [UInt8], maxCount: Int, vectorSize: Int) throws -> [[Float]] {
        guard let object = try JSON.parse(body).objectValue else { throw shape("a JSON object") }
        let lists: [JSONValue]
        if let many = object["embeddings"]?.arrayValue {
            lists = many
        } else if let one = object["embedding"], one.arrayValue != nil {
            lists = [one]
        } else {
            throw shape("an \"embeddings\" field")
        }
        guard lists.count <= maxCount else {
            throw GatewayError(.upstreamError, "upstream returned more than \(maxCount) embeddings")
        }
        return try lists.map { list throws -> [Float] in
            guard let values = list.arrayValue else { throw shape("arrays of numbers in \"embeddings\"") }
            return try values.map { v throws -> Float in
                guard let n = v.numberValue, n.float.isFinite else { throw shape("numbers in every embedding") }
                return n.float
            }
        }
    }

    private static func shape(_ what: String) -> GatewayError {
        GatewayError(.upstreamError, "upstream reply does not have \(what)")
    }
}
