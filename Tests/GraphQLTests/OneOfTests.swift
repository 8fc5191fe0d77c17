import JSON
import Testing

@testable import GraphQL

/// `@oneOf` input objects (spec §3.10.1, graphql-core 3.3): built from SDL, printed back, checked
/// by validation and by variable coercion, with graphql-core's messages.
@Suite("@oneOf input objects")
struct OneOfTests {
    static let sdl = """
        input Pick @oneOf { id: ID name: String }
        type Query { find(by: Pick): String }
        """
    static let message =
        "Within OneOf Input Object type 'Pick', exactly one field must be specified, and the value for that field must be non-null."

    @Test("the builder records @oneOf and the printer writes it back")
    func builtAndPrinted() throws {
        let schema = try SchemaBuilder.build(sdl: Self.sdl)
        #expect(schema.type(named: "Pick")?.isOneOf == true)
        #expect(SchemaPrinter.print(schema).contains("input Pick @oneOf {\n  id: ID\n  name: String\n}"))
    }

    @Test("a oneOf field may be neither non-null nor defaulted", arguments: [
        ("input P @oneOf { a: ID! b: ID } type Query { f(p: P): ID }", "OneOf input field P.a must be nullable."),
        ("input P @oneOf { a: ID = 1 b: ID } type Query { f(p: P): ID }", "OneOf input field P.a cannot have a default value."),
    ])
    func badSDL(_ sdl: String, _ message: String) {
        #expect(throws: GraphQLError.self) { try SchemaBuilder.build(sdl: sdl) }
        do {
            _ = try SchemaBuilder.build(sdl: sdl)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test("literals give exactly one non-null field", arguments: [
        (#"{ find(by: {id: "1"}) }"#, nil),
        (#"{ find(by: {id: "1", name: "x"}) }"#, message),
        ("{ find(by: {}) }", message),
        ("{ find(by: {id: null}) }", message),
        ("query($v: ID) { find(by: {id: $v}) }", "Variable '$v' is of type 'ID' but must be non-nullable to be used for OneOf Input Object 'Pick'."),
        ("query($v: ID!) { find(by: {id: $v}) }", nil),
    ] as [(String, String?)])
    func validation(_ query: String, _ message: String?) throws {
        let schema = try SchemaBuilder.build(sdl: Self.sdl)
        let errors = Validator.validate(try Parser.parse(query), schema: schema)
        #expect(errors.map(\.message) == (message.map { [$0] } ?? []))
    }

    @Test("variables are coerced with the same rule", arguments: [
        (["id": "7"], nil),
        (["id": "1", "name": "x"], "Variable '$p' has invalid value: \(message)"),
        (["id": nil], "Variable '$p' has invalid value at .id: \(message)"),
    ] as [(JSONObject, String?)])
    func variables(_ value: JSONObject, _ message: String?) async throws {
        let schema = try SchemaBuilder.build(sdl: Self.sdl)
        var resolvers = ResolverMap()
        resolvers["Query", "find"] = { _, args, _ in .json(.string(args["by"]?["id"]?.stringValue ?? "?")) }
        let result = await Executor(schema: schema, resolvers: resolvers).execute(
            document: try Parser.parse("query($p: Pick) { find(by: $p) }"), operationName: nil,
            variables: ["p": .object(value)], context: 0)
        if let message {
            #expect(result.data == nil)
            #expect(result.errors.map(\.message) == [message])
        } else {
            #expect(result.errors.isEmpty)
            #expect(result.data == ["find": "7"])
        }
    }
}
