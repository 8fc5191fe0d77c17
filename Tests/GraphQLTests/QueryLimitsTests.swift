import JSON
import Testing

@testable import GraphQL

@Suite("Query limits")
struct QueryLimitsTests {
    static func introspectionQuery() throws -> String {
        guard case .string(let query) = try PythonOracle.run("validation_oracle.py", input: .array([]), arguments: ["--introspection-query"])
        else { throw PythonOracle.OracleError("no introspection query") }
        return query
    }

    static func limitErrors(_ source: String, _ limits: QueryLimits = QueryLimits()) throws -> [(rule: String, error: GraphQLError)] {
        try Validator.validateReportingRules(Parser.parse(source), schema: GatewaySchema.schema, limits: limits)
    }

    @Test func fullIntrospectionQueryPassesValidationAndEveryLimit() throws {
        let query = try Self.introspectionQuery()
        let document = try Parser.parse(query)
        #expect(Validator.validate(document, schema: GatewaySchema.schema).isEmpty)
        guard case .operation(let operation) = document.definitions[0] else { throw PythonOracle.OracleError("no operation") }
        let context = ValidationContext(schema: GatewaySchema.schema, document: document, limits: QueryLimits())
        let metrics = context.operationMetrics(operation)
        #expect(metrics.depth == 15)
        #expect(metrics.aliases == 0)
        #expect(metrics.cost == 232)
        // Just tighter limits than its measure reject it.
        let tight = QueryLimits(maxDepth: 14, maxAliases: 30, maxCost: 231)
        #expect(Set(try Self.limitErrors(query, tight).map(\.rule)) == ["QueryDepthLimitRule", "QueryCostLimitRule"])
    }

    /// `{ __type(name: "Model") { ofType { ... { name } } } }` with `depth` fields on the deepest path.
    static func nested(depth: Int) -> String {
        "{ __type(name: \"Model\") { " + String(repeating: "ofType { ", count: depth - 2) + "name" + String(repeating: " }", count: depth - 1) + " }"
    }

    @Test func depthAtTheLimitPassesAndOneMoreFails() throws {
        #expect(try Self.limitErrors(Self.nested(depth: 15)).isEmpty)
        let errors = try Self.limitErrors(Self.nested(depth: 16))
        try #require(errors.count == 1)
        #expect(errors[0].rule == "QueryDepthLimitRule")
        #expect(errors[0].error.message == "Query depth 16 exceeds the maximum depth of 15.")
        #expect(errors[0].error.locations == [GraphQL.SourceLocation(line: 1, column: 1)])
        #expect(errors[0].error.extensions?["code"] == .string("invalid_argument"))
    }

    @Test func depthCountsThroughFragments() throws {
        let source = "query Q { ...A }\nfragment A on Query { __type(name: \"Model\") { ...B } }\nfragment B on __Type { "
            + String(repeating: "ofType { ", count: 14) + "name" + String(repeating: " }", count: 14) + " }"
        let errors = try Self.limitErrors(source)
        #expect(errors.map(\.error.message) == ["Query depth 16 exceeds the maximum depth of 15."])
    }

    static func aliased(_ count: Int) -> String {
        "{ " + (0..<count).map { "a\($0): health { status }" }.joined(separator: " ") + " }"
    }

    @Test func aliasesAtTheLimitPassAndOneMoreFails() throws {
        #expect(try Self.limitErrors(Self.aliased(30)).isEmpty)
        let errors = try Self.limitErrors(Self.aliased(31))
        #expect(errors.map(\.rule) == ["AliasLimitRule"])
        #expect(errors.first?.error.message == "Query uses 31 aliases, more than the maximum of 30.")
        #expect(errors.first?.error.extensions?["actual"] == .number(JSONNumber(31)))
    }

    /// `models` is a list (×10): 1 + 10 × 499 names, plus `health` with `statuses` leaves.
    static func costly(statuses: Int) -> String {
        "{ models { " + Array(repeating: "name", count: 499).joined(separator: " ") + " } health { "
            + Array(repeating: "status", count: statuses).joined(separator: " ") + " } }"
    }

    @Test func costAtTheLimitPassesAndOneMoreFails() throws {
        #expect(try Self.limitErrors(Self.costly(statuses: 8)).isEmpty)
        let errors = try Self.limitErrors(Self.costly(statuses: 9))
        #expect(errors.map(\.rule) == ["QueryCostLimitRule"])
        #expect(errors.first?.error.message == "Query cost 5001 exceeds the maximum cost of 5000.")
    }

    @Test func costMultipliesThroughNestedListsAndFragments() throws {
        // patternStatus(1) + circuitBreakers(1 + 10 × (endpoints: 1 + 10 × url 1)) = 1 + 1 + 110
        let source = "{ patternStatus { circuitBreakers { ...E } } }\nfragment E on ModelBreaker { endpoints { url } }"
        let document = try Parser.parse(source)
        guard case .operation(let operation) = document.definitions[0] else { throw PythonOracle.OracleError("no operation") }
        let context = ValidationContext(schema: GatewaySchema.schema, document: document, limits: QueryLimits())
        #expect(context.operationMetrics(operation).cost == 112)
    }

    @Test func fragmentCyclesAndFanOutStayCheap() throws {
        // Each fragment spreads the next one twice: 2^40 fields if expanded naively.
        var fragments: [String] = []
        for i in 0..<40 { fragments.append("fragment F\(i) on Health { status ...F\(i + 1) ...F\(i + 1) }") }
        fragments.append("fragment F40 on Health { status }")
        let source = "{ health { ...F0 } }\n" + fragments.joined(separator: "\n")
        let errors = try Self.limitErrors(source)
        #expect(errors.map(\.rule) == ["QueryCostLimitRule"])
        let cyclic = try Self.limitErrors("{ health { ...A } }\nfragment A on Health { status ...A }")
        #expect(cyclic.map(\.rule) == ["NoFragmentCyclesRule"])
    }

    @Test func limitsAreCheckedPerOperation() throws {
        let source = "query A \(Self.aliased(31))\nquery B \(Self.aliased(31))"
        let errors = try Self.limitErrors(source)
        #expect(errors.map(\.rule) == ["AliasLimitRule", "AliasLimitRule"])
        #expect(errors.map(\.error.locations) == [[GraphQL.SourceLocation(line: 1, column: 1)], [GraphQL.SourceLocation(line: 2, column: 1)]])
    }
}
