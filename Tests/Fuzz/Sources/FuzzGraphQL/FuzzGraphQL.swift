#if canImport(Glibc)
import Glibc
#endif
import GraphQL

// The GraphQL lexer, parser, schema builder and validator. The input is a document's text.
// Invariants (a violation traps):
// - nothing crashes, however malformed the text or deep the nesting;
// - an executable document that parses prints (below: a canonical printer over the public AST,
//   values through the library's own `Printer`) to text that parses again and prints the same;
// - a type-system document that builds a schema prints (SchemaPrinter) to SDL that builds again
//   and prints the same;
// - validation against Schema/gateway.graphql, and against the document's own schema when it
//   builds one, returns (errors or none) without crashing.

/// Schema/gateway.graphql, found from this file's path (or PATTERN_GATEWAY_SCHEMA).
private let gatewaySchema: GraphQLSchema = {
    var path = "\(#filePath)"
    for _ in 0..<5 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
    path += "/Schema/gateway.graphql"
    if let override = getenv("PATTERN_GATEWAY_SCHEMA") { path = String(cString: override) }
    guard let sdl = readFile(path) else { fatalError("cannot read \(path)") }
    do { return try SchemaBuilder.build(sdl: sdl) } catch { fatalError("gateway schema: \(error)") }
}()

private func readFile(_ path: String) -> String? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

// MARK: a canonical printer for executable definitions

private func printName(_ n: Name?) -> String { n.map { " \($0.value)" } ?? "" }

private func printArguments(_ arguments: [Argument]) -> String {
    arguments.isEmpty ? "" : "(" + arguments.map { "\($0.name.value): \(Printer.print($0.value))" }.joined(separator: ", ") + ")"
}

private func printDirectives(_ directives: [Directive]) -> String {
    directives.map { " @\($0.name.value)\(printArguments($0.arguments))" }.joined()
}

private func printSelectionSet(_ set: SelectionSet) -> String {
    "{ " + set.selections.map(printSelection).joined(separator: " ") + " }"
}

private func printSelection(_ selection: Selection) -> String {
    switch selection {
    case .field(let f):
        let alias = f.alias.map { "\($0.value): " } ?? ""
        let sub = f.selectionSet.map { " " + printSelectionSet($0) } ?? ""
        return alias + f.name.value + printArguments(f.arguments) + printDirectives(f.directives) + sub
    case .fragmentSpread(let s):
        return "..." + s.name.value + printDirectives(s.directives)
    case .inlineFragment(let i):
        let condition = i.typeCondition.map { " on \($0.value)" } ?? ""
        return "..." + condition + printDirectives(i.directives) + " " + printSelectionSet(i.selectionSet)
    }
}

/// nil when the document has type-system definitions (those are checked through the schema).
private func printExecutable(_ document: Document) -> String? {
    var out: [String] = []
    for definition in document.definitions {
        switch definition {
        case .operation(let op):
            let variables = op.variableDefinitions.isEmpty ? "" : "(" + op.variableDefinitions.map { v in
                "$\(v.variable.value): \(Printer.print(v.type))" + (v.defaultValue.map { " = \(Printer.print($0))" } ?? "")
                    + printDirectives(v.directives)
            }.joined(separator: ", ") + ")"
            out.append(op.operation.rawValue + printName(op.name) + variables + printDirectives(op.directives) + " "
                       + printSelectionSet(op.selectionSet))
        case .fragment(let f):
            out.append("fragment \(f.name.value) on \(f.typeCondition.value)" + printDirectives(f.directives) + " "
                       + printSelectionSet(f.selectionSet))
        case .typeSystem:
            return nil
        }
    }
    return out.joined(separator: "\n")
}

private let reparseOptions = ParseOptions(maxTokens: 1 << 22, maxNestingDepth: 1 << 12)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let document: Document
    do { document = try Parser.parse(source) } catch { return 0 }

    _ = Validator.validate(document, schema: gatewaySchema)
    _ = Validator.validate(document, schema: gatewaySchema, limits: QueryLimits(maxDepth: 3, maxAliases: 2, maxCost: 10))

    if let printed = printExecutable(document) {
        let again: Document
        do { again = try Parser.parse(printed, options: reparseOptions) } catch {
            fatalError("printed document does not parse: \(error)\n--- source\n\(source)\n--- printed\n\(printed)")
        }
        let reprinted = printExecutable(again)
        precondition(reprinted == printed, "print is not stable:\n--- printed\n\(printed)\n--- reprinted\n\(reprinted ?? "nil")")
    }

    if let schema = try? SchemaBuilder.build(document) {
        let sdl = SchemaPrinter.print(schema)
        let rebuilt: GraphQLSchema
        do { rebuilt = try SchemaBuilder.build(sdl: sdl) } catch {
            fatalError("printed schema does not build: \(error)\n--- source\n\(source)\n--- printed\n\(sdl)")
        }
        let resdl = SchemaPrinter.print(rebuilt)
        precondition(resdl == sdl, "schema print is not stable:\n--- printed\n\(sdl)\n--- reprinted\n\(resdl)")
        _ = Validator.validate(document, schema: schema)
    }
    return 0
}
