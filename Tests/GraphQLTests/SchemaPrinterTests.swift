import JSON
import Testing

@testable import GraphQL

@Suite("SchemaPrinter")
struct SchemaPrinterTests {
    @Test func gatewaySchemaPrintsLikeGraphQLCore() throws {
        let sdl = try PythonOracle.gatewaySDL()
        let expected = try #require(try PythonOracle.schemas([sdl])[0]["printed"]?.stringValue)
        let printed = SchemaPrinter.print(try SchemaBuilder.build(sdl: sdl))
        #expect(printed == expected)
        if printed != expected { firstDifference(printed, expected) }
    }

    @Test(arguments: SampleSchemas.all.indices)
    func samplePrintsLikeGraphQLCore(index: Int) throws {
        let sdl = SampleSchemas.all[index]
        let expected = try #require(try PythonOracle.schemas([sdl])[0]["printed"]?.stringValue)
        let printed = SchemaPrinter.print(try SchemaBuilder.build(sdl: sdl))
        #expect(printed == expected)
        if printed != expected { firstDifference(printed, expected) }
    }

    /// Printing is a fixed point: the printed SDL builds the same schema and prints the same.
    @Test(arguments: SampleSchemas.all.indices)
    func printedSchemaRebuildsIdentically(index: Int) throws {
        let printed = SchemaPrinter.print(try SchemaBuilder.build(sdl: SampleSchemas.all[index]))
        let rebuilt = try SchemaBuilder.build(sdl: printed)
        #expect(SchemaPrinter.print(rebuilt) == printed)
    }

    @Test func introspectionTypesPrintLikeGraphQLCore() throws {
        let schema = try SchemaBuilder.build(sdl: "type Query { a: Int }")
        let printed = SchemaPrinter.printIntrospectionSchema(schema)
        // graphql-core's @deprecated also allows DIRECTIVE_DEFINITION, which DirectiveLocation lacks.
        #expect(printed.contains("type __Schema {\n  description: String\n\n  \"\"\"A list of all types supported by this server.\"\"\""))
        #expect(printed.contains("  directives(includeDeprecated: Boolean! = false): [__Directive!]!\n}"))
        #expect(printed.contains("enum __DirectiveLocation {\n  \"\"\"Location adjacent to a query operation.\"\"\"\n  QUERY"))
    }

    @Test(arguments: [
        ("[1, 2, 3]", "[1, 2, 3]"),
        ("{a: 1, b: {c: \"x\\ny\"}}", "{ a: 1, b: { c: \"x\\ny\" } }"),
        ("{}", "{  }"),
        ("[]", "[]"),
        ("\"\"\"blo\"ck\"\"\"", "\"\"\"blo\"ck\"\"\""),
        ("\"a\\u00e9\\u0001\"", "\"aé\\u0001\""),
    ])
    func literalsPrintLikeGraphQLCore(source: String, expected: String) throws {
        let document = try Parser.parse("{ f(a: \(source)) }")
        guard case .operation(let operation) = document.definitions[0], case .field(let field) = operation.selectionSet.selections[0]
        else { throw PythonOracle.OracleError("no field") }
        #expect(Printer.print(field.arguments[0].value) == expected)
    }

    @Test func longListsWrapOneItemPerLine() throws {
        let items = (0..<40).map { String($0 * 1000) }
        let document = try Parser.parse("{ f(a: [\(items.joined(separator: ","))]) }")
        guard case .operation(let operation) = document.definitions[0], case .field(let field) = operation.selectionSet.selections[0]
        else { throw PythonOracle.OracleError("no field") }
        #expect(Printer.print(field.arguments[0].value) == "[\n" + items.map { "  " + $0 }.joined(separator: "\n") + "\n]")
    }

    private func firstDifference(_ ours: String, _ theirs: String) {
        let a = ours.split(separator: "\n", omittingEmptySubsequences: false)
        let b = theirs.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : nil) != (i < b.count ? b[i] : nil) {
            Issue.record("line \(i + 1): ours \(i < a.count ? String(a[i]) : "<none>") | graphql-core \(i < b.count ? String(b[i]) : "<none>")")
            return
        }
    }
}
