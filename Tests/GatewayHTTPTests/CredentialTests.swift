import Testing

@testable import GatewayHTTP

@Suite("API key from headers")
struct CredentialTests {
    @Test("bearer token or x-api-key; anything else is no key", arguments: [
        (["Authorization": "Bearer k-123"], "k-123"),
        (["authorization": "bearer  k-456"], "k-456"),
        (["x-api-key": "k-789"], "k-789"),
        (["Authorization": "Bearer a", "x-api-key": "b"], "a"),
        (["Authorization": "Basic dXNlcjpwYXNz", "x-api-key": "b"], "b"),
        (["Authorization": "Basic dXNlcjpwYXNz"], nil),
        (["Authorization": "Bearer"], nil),
        (["x-api-key": ""], nil),
        ([:], nil),
    ] as [([String: String], String?)])
    func credential(_ fields: [String: String], _ expected: String?) {
        var headers = HTTPHeaders()
        for (n, v) in fields.sorted(by: { $0.key < $1.key }) { headers.add(n, v) }
        #expect(Credential.from(headers) == expected)
    }
}
