import JSON
import Testing

@testable import GraphQL

/// Operations (spec §6.1–§6.2): selecting the operation, mutations in order, and what a
/// resolver is told.
@Suite("Executor: operations")
struct ExecutorOperationTests {
    @Test(
        arguments: [
            (
                "query A { int(v: 1) } query B { int(v: 2) }", nil,
                "Must provide operation name if query contains multiple operations."
            ),
            ("query A { int(v: 1) }", "B", "Unknown operation named 'B'."),
            ("fragment F on Query { int(v: 1) }", nil, "Must provide an operation."),
        ] as [(String, String?, String)])
    func operationSelectionErrors(_ query: String, _ name: String?, _ message: String) async throws {
        let document = try Parser.parse(query)
        #expect(throws: GraphQLError.self) { try Executor.selectOperation(in: document, named: name) }
        let result = await Executor(schema: ExecutorFixture.schema, resolvers: ExecutorFixture.resolvers)
            .execute(document: document, operationName: name, variables: nil, context: 0)
        #expect(result.data == nil)
        #expect(result.errors.map(\.message) == [message])
        #expect(result.json() == ["errors": [["message": .string(message)]]])
    }

    @Test(arguments: [("A", 1), ("B", 2)])
    func operationByName(_ name: String, _ value: Int) async throws {
        let response = try await ExecutorFixture.run(
            "query A { int(v: 1) } query B { int(v: 2) }", operationName: name)
        #expect(response == ["data": ["int": .number(JSONNumber(value))]])
    }

    @Test func singleAnonymousOperation() async throws {
        let document = try Parser.parse("{ int(v: 1) } fragment F on Query { int(v: 1) }")
        let operation = try Executor.selectOperation(in: document, named: nil)
        #expect(operation.name == nil && operation.operation == .query)
    }

