import JSON
import Testing

@testable import GraphQL

/// The schema and resolvers the executor suites run against: every kind of type, arguments of
/// every input kind echoed back, values given by the query (`v:`) to test result coercion, and
/// a JSON tree to test null propagation.
enum ExecutorFixture {
    static let sdl = """
        scalar JSON
        enum Color { RED GREEN BLUE }
        interface Named { name: String! }
        interface Pet implements Named { name: String! legs: Int }
        type Dog implements Pet & Named { name: String! legs: Int barks: Boolean! }
        type Cat implements Pet & Named { name: String! legs: Int lives: Int! }
        union Animal = Dog | Cat
        input Filter { color: Color = RED, min: Int!, tags: [String!], inner: Filter }
        type Query {
          echo(i: Int, f: Float, s: String, b: Boolean, id: ID, c: Color, j: JSON, l: [Int], ll: [[Int]], cs: [Color!],
               filter: Filter, d: Int = 7, r: String! = "r"): JSON
          pets: [Pet!]!
          animals: [Animal]
          pet(name: String!): Pet
          value(v: JSON): JSON
          int(v: JSON): Int
          float(v: JSON): Float
          string(v: JSON): String
          boolean(v: JSON): Boolean
          id(v: JSON): ID
          color(v: JSON): Color
          ints(v: JSON): [Int]
          strictInts(v: JSON): [Int!]
          grid(v: JSON): [[Int!]]
          requiredInt(v: JSON): Int!
          animal(v: JSON): Animal
          fail(code: String): String
          boom: String
          tree: Tree
          requiredTree: Tree!
        }
        type Tree {
          leaf: Int
          requiredLeaf: Int!
          child: Tree
          requiredChild: Tree!
          children: [Tree!]
          fail: String
          requiredFail: String!
        }
        type Mutation { append(name: String!, delay: Int = 0): [String!]! }
        """

    static let schema: GraphQLSchema = {
        do { return try SchemaBuilder.build(sdl: sdl) } catch { fatalError("test schema: \(error)") }
    }()

    static let pets: JSONValue = [
        ["__typename": "Dog", "name": "Rex", "legs": 4, "barks": true],
        ["__typename": "Cat", "name": "Tom", "legs": 4, "lives": 9],
    ]

    static let tree: JSONValue = [
        "leaf": 1, "requiredLeaf": 2,
        "child": ["leaf": 3, "requiredLeaf": nil, "child": nil],
        "requiredChild": ["leaf": 4, "requiredLeaf": nil],
        "children": [["requiredLeaf": 5], ["requiredLeaf": nil], ["requiredLeaf": 6]],
    ]

    /// Records the order the mutation resolvers ran in (passed as the execution's context).
    actor CallLog {
        var names: [String] = []
        func append(_ name: String) -> [String] {
            names.append(name)
            return names
        }
    }

    struct Boom: Error {}

