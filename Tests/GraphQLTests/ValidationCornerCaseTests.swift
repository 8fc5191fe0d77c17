import Foundation
import JSON
import Testing

@testable import GraphQL

/// Corner cases, checked against graphql-core's messages and locations.
@Suite("Validation corner cases against graphql-core")
struct ValidationCornerCaseTests {
    static let documents: [String] = [
        "type Foo { a: Bar }\n{ health { status } }",
        "type Foo implements Nodee @skip(if: true) { a(x: Strin = 1 @deprecated): [Foo!] @deprecated(reason: 1) b: Int @include }\n{ health { status } }",
        "union U @deprecated = Model | Mdel\ninput I @oneOf { a: Int @specifiedBy(url: \"x\") }\nenum E { A @deprecated(why: 1) }\nschema @foo { query: Qury }\n{ health { status } }",
        "directive @x(a: Flot) on FIELD\nscalar S @specifiedBy\n{ health { status } }",
        "directive @x on FIELD\nscalar S\n{ health { status } }",
        "extend type Query { x: Int }\n{ health { status } }",
        "{ models { __schema { description } } }",
        "mutation { __type(name: \"Model\") { name } }",
        "{ __typename ... { health { status } } ... @include(if: true) { models { name } } }",
        "mutation { embed(model: \"m\") { ... on EmbedAnswer { ... on Embedding { cached } ... on QueuedJob { degraded } } } }",
        "mutation { embed(model: \"m\") { ... on QueuedJob { status: model } ... on Embedding { status: pattern } } }",
        "mutation { embed(model: \"m\") { ... on EmbedAnswer { m: model } ... on QueuedJob { m: pattern } } }",
        "query Q($a: Boolean = true @deprecated, $b: Int = 1) { health @include(if: $a) { status } }",
        "query Q($a: Boolean! = null) { health @include(if: $a) { status } }",
        "query Q($a: Boolean = null) { health @include(if: $a) { status } }",
        "query Q($l: Int) { optimizedSearch(model: \"m\", limit: $l) { model } }",
        "query Q($v: Float) { optimizedSearch(model: \"m\", queryVector: [$v]) { model } }",
        "query Q($v: [Float!]!) { optimizedSearch(model: \"m\", queryVector: $v) { model } }",
        "query Q($p: PointInput) { health { status } }",
        "mutation M($p: PointInput!) { ingest(model: \"m\", vectors: [$p]) { ids } }",
        "mutation M($v: [Float]) { ingest(model: \"m\", vectors: [{vector: $v}]) { ids } }",
        "mutation { ingest(model: \"m\", vectors: [{vector: [1], payload: {x: $undefined}}]) { ids } }",
        "{ optimizedSearch(model: \"m\", queryVector: [[1]]) { model } }",
        "{ optimizedSearch(model: \"m\", queryVector: 1) { model } }",
        "{ model(name: [\"a\"]) { name } }",
        "{ model(name: \"\"\"block\"\"\") { pattern(x: REAL_TIME) } }",
        "{ health { status(x: OK) } }",
        "query Q { health { status } }\nfragment F on Health { status }\nfragment F on Model { name }",
        "{ ...Q }\nfragment Q on Query { ...Q2 }\nfragment Q2 on Query { ...Q }",
        "{ ...A }\nfragment A on Query { ...B ...C }\nfragment B on Query { ...A }\nfragment C on Query { ...B }",
        "{ model(name: \"a\") { ... on Model { name } ... on Model { name: pattern } } }",
        "{ models { name } models { name: pattern } }",
        "{ models { endpoints { url } } models { endpoints { url: status } } }",
        "{ a: model(name: \"x\") { name } a: model(name: $n) { name } }",
        "query Q($n: String!) { a: model(name: $n) { name } a: model(name: $n) { name } }",
        "{ a: optimizedSearch(model: \"m\", filter: {x: 1, y: 2}) { model } a: optimizedSearch(model: \"m\", filter: {y: 2, x: 1}) { model } }",
        "{ a: optimizedSearch(model: \"m\", filter: {x: 1}) { model } a: optimizedSearch(filter: {x: 1.0}, model: \"m\") { model } }",
        "{ __schema { types { possibleTypes { interfaces { fields { name } } } } } }",
        "{ __schema { types { fields { type { name } } inputFields { type { inputFields { name } } } } } }",
        "{ __type(name: \"Q\") { fields { type { fields { type { name } } } } } }",
        "query Q($x: __TypeKind) { __type(name: \"x\") { kind } }",
        "{ health @skip(if: true) @include(if: false) @skip(if: false) { status } }",
        "query Q @deprecated { health { status } }",
        "fragment F on Health @skip(if: true) { status }\n{ health { ...F @include(if: true) } }",
        "{ health { ...F } }\nfragment F on Health { status }\nquery { models { name } }",
        "{ nope { x } nope2 }",
        "{ embed(model: \"m\") { __typename } }",
        "mutation { embed { model } }",
        "mutation { embed(model: \"m\") { model } }",
        "mutation { embed(model: \"m\") { ... on Pattern { x } } }",
        "mutation { embed(model: \"m\") { ... on Batch { model } } }",
        "{ model(name: \"m\") { ... on EmbedAnswer { model } } }",
        "{ health { models { upstream: store } models { upstream } } }",
        "{ optimizedSearch(model: \"m\", scoreThreshold: -1e400, limit: -2147483648) { model } }",
        "{ optimizedSearch(model: \"m\", limit: 2147483648) { model } }",
        "{ batch(id: ENUMISH) { model } batch(id: null) { model } }",
        "mutation { embed(model: \"m\", priority: 1.0) { __typename } }",
        "mutation { ingest(model: \"m\", vectors: [{vector: [1], id: {a: 1}}, {vector: null}, null]) { ids } }",
        "mutation { ingest(model: \"m\", vectors: [{vector: [1], vector: [2], idd: 1}]) { ids } }",
        "{ model(name: \"\\u00e9\\n\\\"q\\\"\") { name } model(name: 5) { name } }",
        "mutation { ingest(model: \"m\", vectors: [{vector: [1, 2], payload: {a: [1, 2, {b: \"c\"}]}, id: [1]}]) { ids } }",
    ]

