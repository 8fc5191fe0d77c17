import JSON
import Testing

@testable import GraphQL

/// Prepared operations (`Executor.prepare`) share one plan between executions, and
/// `executeSerialized` writes the response without a tree: both must answer exactly as a fresh
/// `execute(document:)` does, errors and null propagation included.
@Suite("Executor: prepared operations")
struct ExecutorPreparedTests {
    static let executor = Executor(schema: ExecutorFixture.schema, resolvers: ExecutorFixture.resolvers)

    static let queries = [
        "{ tree { leaf child { leaf requiredLeaf } requiredChild { leaf } children { requiredLeaf } } }",
        "{ tree { leaf fail requiredFail } requiredTree { leaf } }",
        "{ requiredTree { requiredChild { requiredLeaf } } int(v: 3) }",
        "{ pets { name ... on Dog { barks } ... on Cat { lives } __typename } animals { ... on Cat { name } } }",
        "{ strictInts(v: [1, null, 3]) ints(v: [1, null, 3]) grid(v: [[1], [null], [2, 3]]) }",
        "{ int(v: \"x\") float(v: 1.5) color(v: \"GREEN\") fail(code: \"E\") boom }",
        "{ echo(i: 1, filter: {min: 2}) echo2: echo(s: \"x\") }",
        "{ a: int(v: 1) a: int(v: 1) ... on Query { b: string(v: \"s\") } __typename }",
        "{ __type(name: \"Tree\") { name fields { name type { kind ofType { name } } } } }",
    ]

    @Test(arguments: queries)
    func sharedPlanAnswersAsAFreshExecution(_ query: String) async throws {
        let document = try Parser.parse(query)
        let fresh = await Self.executor.execute(document: document, operationName: nil, variables: nil, context: 0)
        let prepared = try Self.executor.prepare(document: document, operationName: nil)
        for _ in 0..<3 {
            let again = await Self.executor.execute(prepared: prepared, variables: nil, context: 0)
            #expect(again.json() == fresh.json())
            let serialized = await Self.executor.executeSerialized(prepared: prepared, variables: nil, context: 0)
            #expect(serialized.json() == JSON.serialize(fresh.json()))
            #expect(serialized.json(extensions: ["x": 1]) == JSON.serialize(fresh.json(extensions: ["x": 1])))
        }
    }

    /// Requests run on several threads at once: a shared plan is learnt by whichever comes first.
    @Test func concurrentExecutionsOfOnePlanAgree() async throws {
        let document = try Parser.parse("query A " + Self.queries[0] + " query B " + Self.queries[3])
        for name in ["A", "B"] {
            let expected = JSON.serialize(
                await Self.executor.execute(document: document, operationName: name, variables: nil, context: 0).json())
            let prepared = try Self.executor.prepare(document: document, operationName: name)
            let answers = await withTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<32 {
                    group.addTask { await Self.executor.executeSerialized(prepared: prepared, variables: nil, context: 0).json() }
                }
                return await group.reduce(into: [[UInt8]]()) { $0.append($1) }
            }
            #expect(answers.count == 32)
            #expect(answers.allSatisfy { $0 == expected })
        }
    }

    /// Variables may switch @include/@skip and change arguments: their plan is not shared.
    @Test func variablesAreReadByEveryExecution() async throws {
        let document = try Parser.parse(
            "query($on: Boolean!, $v: JSON) { int(v: $v) @include(if: $on) s: string(v: \"x\") @skip(if: $on) }")
        let prepared = try Self.executor.prepare(document: document, operationName: nil)
        let on = await Self.executor.execute(prepared: prepared, variables: ["on": true, "v": 5], context: 0)
        let off = await Self.executor.execute(prepared: prepared, variables: ["on": false, "v": 6], context: 0)
        let onAgain = await Self.executor.execute(prepared: prepared, variables: ["on": true, "v": 7], context: 0)
        #expect(on.json() == ["data": ["int": 5]])
        #expect(off.json() == ["data": ["s": "x"]])
        #expect(onAgain.json() == ["data": ["int": 7]])
        let missing = await Self.executor.execute(prepared: prepared, variables: nil, context: 0)
        #expect(missing.data == nil)
        #expect(
            missing.errors.map(\.message) == [
                "Variable '$on' has invalid value: Expected a value of non-null type 'Boolean!' to be provided."
            ])
    }

    /// Arguments are coerced by the first execution and reused by the next ones.
    @Test func coercedArgumentsAreReused() async throws {
        let document = try Parser.parse("{ pet(name: \"Rex\") { name } tree { leaf } }")
        let prepared = try Self.executor.prepare(document: document, operationName: nil)
        let first = await Self.executor.execute(prepared: prepared, variables: nil, context: 0)
        let second = await Self.executor.execute(prepared: prepared, variables: nil, context: 0)
        #expect(first.json() == second.json())
        #expect(first.json() == ["data": ["pet": ["name": "Rex"], "tree": ["leaf": 1]]])
    }

    @Test func operationSelectionErrorsComeFromPrepare() throws {
        let document = try Parser.parse("query A { int(v: 1) } query B { int(v: 2) }")
        #expect(throws: GraphQLError.self) { try Self.executor.prepare(document: document, operationName: nil) }
        #expect(throws: GraphQLError.self) { try Self.executor.prepare(document: document, operationName: "C") }
        #expect(try Self.executor.prepare(document: document, operationName: "B").operation.name?.value == "B")
    }
}