    static let resolvers: ResolverMap = {
        var map = ResolverMap()
        map["Query", "echo"] = { _, arguments, _ in
            .json(.object(JSONObject(arguments.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) })))
        }
        map["Query", "pets"] = { _, _, _ in .json(pets) }
        map["Query", "animals"] = { _, _, _ in .json([pets[0]!, nil, pets[1]!]) }
        map["Query", "pet"] = { _, arguments, _ in
            guard case .array(let all) = pets else { return .null }
            return all.first { $0["name"] == arguments["name"] }.map(ResolvedValue.json) ?? .null
        }
        let echoV: FieldResolver = { _, arguments, _ in .json(arguments["v"] ?? .null) }
        for field in [
            "value", "int", "float", "string", "boolean", "id", "color", "ints", "strictInts", "grid", "requiredInt", "animal",
        ] {
            map["Query", field] = echoV
        }
        map["Query", "fail"] = { _, arguments, _ in
            throw FieldError(
                "Failed: \(arguments["code"]?.stringValue ?? "-")", code: arguments["code"]?.stringValue ?? "bad",
                details: ["retry": true])
        }
        map["Query", "boom"] = { _, _, _ in throw Boom() }
        map["Query", "tree"] = { _, _, _ in .json(tree) }
        map["Query", "requiredTree"] = { _, _, _ in .json(tree) }
        map["Tree", "fail"] = { _, _, _ in throw FieldError("Tree failed", code: "tree") }
        map["Tree", "requiredFail"] = { _, _, _ in throw FieldError("Tree failed hard", code: "tree") }
        map["Mutation", "append"] = { _, arguments, info in
            let delay = arguments["delay"]?.intValue ?? 0
            if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000) } else { await Task.yield() }
            guard let log = info.context as? CallLog, let name = arguments["name"]?.stringValue else { return .null }
            return .json(.array(await log.append(name).map(JSONValue.string)))
        }
        return map
    }()

    static func run(_ query: String, variables: JSONObject? = nil, operationName: String? = nil, context: any Sendable = 0)
        async throws -> JSONValue
    {
        let document = try Parser.parse(query)
        let result = await Executor(schema: schema, resolvers: resolvers)
            .execute(document: document, operationName: operationName, variables: variables, context: context)
        return result.json()
    }

    /// Runs a table row: variables and the expected response are JSON text.
    static func check(_ query: String, variables: String? = nil, expect expected: String) async throws {
        let variableObject = try variables.map { text throws -> JSONObject in
            guard case .object(let object) = try JSON.parse(text) else { throw Boom() }
            return object
        }
        let response = try await run(query, variables: variableObject)
        let wanted = try JSON.parse(expected)
        #expect(response == wanted, "\(query)\n  got:      \(response)\n  expected: \(wanted)")
    }
}