    @Test func cornerCasesMatchGraphQLCore() throws {
        guard case .array(let answers) = try PythonOracle.run("validation_oracle.py", input: .array(Self.documents.map { .string($0) }))
        else { throw PythonOracle.OracleError("no list") }
        for (source, answer) in zip(Self.documents, answers) {
            guard let expected = answer["errors"]?.arrayValue else {
                Issue.record("graphql-core cannot parse \(source): \(answer)")
                continue
            }
            let ours = try GatewaySchema.validate(source).map { error -> JSONValue in
                .object([
                    "message": .string(error.error.message),
                    "locations": .array(error.error.locations.map { .array([.number(JSONNumber($0.line)), .number(JSONNumber($0.column))]) }),
                ])
            }
            #expect(ours == expected, "\(source)\nours: \(JSON.serializeString(.array(ours)))\ngraphql-core: \(JSON.serializeString(.array(expected)))")
        }
    }
}

/// Subscriptions need a schema with a Subscription type; the gateway has none.
@Suite("Subscription validation against graphql-core")
struct SubscriptionValidationTests {
    static let sdl = "type Query { a: Int } type Subscription { tick: Int tock: Int } interface I { x: Int } type Obj implements I { x: Int }"
    static let documents: [String] = [
        "subscription S { tick tock }",
        "subscription { __typename }",
        "subscription S { tick @skip(if: true) }",
        "subscription S { ...F } fragment F on Subscription { tick @include(if: true) tock }",
        "subscription S { ... on Subscription { tick } ... { tock } }",
        "subscription S { t: tick t: tick }",
        "subscription S { ...F ...F } fragment F on Subscription { tick }",
        "subscription S { ... on Query { a } tick }",
        "subscription S { __typename tick }",
        "subscription S { tick } subscription S { tock }",
    ]

    @Test func subscriptionsMatchGraphQLCore() throws {
        let schema = try SchemaBuilder.build(sdl: Self.sdl)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("subscription-\(UUID().uuidString).graphql")
        try Self.sdl.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        guard case .array(let answers) = try PythonOracle.run(
            "validation_oracle.py", input: .array(Self.documents.map { .string($0) }), arguments: [file.path])
        else { throw PythonOracle.OracleError("no list") }
        for (source, answer) in zip(Self.documents, answers) {
            let ours = try Validator.validate(Parser.parse(source), schema: schema).map { error -> JSONValue in
                .object([
                    "message": .string(error.message),
                    "locations": .array(error.locations.map { .array([.number(JSONNumber($0.line)), .number(JSONNumber($0.column))]) }),
                ])
            }
            #expect(.array(ours) == answer["errors"], "\(source)")
        }
    }
}

extension JSON {
    fileprivate static func serializeString(_ value: JSONValue) -> String { String(decoding: serialize(value), as: UTF8.self) }
}
