import Testing
@testable import GatewayCore

@Suite("Configuration: which vector store")
struct QdrantConfigurationTests {
    private func load(file: ModelsFileSection.Patterns? = nil, _ env: [String: String] = [:]) throws(ConfigurationError) -> CoreConfiguration {
        var section = ModelsFileSection()
        section.patterns = file
        return try CoreConfiguration.load(file: file == nil ? nil : section, fileName: "g.yaml", environment: env)
    }

    private func patterns(store: String? = nil, url: String? = nil, key: String? = nil) -> ModelsFileSection.Patterns {
        var p = ModelsFileSection.Patterns()
        p.vectorStore = store
        p.qdrantURL = url
        p.qdrantAPIKey = key
        return p
    }

    @Test("embedded by default; QDRANT_URL or qdrant_url alone means qdrant")
    func implied() throws {
        let none = try load()
        #expect(none.vectorStore == .embedded && none.qdrantURL == nil && none.qdrantAPIKey == nil)
        let env = try load(["QDRANT_URL": "http://10.0.0.5:6333/", "QDRANT_API_KEY": "k-1"])
        #expect(env.vectorStore == .qdrant && env.qdrantURL == "http://10.0.0.5:6333" && env.qdrantAPIKey == "k-1")
        let file = try load(file: patterns(url: "https://q.example:6333", key: "k-2"))
        #expect(file.vectorStore == .qdrant && file.qdrantURL == "https://q.example:6333" && file.qdrantAPIKey == "k-2")
    }

    @Test("vector_store: qdrant without a URL uses Qdrant's port on this host")
    func defaultURL() throws {
        let c = try load(file: patterns(store: "qdrant"))
        #expect(c.vectorStore == .qdrant && c.qdrantURL == "http://127.0.0.1:6333")
    }

    @Test("the file's explicit choice holds against its own URL; the environment's QDRANT_URL wins over the file")
    func precedence() throws {
        #expect(try load(file: patterns(store: "embedded", url: "http://127.0.0.1:7000")).vectorStore == .embedded)
        let c = try load(file: patterns(store: "embedded"), ["QDRANT_URL": "http://127.0.0.1:7001"])
        #expect(c.vectorStore == .qdrant && c.qdrantURL == "http://127.0.0.1:7001")
    }

    @Test("bad values name the key, and never repeat a secret", arguments: [
        (nil, ["QDRANT_URL": "http://admin:hunter2@127.0.0.1:6333"], "QDRANT_URL", "credentials", "hunter2"),
        (nil, ["QDRANT_URL": "127.0.0.1:6333"], "QDRANT_URL", "not an http(s) URL", nil),
        (nil, ["QDRANT_URL": "http://a:1,http://b:1"], "QDRANT_URL", "one base URL", nil),
        (nil, ["QDRANT_URL": "http://h:1/?api-key=hunter2"], "QDRANT_URL", "one base URL", "hunter2"),
        (nil, ["QDRANT_API_KEY": "hunter2 \r\nX-Evil: 1"], "QDRANT_API_KEY", "printable ASCII", "hunter2"),
        ("sqlite", [:], "patterns.vector_store", "embedded or qdrant", nil),
    ] as [(String?, [String: String], String, String, String?)])
    func errors(_ store: String?, _ env: [String: String], _ key: String, _ reason: String, _ secret: String?) {
        do throws(ConfigurationError) {
            _ = try load(file: store.map { patterns(store: $0) }, env)
            Issue.record("expected a configuration error for \(key)")
        } catch {
            #expect(error.key == key && error.reason.contains(reason), "\(error)")
            if let secret { #expect(!error.description.contains(secret)) }
        }
    }
}
