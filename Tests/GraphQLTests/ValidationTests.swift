import JSON
import Testing

@testable import GraphQL

/// One error as graphql-core reports it, with the rule we expect to report it.
struct ExpectedError: Sendable, CustomStringConvertible {
    var rule: String
    var message: String
    var locations: [GraphQL.SourceLocation]

    init(_ rule: String, _ message: String, _ locations: [(Int, Int)]) {
        self.rule = rule
        self.message = message
        self.locations = locations.map { GraphQL.SourceLocation(line: $0.0, column: $0.1) }
    }

    var description: String { "\(rule): \(message) at \(locations)" }
}

struct InvalidDocument: Sendable, CustomStringConvertible {
    var source: String
    var errors: [ExpectedError]

    init(_ source: String, _ errors: [ExpectedError]) {
        self.source = source
        self.errors = errors
    }

    var description: String { source }
}

enum GatewaySchema {
    /// Built once for all suites.
    static let schema: GraphQLSchema = {
        do { return try SchemaBuilder.build(sdl: try PythonOracle.gatewaySDL()) } catch { fatalError("gateway.graphql: \(error)") }
    }()

    static func validate(_ source: String, limits: QueryLimits = .unlimited) throws -> [(rule: String, error: GraphQLError)] {
        try Validator.validateReportingRules(Parser.parse(source), schema: schema, limits: limits)
    }
}