/// Selection: fragments, aliases, directives, merging, `__typename`, abstract types.
@Suite("Executor: selection sets")
struct ExecutorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var query: String
        var variables: String? = nil
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "aliases", query: "{ a: int(v: 1) b: int(v: 2) c: value(v: \"x\") }",
            expected: #"{"data":{"a":1,"b":2,"c":"x"}}"#),
        Case(
            name: "response keys in selection order, merged keys at first position",
            query: "{ pets { name } int(v: 1) pets { legs name } }",
            expected: #"{"data":{"pets":[{"name":"Rex","legs":4},{"name":"Tom","legs":4}],"int":1}}"#),
        Case(
            name: "named fragment on an interface, inline fragments on objects",
            query: "{ pets { ...P ... on Dog { barks } ... on Cat { lives } } } fragment P on Pet { name }",
            expected: #"{"data":{"pets":[{"name":"Rex","barks":true},{"name":"Tom","lives":9}]}}"#),
        Case(
            name: "union with __typename and a fragment on an interface",
            query: "{ animals { __typename ... on Named { name } ... on Dog { legs } } }",
            expected: #"{"data":{"animals":[{"__typename":"Dog","name":"Rex","legs":4},null,{"__typename":"Cat","name":"Tom"}]}}"#
        ),
        Case(
            name: "inline fragment without a type condition, nested fragments",
            query:
                "{ ... { pet(name: \"Tom\") { ...A } } } fragment A on Pet { ... on Cat { ...B } } fragment B on Named { name }",
            expected: #"{"data":{"pet":{"name":"Tom"}}}"#),
        Case(
            name: "__typename on the root and on objects",
            query: "{ __typename pet(name: \"Rex\") { __typename t: __typename } }",
            expected: #"{"data":{"__typename":"Query","pet":{"__typename":"Dog","t":"Dog"}}}"#),
        Case(
            name: "@skip and @include with literals",
            query:
                "{ a: int(v: 1) @skip(if: true) b: int(v: 2) @skip(if: false) c: int(v: 3) @include(if: false) d: int(v: 4) @include(if: true) }",
            expected: #"{"data":{"b":2,"d":4}}"#),
        Case(
            name: "@skip and @include with variables, on fragments too",
            query:
                "query($yes: Boolean!, $no: Boolean!) { a: int(v: 1) @include(if: $no) ... @include(if: $yes) { b: int(v: 2) } ...F @skip(if: $yes) } fragment F on Query { c: int(v: 3) }",
            variables: #"{"yes": true, "no": false}"#,
            expected: #"{"data":{"b":2}}"#),
        Case(
            name: "both @skip and @include must allow the field",
            query: "{ a: int(v: 1) @skip(if: false) @include(if: false) b: int(v: 2) @skip(if: false) @include(if: true) }",
            expected: #"{"data":{"b":2}}"#),
        Case(
            name: "a field skipped in one place and selected in another",
            query: "{ pet(name: \"Rex\") { name @skip(if: true) ... on Dog { name } } }",
            expected: #"{"data":{"pet":{"name":"Rex"}}}"#),
        Case(
            name: "fragment on a type the object is not",
            query: "{ pet(name: \"Rex\") { ... on Cat { lives } name } }",
            expected: #"{"data":{"pet":{"name":"Rex"}}}"#),
        Case(
            name: "default resolver reads JSON members; a missing member is null",
            query: "{ tree { leaf child { leaf child { leaf } } children { leaf } } }",
            expected:
                #"{"data":{"tree":{"leaf":1,"child":{"leaf":3,"child":null},"children":[{"leaf":null},{"leaf":null},{"leaf":null}]}}}"#
        ),
        Case(
            name: "nested lists",
            query: "{ grid(v: [[1, 2], [], [3]]) }",
            expected: #"{"data":{"grid":[[1,2],[],[3]]}}"#),
        Case(
            name: "introspection meta-fields on the query root",
            query:
                "{ __type(name: \"Dog\") { name kind interfaces { name } } __schema { queryType { name } mutationType { name } } }",
            expected:
                #"{"data":{"__type":{"name":"Dog","kind":"OBJECT","interfaces":[{"name":"Pet"},{"name":"Named"}]},"__schema":{"queryType":{"name":"Query"},"mutationType":{"name":"Mutation"}}}}"#
        ),
        Case(
            name: "__type of an unknown name is null",
            query: "{ __type(name: \"Nope\") { name } }",
            expected: #"{"data":{"__type":null}}"#),
        Case(
            name: "wrapped types and enum values by introspection",
            query:
                "{ __type(name: \"Color\") { enumValues { name } } q: __type(name: \"Query\") { fields { name type { kind ofType { kind ofType { name } } } } } }",
            expected: """
                {"data":{"__type":{"enumValues":[{"name":"RED"},{"name":"GREEN"},{"name":"BLUE"}]},
                "q":{"fields":[
                {"name":"echo","type":{"kind":"SCALAR","ofType":null}},
                {"name":"pets","type":{"kind":"NON_NULL","ofType":{"kind":"LIST","ofType":{"name":null}}}},
                {"name":"animals","type":{"kind":"LIST","ofType":{"kind":"UNION","ofType":null}}},
                {"name":"pet","type":{"kind":"INTERFACE","ofType":null}},
                {"name":"value","type":{"kind":"SCALAR","ofType":null}},
                {"name":"int","type":{"kind":"SCALAR","ofType":null}},
                {"name":"float","type":{"kind":"SCALAR","ofType":null}},
                {"name":"string","type":{"kind":"SCALAR","ofType":null}},
                {"name":"boolean","type":{"kind":"SCALAR","ofType":null}},
                {"name":"id","type":{"kind":"SCALAR","ofType":null}},
                {"name":"color","type":{"kind":"ENUM","ofType":null}},
                {"name":"ints","type":{"kind":"LIST","ofType":{"kind":"SCALAR","ofType":null}}},
                {"name":"strictInts","type":{"kind":"LIST","ofType":{"kind":"NON_NULL","ofType":{"name":"Int"}}}},
                {"name":"grid","type":{"kind":"LIST","ofType":{"kind":"LIST","ofType":{"name":null}}}},
                {"name":"requiredInt","type":{"kind":"NON_NULL","ofType":{"kind":"SCALAR","ofType":null}}},
                {"name":"animal","type":{"kind":"UNION","ofType":null}},
                {"name":"fail","type":{"kind":"SCALAR","ofType":null}},
                {"name":"boom","type":{"kind":"SCALAR","ofType":null}},
                {"name":"tree","type":{"kind":"OBJECT","ofType":null}},
                {"name":"requiredTree","type":{"kind":"NON_NULL","ofType":{"kind":"OBJECT","ofType":null}}}]}}}
                """),
    ]

    @Test(arguments: cases)
    func selection(_ row: Case) async throws {
        try await ExecutorFixture.check(row.query, variables: row.variables, expect: row.expected)
    }
}
