import Foundation
import GatewayTestSupport
import JSON
import Testing

@testable import GraphQL

/// Runs one of the Python helpers in Resources/ with graphql-core, JSON in and JSON out.
enum PythonOracle {
    static let packageRoot = PythonHelper.packageRoot()
    static let gatewaySchemaPath = packageRoot.appendingPathComponent("Schema/gateway.graphql").path

    static func gatewaySDL() throws -> String { try String(contentsOfFile: gatewaySchemaPath, encoding: .utf8) }

    static func run(_ script: String, input: JSONValue, arguments: [String] = []) throws -> JSONValue {
        let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/\(script)").path
        return try JSON.parse(try PythonHelper.run([helper] + arguments, stdin: JSON.serialize(input)))
    }

    struct OracleError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// graphql-core's answer for each SDL document (see schema_oracle.py).
    static func schemas(_ documents: [String]) throws -> [JSONValue] {
        guard case .array(let answers) = try run("schema_oracle.py", input: .array(documents.map { .string($0) })) else {
            throw OracleError("schema_oracle.py did not answer a list")
        }
        return answers
    }
}

/// Small SDLs covering every kind of type; the gateway's own schema is tested alongside.
enum SampleSchemas {
    static let all: [String] = [
        """
        "A character"
        interface Character { id: ID! name: String friends(first: Int = 3): [Character] }
        interface Node { id: ID! }
        type Human implements Character & Node { id: ID! name: String friends(first: Int = 3): [Character] height(unit: Unit = METER): Float }
        type Droid implements Character & Node { id: ID! name: String friends(first: Int = 3): [Character] primaryFunction: String @deprecated }
        union SearchResult = Human | Droid
        enum Unit { METER FOOT @deprecated(reason: "Use METER.") }
        type Query { hero(episode: Episode = NEWHOPE): Character search(text: String!): [SearchResult!]! node(id: ID!): Node }
        enum Episode { NEWHOPE EMPIRE JEDI }
        """,
        """
        schema { query: Root mutation: Change }
        type Root { echo(input: EchoInput = {text: "hi", times: 2, tags: ["a", "b"]}): String }
        type Change { set(key: String!, value: Float = 1.5, old: String @deprecated(reason: "gone")): Boolean }
        \"\"\"
        Multi-line
          description with "quotes"
        \"\"\"
        input EchoInput {
          "the text"
          text: String!
          times: Int = 1
          tags: [String!] = []
          nested: EchoInput
        }
        """,
        """
        "The schema"
        schema { query: Query }
        directive @cached(ttl: Int = 60, "scope doc" scope: Scope, old: Int @deprecated(reason: "use ttl")) repeatable on FIELD_DEFINITION | OBJECT
        enum Scope { PUBLIC PRIVATE }
        scalar Date @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")
        type Query @cached { today: Date @cached(ttl: 5) list(ids: [[ID!]]!, when: Date): [Date] }
        """,
        """
        interface A { a: String }
        interface B implements A { a: String b(x: Int): Int }
        type C implements B & A { a: String b(x: Int, y: Int): Int c: [C!] }
        type Query { c: C b: B "long description that is definitely longer than seventy characters in total, really" x: String }
        type Mutation { noop: Boolean }
        type Subscription { tick: Int }
        """,
        """
        type Query { kind: __TypeKind t(name: String = "x"): __Type b: Boolean }
        scalar String
        type Mutation { x: ID }
        """,
    ]
}