@Suite("Validation rules")
struct ValidationTests {
    /// Expected messages and locations computed with graphql-core 3.3.2 (validation_oracle.py).
    static let invalidDocuments: [InvalidDocument] = [
        .init("type Foo { a: Int }\n{ health { status } }", [
            .init("ExecutableDefinitionsRule", "The 'Foo' definition is not executable.", [(1, 1)]),
        ]),
        .init("schema { query: Query }\nquery Q { health { status } }", [
            .init("ExecutableDefinitionsRule", "The schema definition is not executable.", [(1, 1)]),
        ]),
        .init("subscription S { patternStatus { hybrid { models } } health: patternStatus { bulkOnly { models } } }", [
            .init("SingleFieldSubscriptionsRule", "Subscription 'S' must select only one top level field.", [(1, 54)]),
        ]),
        .init("query A { health { status } }\nquery A { models { name } }", [
            .init("UniqueOperationNamesRule", "There can be only one operation named 'A'.", [(1, 7), (2, 7)]),
        ]),
        .init("{ health { status } }\nquery B { models { name } }", [
            .init("LoneAnonymousOperationRule", "This anonymous operation must be the only defined operation.", [(1, 1)]),
        ]),
        .init("query Q($a: Strin) { model(name: $a) { name } }", [
            .init("KnownTypeNamesRule", "Unknown type 'Strin'. Did you mean 'String'?", [(1, 13)]),
        ]),
        .init("{ ... on Modle { name } }", [
            .init("KnownTypeNamesRule", "Unknown type 'Modle'. Did you mean 'Model'?", [(1, 10)]),
        ]),
        .init("{ model(name: \"a\") { ... on String { length } } }", [
            .init("FragmentsOnCompositeTypesRule", "Fragment cannot condition on non composite type 'String'.", [(1, 29)]),
        ]),
        .init("fragment F on Pattern { name }\n{ models { ...F } }", [
            .init("FragmentsOnCompositeTypesRule", "Fragment 'F' cannot condition on non composite type 'Pattern'.", [(1, 15)]),
        ]),
        .init("query Q($m: Model) { health { status } }", [
            .init("NoUnusedVariablesRule", "Variable '$m' is never used in operation 'Q'.", [(1, 9)]),
            .init("VariablesAreInputTypesRule", "Variable '$m' cannot be non-input type 'Model'.", [(1, 13)]),
        ]),
        .init("{ health }", [
            .init("ScalarLeafsRule", "Field 'health' of type 'Health!' must have a selection of subfields. Did you mean 'health { ... }'?", [(1, 3)]),
        ]),
        .init("{ health { status { x } } }", [
            .init("ScalarLeafsRule", "Field 'status' must not have a selection since type 'HealthStatus!' has no subfields.", [(1, 19)]),
        ]),
        .init("{ modls { name } }", [
            .init("FieldsOnCorrectTypeRule", "Cannot query field 'modls' on type 'Query'. Did you mean 'models' or 'model'?", [(1, 3)]),
        ]),
        .init("{ health { stats } }", [
            .init("FieldsOnCorrectTypeRule", "Cannot query field 'stats' on type 'Health'. Did you mean 'status'?", [(1, 12)]),
        ]),
        .init("mutation { embed(model: \"m\", text: \"t\") { queuePosition } }", [
            .init("FieldsOnCorrectTypeRule", "Cannot query field 'queuePosition' on type 'EmbedResult'. Did you mean to use an inline fragment on 'QueuedJob'?", [(1, 43)]),
        ]),
        .init("mutation { embed(model: \"m\", text: \"t\") { ... on EmbedAnswer { cached } } }", [
            .init("FieldsOnCorrectTypeRule", "Cannot query field 'cached' on type 'EmbedAnswer'. Did you mean to use an inline fragment on 'Embedding'?", [(1, 64)]),
        ]),
        .init("{ __schema { typez { name } } }", [
            .init("FieldsOnCorrectTypeRule", "Cannot query field 'typez' on type '__Schema'. Did you mean 'types'?", [(1, 14)]),
        ]),
        .init("fragment F on Model { name }\nfragment F on Model { pattern }\n{ models { ...F } }", [
            .init("UniqueFragmentNamesRule", "There can be only one fragment named 'F'.", [(1, 10), (2, 10)]),
        ]),
        .init("{ models { ...Missing } }", [
            .init("KnownFragmentNamesRule", "Unknown fragment 'Missing'.", [(1, 15)]),
        ]),
        .init("fragment Unused on Model { name }\n{ models { name } }", [
            .init("NoUnusedFragmentsRule", "Fragment 'Unused' is never used.", [(1, 1)]),
        ]),
        .init("{ models { ... on Health { status } } }", [
            .init("PossibleFragmentSpreadsRule", "Fragment cannot be spread here as objects of type 'Model' can never be of type 'Health'.", [(1, 12)]),
        ]),
        .init("fragment H on Health { status }\n{ models { ...H } }", [
            .init("PossibleFragmentSpreadsRule", "Fragment 'H' cannot be spread here as objects of type 'Model' can never be of type 'Health'.", [(2, 12)]),
        ]),
        .init("fragment A on Model { name ...B }\nfragment B on Model { pattern ...A }\n{ models { ...A } }", [
            .init("NoFragmentCyclesRule", "Cannot spread fragment 'A' within itself via 'B'.", [(1, 28), (2, 31)]),
        ]),
        .init("fragment A on Model { name ...A }\n{ models { ...A } }", [
            .init("NoFragmentCyclesRule", "Cannot spread fragment 'A' within itself.", [(1, 28)]),
        ]),
        .init("query Q($a: String!, $a: String!) { model(name: $a) { name } }", [
            .init("UniqueVariableNamesRule", "There can be only one variable named '$a'.", [(1, 10), (1, 23)]),
        ]),
        .init("query Q { model(name: $name) { name } }", [
            .init("NoUndefinedVariablesRule", "Variable '$name' is not defined by operation 'Q'.", [(1, 23), (1, 1)]),
        ]),
        .init("fragment F on Query { model(name: $n) { name } }\n{ ...F }", [
            .init("NoUndefinedVariablesRule", "Variable '$n' is not defined.", [(1, 35), (2, 1)]),
        ]),
        .init("query Q($a: Int) { health { status } }", [
            .init("NoUnusedVariablesRule", "Variable '$a' is never used in operation 'Q'.", [(1, 9)]),
        ]),
        .init("query ($a: Int) { health { status } }", [
            .init("NoUnusedVariablesRule", "Variable '$a' is never used.", [(1, 8)]),
        ]),
        .init("{ health @cached { status } }", [
            .init("KnownDirectivesRule", "Unknown directive '@cached'.", [(1, 10)]),
        ]),
        .init("query Q @skip(if: true) { health { status } }", [
            .init("KnownDirectivesRule", "Directive '@skip' may not be used on query.", [(1, 9)]),
        ]),
        .init("{ health { status @deprecated } }", [
            .init("KnownDirectivesRule", "Directive '@deprecated' may not be used on field.", [(1, 19)]),
        ]),
        .init("{ health @skip(if: false) @skip(if: true) { status } }", [
            .init("UniqueDirectivesPerLocationRule", "The directive '@skip' can only be used once at this location.", [(1, 10), (1, 27)]),
        ]),
        .init("{ model(nme: \"a\", name: \"b\") { name } }", [
            .init("KnownArgumentNamesRule", "Unknown argument 'nme' on field 'Query.model'. Did you mean 'name'?", [(1, 9)]),
        ]),
        .init("{ health @include(iff: true, if: true) { status } }", [
            .init("KnownArgumentNamesRule", "Unknown argument 'iff' on directive '@include'. Did you mean 'if'?", [(1, 19)]),
        ]),
        .init("{ models(limit: 3) { name } }", [
            .init("KnownArgumentNamesRule", "Unknown argument 'limit' on field 'Query.models'.", [(1, 10)]),
        ]),
        .init("{ batch(id: \"1\", id: \"2\") { model } }", [
            .init("UniqueArgumentNamesRule", "There can be only one argument named 'id'.", [(1, 9), (1, 18)]),
        ]),
        .init("{ model(name: 1) { name } }", [
            .init("ValuesOfCorrectTypeRule", "String cannot represent a non string value: 1", [(1, 15)]),
        ]),
        .init("{ optimizedSearch(model: \"m\", limit: \"ten\") { model } }", [
            .init("ValuesOfCorrectTypeRule", "Int cannot represent non-integer value: \"ten\"", [(1, 38)]),
        ]),
        .init("{ optimizedSearch(model: \"m\", limit: 3000000000) { model } }", [
            .init("ValuesOfCorrectTypeRule", "Int cannot represent non 32-bit signed integer value: 3000000000", [(1, 38)]),
        ]),
        .init("{ optimizedSearch(model: \"m\", queryVector: [1, \"x\", 2.5]) { model } }", [
            .init("ValuesOfCorrectTypeRule", "Float cannot represent non numeric value: \"x\"", [(1, 48)]),
        ]),
        .init("{ model(name: null) { name } }", [
            .init("ValuesOfCorrectTypeRule", "Expected value of non-null type 'String!' not to be None.", [(1, 15)]),
        ]),
        .init("mutation { embed(model: \"m\", urgent: \"yes\") { __typename } }", [
            .init("ValuesOfCorrectTypeRule", "Boolean cannot represent a non boolean value: \"yes\"", [(1, 38)]),
        ]),
        .init("mutation { ingest(model: \"m\", vectors: [{id: 1, vectr: [1.0]}]) { status } }", [
            .init("ValuesOfCorrectTypeRule", "Expected value of type 'PointInput' to include required field 'vector', found: { id: 1, vectr: [1.0] }.", [(1, 41)]),
            .init("ValuesOfCorrectTypeRule", "Expected value of type 'PointInput' not to include unknown field 'vectr'. Did you mean 'vector'? Found: { id: 1, vectr: [1.0] }.", [(1, 49)]),
        ]),
        .init("mutation { ingest(model: \"m\", vectors: {id: \"x\"}) { status } }", [
            .init("ValuesOfCorrectTypeRule", "Expected value of type 'PointInput' to include required field 'vector', found: { id: \"x\" }.", [(1, 40)]),
        ]),
        .init("mutation { ingest(model: \"m\", vectors: [\"v\"]) { status } }", [
            .init("ValuesOfCorrectTypeRule", "Expected value of type 'PointInput' to be an object, found: \"v\".", [(1, 41)]),
        ]),
        .init("query Q($l: Int = \"x\") { optimizedSearch(model: \"m\", limit: $l) { model } }", [
            .init("ValuesOfCorrectTypeRule", "Int cannot represent non-integer value: \"x\"", [(1, 19)]),
        ]),
        .init("{ batch(id: 1.5) { model } }", [
            .init("ValuesOfCorrectTypeRule", "ID cannot represent a non-string and non-integer value: 1.5", [(1, 13)]),
        ]),
        .init("{ __type(name: ENUM) { name } }", [
            .init("ValuesOfCorrectTypeRule", "String cannot represent a non string value: ENUM", [(1, 16)]),
        ]),
        .init("{ __schema { types { fields(includeDeprecated: \"yes\") { name } } } }", [
            .init("ValuesOfCorrectTypeRule", "Boolean cannot represent a non boolean value: \"yes\"", [(1, 48)]),
        ]),
        .init("{ model { name } }", [
            .init("ProvidedRequiredArgumentsRule", "Argument 'Query.model(name:)' of type 'String!' is required, but it was not provided.", [(1, 3)]),
        ]),
        .init("{ health @include { status } }", [
            .init("ProvidedRequiredArgumentsRule", "Argument '@include(if:)' of type 'Boolean!' is required, but it was not provided.", [(1, 10)]),
        ]),
        .init("{ __type { name } }", [
            .init("ProvidedRequiredArgumentsRule", "Argument '<meta>.__type(name:)' of type 'String!' is required, but it was not provided.", [(1, 3)]),
        ]),
        .init("query Q($n: String) { model(name: $n) { name } }", [
            .init("VariablesInAllowedPositionRule", "Variable '$n' of type 'String' used in position expecting type 'String!'.", [(1, 9), (1, 35)]),
        ]),
        .init("query Q($n: Int!) { model(name: $n) { name } }", [
            .init("VariablesInAllowedPositionRule", "Variable '$n' of type 'Int!' used in position expecting type 'String!'.", [(1, 9), (1, 33)]),
        ]),
        .init("query Q($v: [Float]) { optimizedSearch(model: \"m\", queryVector: $v) { model } }", [
            .init("VariablesInAllowedPositionRule", "Variable '$v' of type '[Float]' used in position expecting type '[Float!]'.", [(1, 9), (1, 65)]),
        ]),
        .init("{ health { status: models { model } status } }", [
            .init("OverlappingFieldsCanBeMergedRule", "Fields 'status' conflict because 'models' and 'status' are different fields. Use different aliases on the fields to fetch both if this was intentional.", [(1, 12), (1, 37)]),
        ]),
        .init("{ model(name: \"a\") { name } model(name: \"b\") { name } }", [
            .init("OverlappingFieldsCanBeMergedRule", "Fields 'model' conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.", [(1, 3), (1, 29)]),
        ]),
        .init("{ models { name: pattern name } }", [
            .init("OverlappingFieldsCanBeMergedRule", "Fields 'name' conflict because 'pattern' and 'name' are different fields. Use different aliases on the fields to fetch both if this was intentional.", [(1, 12), (1, 26)]),
        ]),
        .init("mutation { embed(model: \"m\") { ... on Embedding { x: cached } ... on QueuedJob { x: queuePosition } } }", [
            .init("OverlappingFieldsCanBeMergedRule", "Fields 'x' conflict because they return conflicting types 'Boolean!' and 'Int!'. Use different aliases on the fields to fetch both if this was intentional.", [(1, 51), (1, 82)]),
        ]),
        .init("{ models { ...A ...B } }\nfragment A on Model { n: name }\nfragment B on Model { n: pattern }", [
            .init("OverlappingFieldsCanBeMergedRule", "Fields 'n' conflict because 'name' and 'pattern' are different fields. Use different aliases on the fields to fetch both if this was intentional.", [(2, 23), (3, 23)]),
        ]),
        .init("{ a: health { status } a: health { models { model } status: models { model } } }", [
            .init("OverlappingFieldsCanBeMergedRule", "Fields 'a' conflict because subfields 'status' conflict because 'status' and 'models' are different fields. Use different aliases on the fields to fetch both if this was intentional.", [(1, 3), (1, 15), (1, 24), (1, 53)]),
        ]),
        .init("mutation { ingest(model: \"m\", vectors: [{vector: [1.0], vector: [2.0]}]) { status } }", [
            .init("UniqueInputFieldNamesRule", "There can be only one input field named 'vector'.", [(1, 42), (1, 57)]),
        ]),
        .init("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }", [
            .init("MaxIntrospectionDepthRule", "Maximum introspection depth exceeded", [(1, 3)]),
        ]),
    ]

