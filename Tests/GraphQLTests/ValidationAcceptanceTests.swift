import JSON
import Testing

@testable import GraphQL

/// Documents validation accepts, and how validation stops on pathological ones.
@Suite("Validation acceptance and limits of the engine")
struct ValidationAcceptanceTests {
    static let validDocuments: [String] = [
        "{ models { name pattern dialect vectorSize endpoints { url status failureCount } } }",
        "query Q($name: String!) { model(name: $name) { name queueDepth cacheHitRatio } }",
        "query Q($n: String = \"yi34\") { model(name: $n) { name } }",
        "{ patternStatus { realTime { models activeRequests } hybrid { models } bulkOnly { queuedBatches } circuitBreakers { model status endpoints { url } } } }",
        "{ queueStatus { totalJobs processingStats { itemsPerMinute } modelQueues { model pending } } }",
        "query ($v: [Float!], $l: Int) { optimizedSearch(model: \"m\", queryVector: $v, limit: $l, filter: {a: [1, {b: null}]}) { results { id score payload } cached tookMs } }",
        "mutation E($t: String, $u: Boolean) { embed(model: \"m\", text: $t, urgent: $u) { __typename ... on EmbedAnswer { model pattern metadata { urgent } } ... on Embedding { embedding cached } ... on QueuedJob { batchId queuePosition } } }",
        "mutation { ingest(model: \"m\", vectors: [{vector: [1, 2.5]}, {id: 7, vector: [], payload: {k: \"v\"}}]) { ingested ids } }",
        "mutation { simulateFailover(model: \"m\") { steps { state at } fastFailMs recovered } }",
        "fragment M on Model { name ...P }\nfragment P on Model { pattern }\n{ models { ...M } model(name: \"x\") { ...M } }",
        "{ health @include(if: true) { status models @skip(if: false) { model upstream store } } }",
        "{ a: health { status } b: health { models { model } } }",
        "{ __typename __schema { queryType { name } types { name kind } } __type(name: \"Model\") { fields { name } } }",
        "query A { health { status } }\nquery B { models { name } }",
        "{ batch(id: 12) { batchId status embeddings error } }",
    ]

    @Test(arguments: validDocuments)
    func validDocumentsAreAccepted(source: String) throws {
        let reported = try GatewaySchema.validate(source, limits: QueryLimits())
        #expect(reported.isEmpty, "\(reported.map { "\($0.rule): \($0.error)" })")
    }

    @Test func validDocumentsAgreeWithOracle() throws {
        guard case .array(let answers) = try PythonOracle.run("validation_oracle.py", input: .array(Self.validDocuments.map { .string($0) }))
        else { throw PythonOracle.OracleError("no list") }
        for (source, answer) in zip(Self.validDocuments, answers) {
            #expect(answer["errors"]?.arrayValue?.isEmpty == true, "\(source): \(answer)")
        }
    }

    @Test func subscriptionsSelectOneNonIntrospectionField() throws {
        let schema = try SchemaBuilder.build(sdl: "type Query { a: Int } type Subscription { tick: Int tock: Int }")
        func messages(_ source: String) throws -> [String] {
            try Validator.validateReportingRules(Parser.parse(source), schema: schema)
                .filter { $0.rule == "SingleFieldSubscriptionsRule" }.map(\.error.message)
        }
        #expect(try messages("subscription S { tick }").isEmpty)
        #expect(try messages("subscription S { tick tock }") == ["Subscription 'S' must select only one top level field."])
        #expect(try messages("subscription { __typename }") == ["Anonymous Subscription must not select an introspection top level field."])
        #expect(
            try messages("subscription S { tick @skip(if: true) }")
                == ["Subscription 'S' must not use `@skip` or `@include` directives in the top level selection."])
    }

    /// Like graphql-core: nesting through fragments beyond 200 levels stops validation before
    /// any rule recurses through it (this runs on a concurrency thread, with its small stack).
    @Test(arguments: [
        "{ health { ...F0 } }\n" + (0..<300).map { "fragment F\($0) on Health { status ...F\($0 + 1) }" }.joined(separator: "\n")
            + "\nfragment F300 on Health { status }",
        "{ ...F0 }\n" + (0..<300).map { "fragment F\($0) on Query { health { ...F\($0 + 1) } }" }.joined(separator: "\n")
            + "\nfragment F300 on Query { health { status } }",
    ])
    func deepFragmentNestingAbortsValidation(source: String) async throws {
        let document = try Parser.parse(source)
        let reported = await Task { Validator.validateReportingRules(document, schema: GatewaySchema.schema) }.value
        #expect(reported.map(\.error.message) == ["Validation aborted."])
    }

    /// The deepest document the parser accepts validates on a concurrency thread's small stack.
    @Test func deepestParsableDocumentValidatesOnATask() async throws {
        var depth = 200
        var document: Document?
        while document == nil && depth > 1 {
            let source = "{ __type(name: \"Model\") { " + String(repeating: "ofType { ", count: depth) + "name" + String(repeating: " }", count: depth + 2)
            document = try? Parser.parse(source)
            depth -= 1
        }
        let parsed = try #require(document)
        let reported = await Task { Validator.validateReportingRules(parsed, schema: GatewaySchema.schema) }.value
        #expect(reported.map(\.rule) == ["QueryDepthLimitRule"], "depth \(depth + 1)")
    }

    @Test func fragmentNestingJustWithinTheLimitIsValidated() async throws {
        let source = "{ health { ...F0 } }\n" + (0..<197).map { "fragment F\($0) on Health { status ...F\($0 + 1) }" }.joined(separator: "\n")
            + "\nfragment F197 on Health { status }"
        let document = try Parser.parse(source)
        let reported = await Task { Validator.validateReportingRules(document, schema: GatewaySchema.schema) }.value
        #expect(reported.isEmpty, "\(reported.map(\.error.message))")
    }

    @Test func errorLimitStopsValidationLikeGraphQLCore() throws {
        let source = "{ " + (0..<120).map { "f\($0)" }.joined(separator: " ") + " }"
        let reported = try GatewaySchema.validate(source)
        #expect(reported.count == 101)
        #expect(reported.last?.error.message == "Too many validation errors, error limit reached. Validation aborted.")
    }
}