@Suite("SchemaBuilder")
struct SchemaBuilderTests {
    @Test func gatewayTypeOrderMatchesGraphQLCore() throws {
        let sdl = try PythonOracle.gatewaySDL()
        let schema = try SchemaBuilder.build(sdl: sdl)
        let expected = try PythonOracle.schemas([sdl])[0]
        #expect(schema.typeNames.map(JSONValue.string) == expected["types"]?.arrayValue)
        #expect(Array(schema.typeNames.prefix(9)) == ["JSON", "Query", "String", "ID", "Float", "Int", "Boolean", "Mutation", "Subscription"])
        #expect(schema.directives.map(\.name) == ["include", "skip", "deprecated", "specifiedBy", "oneOf"])
        #expect(schema.queryType == "Query" && schema.mutationType == "Mutation" && schema.subscriptionType == "Subscription")
        #expect(schema.type(named: "JSON")?.kind.specifiedByURL == "https://www.rfc-editor.org/rfc/rfc8259")
    }

    @Test(arguments: SampleSchemas.all.indices)
    func sampleTypeAndDirectiveOrderMatchesGraphQLCore(index: Int) throws {
        let sdl = SampleSchemas.all[index]
        let schema = try SchemaBuilder.build(sdl: sdl)
        let expected = try PythonOracle.schemas([sdl])[0]
        #expect(schema.typeNames.map(JSONValue.string) == expected["types"]?.arrayValue)
        #expect(schema.directives.map { JSONValue.string($0.name) } == expected["directives"]?.arrayValue)
    }

    @Test func directiveArgumentsCanBeDeprecated() throws {
        let schema = try SchemaBuilder.build(sdl: SampleSchemas.all[2])
        #expect(schema.directive(named: "cached")?.argument(named: "old")?.deprecationReason == "use ttl")
        #expect(schema.directive(named: "cached")?.argument(named: "ttl")?.deprecationReason == nil)
    }

    @Test func deprecationsAndDefaults() throws {
        let schema = try SchemaBuilder.build(sdl: SampleSchemas.all[0])
        #expect(schema.type(named: "Droid")?.field(named: "primaryFunction")?.deprecationReason == "No longer supported")
        #expect(schema.type(named: "Unit")?.enumValue(named: "FOOT")?.deprecationReason == "Use METER.")
        #expect(schema.type(named: "Unit")?.enumValue(named: "METER")?.deprecationReason == nil)
        #expect(schema.possibleTypes(of: "Character") == ["Human", "Droid"])
        #expect(schema.possibleTypes(of: "SearchResult") == ["Human", "Droid"])
        let hero = try #require(schema.type(named: "Query")?.field(named: "hero"))
        #expect(hero.argument(named: "episode").flatMap(\.defaultValue).map { Printer.print($0) } == "NEWHOPE")
    }

