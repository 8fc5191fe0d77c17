import GatewayTestSupport
import JSON
import Testing

@testable import GraphQL

/// What the gateway does with every request, on documents nobody would write: parse, validate
/// against the gateway's schema with its limits, and execute what passes. Every document must
/// end in an answer — a GraphQLError from the parser, validation errors, or an execution result
/// — never a crash or a hang; the generator is seeded, so a failure replays.
@Suite("Parse, validate and execute random and mutated documents", .serialized)
struct PipelineRobustnessTests {
    static let seeds = [
        #"query Dashboard($m: String = "phi3", $skip: Boolean = false) { patternStatus { realTime { models successRate } circuitBreakers { model status endpoints { url } } } queueStatus @skip(if: $skip) { pendingJobs modelQueues { model pending } } model(name: $m) { name ...M } }  fragment M on Model { pattern vectorSize endpoints { url status } }"#,
        #"mutation E($t: [String!]) { embed(model: "hermes", texts: $t, urgent: true) { __typename ... on EmbedAnswer { model pattern } ... on Embedding { embeddings cached } ... on QueuedJob { batchId } } }"#,
        #"{ __schema { types { name kind fields(includeDeprecated: true) { name args { name defaultValue type { name ofType { name } } } } } } __type(name: "Model") { name } }"#,
        #"query { optimizedSearch(model: "general", queryVector: [0.5, 1, -2e3], limit: 3, filter: {run: "x", n: [1, {a: null}]}) { results { id score payload } } batch(id: 7) { status } }"#,
    ]
    static let fragments = [
        "{", "}", "(", ")", "[", "]", "...", "on", "Model", "Query", ":", "$m", "$x", "@skip(if: true)", "@include(if: $skip)",
        "fragment F on Query { models { name } }", "...F", "name", "__typename", "\"s\"", "\"\"\"b\"\"\"", "1", "-0.5e3", "null",
        "true", "REAL_TIME", "query", "mutation", "subscription", "a: name", "model(name: \"x\")", ",", "#c\n", "\u{FEFF}", "é",
        "limit: 100000", "models { models }", "\\u00", "\"", "$", "!", "=", "|", "&",
    ]

    /// Whole selections, inserted after a `{`: the document usually stays well formed, so these
    /// exercise validation and execution rather than the parser.
    static let selections = [
        "name", "a: name", "__typename", "nope", "models { name }", "models", "name { x }", "...F", "... on Model { name }",
        "... on Query { health { status } }", "model(name: 1) { name }", "model { name }", "name @skip(if: $nope)",
        "name: pattern", "batch(id: \"b\") { status }", "x: __typename", "model(name: \"phi3\", extra: 1) { name }",
    ]

    static func insertSelection(_ text: String, _ rng: inout SplitMix64) -> String {
        var scalars = Array(text.unicodeScalars)
        let braces = scalars.indices.filter { scalars[$0] == "{" }
        guard let brace = braces.randomElement(using: &rng) else { return text }
        scalars.insert(contentsOf: (" " + (selections.randomElement(using: &rng) ?? "name") + " ").unicodeScalars, at: brace + 1)
        return String(String.UnicodeScalarView(scalars))
    }

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = Int.random(in: 0...scalars.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !scalars.isEmpty:
                let end = min(scalars.count, at + Int.random(in: 1...12, using: &rng))
                if at < end { scalars.removeSubrange(at..<end) }
            case 1 where at < scalars.count:
                let end = min(scalars.count, at + Int.random(in: 1...40, using: &rng))
                scalars.insert(contentsOf: scalars[at..<end], at: at)
            default:
                scalars.insert(contentsOf: (fragments.randomElement(using: &rng) ?? "{").unicodeScalars, at: at)
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    static func random(_ rng: inout SplitMix64) -> String {
        (0..<Int.random(in: 1...30, using: &rng)).map { _ in fragments.randomElement(using: &rng) ?? "" }.joined(separator: " ")
    }

    static func schema() throws -> GraphQLSchema { try SchemaBuilder.build(sdl: try PythonOracle.gatewaySDL()) }

    /// Root fields answer canned JSON, so valid documents run through completion, abstract types
    /// and null propagation too.
    static func resolvers() -> ResolverMap {
        var map = ResolverMap()
        map["Query", "models"] = { _, _, _ in .json([["name": "phi3", "pattern": "REAL_TIME", "vectorSize": 2048, "endpoints": []]]) }
        map["Query", "model"] = { _, args, _ in args["name"] == "phi3" ? .json(["name": "phi3", "pattern": "REAL_TIME"]) : .null }
        map["Mutation", "embed"] = { _, _, _ in .json(["__typename": "QueuedJob", "model": "hermes", "batchId": "b1"]) }
        map["Query", "batch"] = { _, _, _ in throw FieldError("no", code: "not_found") }
        return map
    }

    @Test("10,000 mutated and random documents each end in an answer")
    func mutatedDocuments() async throws {
        let schema = try Self.schema()
        let executor = Executor(schema: schema, resolvers: Self.resolvers())
        var rng = SplitMix64(seed: 0x6A7E_57A7)
        var outcomes = (syntax: 0, invalid: 0, executed: 0)
        for n in 0..<10_000 {
            let seed = Self.seeds[n % Self.seeds.count]
            let text =
                switch n % 5 {
                case 4: Self.random(&rng)
                case 2, 3: Self.insertSelection(seed, &rng)
                default: Self.mutate(seed, &rng)
                }
            let document: Document
            do {
                document = try Parser.parse(text)
            } catch {
                #expect(!error.locations.isEmpty || error.message.contains("Document"), "\(text)")
                outcomes.syntax += 1
                continue
            }
            let errors = Validator.validate(document, schema: schema)
            if !errors.isEmpty {
                #expect(errors.allSatisfy { !$0.message.isEmpty }, "\(text)")
                outcomes.invalid += 1
                continue
            }
            let result = await executor.execute(
                document: document, operationName: nil, variables: ["t": ["a"], "m": "phi3"], context: 0)
            #expect(result.data != nil || !result.errors.isEmpty, "\(text)")
            outcomes.executed += 1
        }
        // the corpus exercises all three ends, not just the parser
        #expect(outcomes.syntax > 1_000, "\(outcomes)")
        #expect(outcomes.invalid > 1_000, "\(outcomes)")
        #expect(outcomes.executed > 500, "\(outcomes)")
    }

    @Test("10,000-deep nesting anywhere is a syntax error, not a stack overflow", arguments: [
        ("{ a", "{ a", " }", " }"), ("{ model(name: ", "[", "]", ") { name } }"), ("query($v: ", "[", "]", "String) { models { name } }"),
        ("{ f(a: {b: ", "{b: ", "}", "1}) }"),
    ])
    func deepNesting(_ prefix: String, _ open: String, _ close: String, _ suffix: String) throws {
        let text = prefix + String(repeating: open, count: 10_000) + String(repeating: close, count: 10_000) + suffix
        do {
            _ = try Parser.parse(text)
            Issue.record("parsed a 10,000-deep document")
        } catch {
            #expect(error.message.contains("nests deeper"), "\(error.message)")
        }
    }
}