    @Test(arguments: invalidDocuments)
    func rejectedByTheRightRuleWithGraphQLCoreMessage(document: InvalidDocument) throws {
        let reported = try GatewaySchema.validate(document.source)
        #expect(reported.count == document.errors.count, "\(reported.map { "\($0.rule): \($0.error)" })")
        for (got, expected) in zip(reported, document.errors) {
            #expect(got.rule == expected.rule)
            #expect(got.error.message == expected.message)
            #expect(got.error.locations == expected.locations)
        }
    }

    /// The gateway's schema has all three root types now: the rule is shown on one without a subscription.
    @Test func knownOperationTypesOnASchemaWithoutSubscriptions() throws {
        let schema = try SchemaBuilder.build(sdl: "type Query { a: Int }")
        let reported = try Validator.validateReportingRules(Parser.parse("subscription S { a }"), schema: schema, limits: .unlimited)
        #expect(reported.map(\.rule) == ["KnownOperationTypesRule"])
        #expect(reported.map(\.error.message) == ["The subscription operation is not supported by the schema."])
        #expect(reported.first?.error.locations == [SourceLocation(line: 1, column: 1)])
    }

    @Test func everyRuleHasAnInvalidDocument() {
        let covered = Set(Self.invalidDocuments.flatMap { $0.errors.map(\.rule) } + ["KnownOperationTypesRule"])
        let specified = Set(Validator.rules.map { $0.name }).subtracting(["QueryDepthLimitRule", "AliasLimitRule", "QueryCostLimitRule", "SingleFieldSubscriptionsRule", "FragmentNestingRule"])
        #expect(specified.subtracting(covered).isEmpty, "\(specified.subtracting(covered))")
    }
}