    /// The first mutation sleeps longest; serial execution still finishes it first.
    @Test func mutationRootFieldsRunSeriallyInOrder() async throws {
        let log = ExecutorFixture.CallLog()
        let response = try await ExecutorFixture.run(
            """
            mutation {
              first: append(name: "a", delay: 30)
              second: append(name: "b", delay: 10)
              __typename
              third: append(name: "c")
            }
            """, context: log)
        #expect(
            response == [
                "data": [
                    "first": ["a"], "second": ["a", "b"], "__typename": "Mutation", "third": ["a", "b", "c"],
                ]
            ])
        #expect(await log.names == ["a", "b", "c"])
    }

    @Test func subscriptionWithoutARootTypeIsARequestError() async throws {
        let response = try await ExecutorFixture.run("subscription { int }")
        #expect(
            response == [
                "errors": [
                    [
                        "message": "Schema is not configured to execute subscription operation.",
                        "locations": [["line": 1, "column": 1]],
                    ]
                ]
            ])
    }

    /// Field names, parent type, return type, response path (with list indexes) and context.
    @Test func resolveInfoDescribesTheField() async throws {
        let seen = InfoLog()
        var resolvers = ExecutorFixture.resolvers
        resolvers["Query", "pets"] = { _, _, _ in .list([.json(ExecutorFixture.pets[0]!), .json(ExecutorFixture.pets[1]!)]) }
        resolvers["Dog", "name"] = { parent, arguments, info in
            await seen.record(
                "\(info.parentTypeName).\(info.fieldName): \(info.returnType) at \(info.path.map(\.description)) ctx \(info.context)"
            )
            #expect(arguments.isEmpty)
            guard case .json(let object) = parent else { return .null }
            return .json(object["name"] ?? .null)
        }
        let document = try Parser.parse("{ pets { n: name } }")
        let result = await Executor(schema: ExecutorFixture.schema, resolvers: resolvers)
            .execute(document: document, operationName: nil, variables: nil, context: "request-1")
        #expect(result.json() == ["data": ["pets": [["n": "Rex"], ["n": "Tom"]]]])
        #expect(await seen.lines == [#"Dog.name: String! at ["pets", "0", "n"] ctx request-1"#])
    }

    /// A resolver registered for an introspection type does not replace the built-in one.
    @Test func introspectionResolversWin() async throws {
        var resolvers = ExecutorFixture.resolvers
        resolvers["__Type", "name"] = { _, _, _ in .json("hijacked") }
        let document = try Parser.parse(#"{ __type(name: "Dog") { name } }"#)
        let result = await Executor(schema: ExecutorFixture.schema, resolvers: resolvers)
            .execute(document: document, operationName: nil, variables: nil, context: 0)
        #expect(result.json() == ["data": ["__type": ["name": "Dog"]]])
    }

    /// Introspection-only queries are answered from the executor's cache the second time;
    /// variables are part of the key.
    @Test func introspectionResultsAreCachedPerDocumentAndVariables() async throws {
        let executor = Executor(schema: ExecutorFixture.schema, resolvers: ExecutorFixture.resolvers)
        let document = try Parser.parse(#"query($n: String!) { __type(name: $n) { name kind } __typename }"#)
        func run(_ name: String) async -> JSONValue {
            await executor.execute(document: document, operationName: nil, variables: ["n": .string(name)], context: 0).json()
        }
        let dog: JSONValue = ["data": ["__type": ["name": "Dog", "kind": "OBJECT"], "__typename": "Query"]]
        let color: JSONValue = ["data": ["__type": ["name": "Color", "kind": "ENUM"], "__typename": "Query"]]
        #expect(await run("Dog") == dog)
        #expect(await run("Color") == color)
        #expect(await run("Dog") == dog)
        #expect(await run("Color") == color)
        let aliased = try Parser.parse(#"{ t: __type(name: "Dog") { name } }"#)
        let result = await executor.execute(document: aliased, operationName: nil, variables: nil, context: 0)
        #expect(result.json() == ["data": ["t": ["name": "Dog"]]])
    }

    @Test(arguments: [
        ("{ __schema { queryType { name } } }", true),
        ("{ __typename ... on Query { __type(name: \"Dog\") { name } } ...F } fragment F on Query { __typename }", true),
        ("{ __typename int(v: 1) }", false),
        ("{ ...F } fragment F on Query { pets { name } }", false),
    ])
    func introspectionOnlyOperations(_ query: String, _ expected: Bool) throws {
        let document = try Parser.parse(query)
        var fragments: [String: FragmentDefinition] = [:]
        for case .fragment(let fragment) in document.definitions { fragments[fragment.name.value] = fragment }
        let operation = try Executor.selectOperation(in: document, named: nil)
        #expect(IntrospectionResultCache.isIntrospectionOnly(operation.selectionSet, fragments: fragments) == expected)
    }

    actor InfoLog {
        var lines: [String] = []
        func record(_ line: String) { lines.append(line) }
    }
}

extension ExecutorOperationTests {
    /// A resolver may name a union member's type with `.object(typeName:value:)` around plain
    /// JSON; the default resolver still reads the JSON's members.
    @Test func typedObjectWrappingJSON() async throws {
        var resolvers = ExecutorFixture.resolvers
        resolvers["Query", "animal"] = { _, _, _ in .object(typeName: "Cat", value: ["name": "Kit", "lives": 7] as JSONValue) }
        resolvers["Query", "pet"] = { _, _, _ in .object(typeName: "Dog", value: ["name": "Rex", "barks": false] as JSONObject) }
        let document = try Parser.parse(
            #"{ animal { __typename ... on Cat { name lives } } pet(name: "x") { name ... on Dog { barks } } }"#)
        let result = await Executor(schema: ExecutorFixture.schema, resolvers: resolvers)
            .execute(document: document, operationName: nil, variables: nil, context: 0)
        #expect(
            result.json()
                == [
                    "data": [
                        "animal": ["__typename": "Cat", "name": "Kit", "lives": 7], "pet": ["name": "Rex", "barks": false],
                    ]
                ])
    }
}