    /// Each invalid SDL is rejected with graphql-core's message (from build_schema or validate_schema).
    static let invalid: [(String, String)] = [
        ("type Query { a: Foo }", "Unknown type 'Foo'."),
        ("type Query { a: Int }\ntype Query { b: Int }", "There can be only one type named 'Query'."),
        ("type Query { a: Int a: String }", "Field 'Query.a' can only be defined once."),
        ("type Query { a(x: Int, x: Int): Int }", "Argument 'Query.a(x:)' can only be defined once."),
        ("type Query { a: E } enum E { A A }", "Enum value 'E.A' can only be defined once."),
        ("type Query { a(i: I): Int } input I { x: Int x: Int }", "Field 'I.x' can only be defined once."),
        ("type Query { a: A } interface I { x: Int } type A implements I { y: Int }", "Interface field I.x expected but A does not provide it."),
        ("type Query { a: A } interface I { x: Int } type A implements I { x: String }", "Interface field I.x expects type Int but A.x is type String."),
        ("type Query { a: A } interface I { x(a: Int): Int } type A implements I { x: Int }", "Interface field argument I.x(a:) expected but A.x does not provide it."),
        ("type Query { a: A } interface I { x(a: Int): Int } type A implements I { x(a: String): Int }", "Interface field argument I.x(a:) expects type Int but A.x(a:) is type String."),
        ("type Query { a: A } interface I { x: Int } type A implements I { x(b: Int!): Int }", "Argument 'A.x(b:)' must not be required type 'Int!' if not provided by the Interface field 'I.x'."),
        ("type Query { a: A } type B { x: Int } type A implements B { x: Int }", "Type A must only implement Interface types, it cannot implement B."),
        ("type Query { a: U } union U = Query | String", "Union type U can only include Object types, it cannot include String."),
        ("type Query { a: I } input I { x: Int }", "The type of Query.a must be Output Type but got: I."),
        ("type Query { a(x: Query): Int }", "The type of Query.a(x:) must be Input Type but got: Query."),
        ("type Query { a(x: I): Int } input I { q: Query }", "The type of I.q must be Input Type but got: Query."),
        ("type Foo { a: Int }", "Query root type must be provided."),
        ("type Query { a: Int @foo }", "Unknown directive '@foo'."),
        ("type Query { a: __Foo } type __Foo { a: Int }", "Name '__Foo' must not begin with '__', which is reserved by GraphQL introspection."),
        ("type Query { __a: Int }", "Name '__a' must not begin with '__', which is reserved by GraphQL introspection."),
        ("directive @a on FIELD directive @a on FIELD type Query { a: Int }", "There can be only one directive named '@a'."),
        ("type Query { a: Int @specifiedBy(url: \"x\") }", "Directive '@specifiedBy' may not be used on field definition."),
        ("schema { query: I } input I { a: Int }", "Query root type must be Object type, it cannot be I."),
        ("schema { query: Foo } type Query { a: Int }", "Unknown type 'Foo'."),
        ("type Query { a(x: Int! @deprecated): Int }", "Required argument Query.a(x:) cannot be deprecated."),
        ("type Query { a: U } union U", "Union type U must define one or more member types."),
        ("type Query { a: E } enum E", "Enum type E must define one or more values."),
        ("type Query", "Type Query must define one or more fields."),
        ("type Query { a(x: Int = \"s\"): Int }", "Query.a(x:) has invalid default value: Int cannot represent non-integer value: \"s\""),
        ("type Query { a(x: I = {a: \"s\"}): Int } input I { a: Int b: [Int] c: Int! }", "Query.a(x:) has invalid default value at .a: Int cannot represent non-integer value: \"s\""),
        ("type Query { a(x: [I] = [{c: 1}, {c: null}]): Int } input I { c: Int! }", "Query.a(x:) has invalid default value at [1].c: Expected value of non-null type 'Int!' not to be None."),
        ("type Query { a(x: E = B): Int } enum E { A }", "Query.a(x:) has invalid default value: Value 'B' does not exist in 'E' enum. Did you mean the enum value 'A'?"),
        ("type Query { a: Int } input I { a: Int = \"x\" }", "I.a has invalid default value: Int cannot represent non-integer value: \"x\""),
        ("directive @d(a: Int = \"x\") on FIELD type Query { a: Int }", "@d(a:) has invalid default value: Int cannot represent non-integer value: \"x\""),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidSDLLikeGraphQLCore(sdl: String, message: String) throws {
        #expect(throws: GraphQLError.self) { try SchemaBuilder.build(sdl: sdl) }
        do {
            _ = try SchemaBuilder.build(sdl: sdl)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func invalidTableAgreesWithOracle() throws {
        let answers = try PythonOracle.schemas(Self.invalid.map(\.0))
        for ((sdl, message), answer) in zip(Self.invalid, answers) {
            #expect(answer["error"]?.stringValue == message, "\(sdl)")
        }
    }

    @Test func extensionsAreRejected() throws {
        do {
            _ = try SchemaBuilder.build(sdl: "type Query { a: Int } extend type Query { b: Int }")
            Issue.record("extension accepted")
        } catch {
            #expect(error.message.contains("extend"))
            #expect(error.locations == [GraphQL.SourceLocation(line: 1, column: 23)])
        }
    }
}

extension GraphQLNamedType.Kind {
    var specifiedByURL: String? {
        if case .scalar(let url) = self { url } else { nil }
    }
}
