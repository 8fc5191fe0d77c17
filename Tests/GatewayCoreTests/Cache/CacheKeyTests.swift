import Testing

@testable import GatewayCore

@Suite("Cache keys")
struct CacheKeyTests {
    @Test("embed key format")
    func embedKey() {
        #expect(CacheKey.embedKey(model: "phi3", canonicalInput: Array("abc".utf8))
            == "pattern:phi3:embed:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(CacheKey.key(model: "general", operation: "search", canonicalInput: [])
            == "pattern:general:search:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("a model's prefix matches its keys and no other model's", arguments: [
        ("phi3", "phi3", true), ("phi3", "phi3x", false), ("yi34", "yi34b", false), ("yi34b", "yi34b", true),
    ])
    func prefix(_ prefixModel: String, _ keyModel: String, _ matches: Bool) {
        let key = CacheKey.embedKey(model: keyModel, canonicalInput: [1, 2, 3])
        #expect(key.hasPrefix(CacheKey.modelPrefix(prefixModel)) == matches)
    }
}
