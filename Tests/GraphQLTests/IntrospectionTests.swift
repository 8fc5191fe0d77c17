import Foundation
import GatewayTestSupport
import JSON
import Testing

@testable import GraphQL

/// Introspection against graphql-core 3.3.2: Resources/introspection_oracle.py builds the same
/// SDL and answers the full introspection query (every option on); we parse that query, run it
/// and compare the data exactly, member order included.
@Suite("Introspection against graphql-core", .serialized)
struct IntrospectionTests {
    static let packageRoot = PythonHelper.packageRoot()
    static let oracle = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/introspection_oracle.py").path

    /// A schema with what the gateway's lacks: deprecated arguments and input fields,
    /// interfaces implementing interfaces, defaults of every kind, a subscription root.
    static let richSDL = #"""
        """A schema for introspection tests."""
        schema { query: Root mutation: Change subscription: Feed }

        scalar Date @specifiedBy(url: "https://example.com/date")
        scalar Blob

        """
        A node.
        With a block description.
        """
        interface Node { id: ID! }
        interface Entity implements Node { id: ID! name(upper: Boolean = false): String }
        type Person implements Entity & Node {
          id: ID!
          name(upper: Boolean = false): String
          age: Int @deprecated
          email: String @deprecated(reason: "Use `contact`.")
          contact(kind: Kind = EMAIL, old: String @deprecated(reason: "gone")): String
          friends(first: Int = 10, after: String = "x", order: [Kind!] = [EMAIL, PHONE], where: Where = {name: "a", kinds: EMAIL, range: {min: 1.5}}): [Person!]!
        }
        type Robot implements Node { id: ID! model: String! serial: [[Int!]]! }
        union Thing = Person | Robot

        enum Kind { EMAIL "A phone." PHONE POST @deprecated(reason: "Nobody writes.") }

        input Where {
          name: String
          kinds: [Kind!]
          range: Range = {min: 0, max: 100}
          legacy: Boolean = true @deprecated(reason: "Ignored.")
          blob: Blob = {a: [1, 2.5, "s", null, true]}
          when: Date = "2024-01-01"
        }
        input Range { min: Float = 0 max: Float }

        type Root {
          node(id: ID!): Node
          things(where: Where, limit: Int = -1, big: Float = 1e300, flag: Boolean = true, empty: [Int] = [], nothing: String = null,
            long: [String] = ["aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccc", "ddd"],
            longWhere: Where = {name: "a name that is rather long", kinds: [EMAIL, PHONE, POST], range: {min: -1, max: 1e10}}
          ): [Thing]
          today: Date
          search(text: String = """block
          string""", escaped: String = "tab\t\"quote\" \u00e9"): [Entity!]
        }
        type Change { rename(id: ID!, name: String!): Person }
        type Feed { ticks: Int! }

        "A custom directive."
        directive @cached(ttl: Int = 60, scopes: [String!] = ["a"] @deprecated) repeatable on FIELD_DEFINITION | OBJECT | QUERY
        """#

    static func oracleAnswer(sdl: String) throws -> JSONValue {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("introspection-\(UUID().uuidString).graphql")
        try Data(sdl.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try JSON.parse(try PythonHelper.run([oracle, file.path]))
    }

    static func compare(sdl: String) async throws {
        let answer = try oracleAnswer(sdl: sdl)
        let query = try #require(answer["query"]?.stringValue)
        let expected = try #require(answer["result"])
        let schema = try SchemaBuilder.build(sdl: sdl)
        let document = try Parser.parse(query)
        let result = await Executor(schema: schema, resolvers: ResolverMap())
            .execute(document: document, operationName: nil, variables: nil, context: 0)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let data = try #require(result.data)
        var found: [String] = []
        differences(data, expected, at: "data", into: &found)
        for difference in found {
            Issue.record("introspection differs from graphql-core: \(difference)")
        }
    }

    /// Where two JSON trees differ (the first ten places), for a readable failure instead of
    /// two 60 kB dumps.
    static func differences(_ ours: JSONValue, _ theirs: JSONValue, at path: String, into found: inout [String]) {
        guard found.count < 10 else { return }
        switch (ours, theirs) {
        case (.object(let a), .object(let b)):
            if a.keys != b.keys {
                found.append("\(path): keys \(a.keys) vs \(b.keys)")
                return
            }
            for (key, value) in a.fields {
                let label = (b["name"]?.stringValue).map { "\(path)[\($0)].\(key)" } ?? "\(path).\(key)"
                differences(value, b[key]!, at: label, into: &found)
            }
        case (.array(let a), .array(let b)) where a.count == b.count:
            for (index, (x, y)) in zip(a, b).enumerated() {
                differences(x, y, at: "\(path)[\(index)]", into: &found)
            }
        default:
            if ours != theirs { found.append("\(path): \(ours) vs \(theirs)") }
        }
    }

    @Test func gatewaySchemaMatchesGraphQLCore() async throws {
        let sdl = try String(
            contentsOf: Self.packageRoot.appendingPathComponent("Schema/gateway.graphql"), encoding: .utf8)
        try await Self.compare(sdl: sdl)
    }

    @Test func richSchemaMatchesGraphQLCore() async throws {
        try await Self.compare(sdl: Self.richSDL)
    }

    @Test func oneOfInputMatchesGraphQLCore() async throws {
        try await Self.compare(
            sdl: """
                input Pick @oneOf { id: ID name: String }
                type Query { find(by: Pick!): String }
                """)
    }
}
