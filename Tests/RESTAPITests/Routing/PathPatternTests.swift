import Testing

@testable import RESTAPI

@Suite("Path patterns")
struct PathPatternTests {
    @Test("matching and the parameters handed over", arguments: [
        ("/health", "/health", [String: String]()),
        ("/health", "/health/", nil),
        ("/health", "/HEALTH", nil),
        ("/health", "health", nil),
        ("/health", "/", nil),
        ("/v1/models/{model}", "/v1/models/yi34", ["model": "yi34"]),
        ("/v1/models/{model}", "/v1/models/", nil),
        ("/v1/models/{model}", "/v1/models", nil),
        ("/v1/models/{model}", "/v1/models/a/b", nil),
        ("/v1/models/{model}", "/v1/models/gpt%2F4", ["model": "gpt%2F4"]),
        ("/api/v1/external/{model}/embed", "/api/v1/external/general/embed", ["model": "general"]),
        ("/api/v1/external/{model}/embed", "/api/v1/external//embed", nil),
        ("/api/v1/external/{model}/embed", "/api/v1/external/general/embed/", nil),
        ("/api/v1/external/{model}/embed", "/api/v1/external/general/Embed", nil),
        ("/a/{x}/{y}", "/a/1/2", ["x": "1", "y": "2"]),
        ("/a/{x}/{y}", "/a/1/2/3", nil),
    ] as [(String, String, [String: String]?)])
    func match(_ pattern: String, _ path: String, _ expected: [String: String]?) {
        let got = PathPattern.split(path).flatMap { PathPattern(pattern).match($0) }
        #expect(got.map { Dictionary(uniqueKeysWithValues: $0.values.map { ($0.name, $0.value) }) } == expected)
    }

    @Test("a missing parameter reads as empty") func missingParameter() throws {
        let path = try #require(PathPattern.split("/v1/models/x"))
        let p = try #require(PathPattern("/v1/models/{model}").match(path))
        #expect(p["model"] == "x" && p["id"] == "")
    }

    @Test("patterns overlap when one path could match both", arguments: [
        ("/v1/models/{model}", "/v1/models/{id}", true),
        ("/v1/models/{model}", "/v1/models/x", true),
        ("/api/v1/external/{model}/embed", "/api/v1/external/batch/{batch_id}", true),
        ("/api/v1/external/{model}/embed", "/api/v1/external/test/failover", false),
        ("/v1/models", "/v1/models/{model}", false),
        ("/v1/files/{id}", "/v1/batches/{id}", false),
    ])
    func overlap(_ a: String, _ b: String, _ expected: Bool) {
        #expect(PathPattern(a).overlaps(PathPattern(b)) == expected)
        #expect(PathPattern(b).overlaps(PathPattern(a)) == expected)
    }
}
