/// A recursive-descent parser of GraphQL documents (spec §2 "Language" and §3 "Type System"),
/// one function per grammar production, after graphql-js `src/language/parser.ts`, with
/// graphql-core's error messages and locations.
public struct Parser: Sendable {
    var lexer: Lexer
    /// The token the parser looks at; consumed by `advance()`.
    var token: Token
    let options: ParseOptions
    private var tokenCount = 0
    /// How many selection sets, list/object values and list types enclose the current position.
    private var depth = 0

    /// Parses a whole document: requests and schema files alike.
    public static func parse(_ source: String, options: ParseOptions = .init()) throws(GraphQLError) -> Document {
        var parser = Parser(source, options: options)
        try parser.advance()
        return try parser.parseDocument()
    }

    init(_ source: String, options: ParseOptions) {
        lexer = Lexer(source)
        token = Token(kind: .startOfFile, start: 0, end: 0, location: SourceLocation(line: 0, column: 0), value: nil)
        self.options = options
    }

    /// Document : Definition+
    mutating func parseDocument() throws(GraphQLError) -> Document {
        var definitions: [Definition] = []
        repeat {
            definitions.append(try parseDefinition())
        } while token.kind != .endOfFile
        return Document(definitions: definitions)
    }

    /// Definition :
    ///   - ExecutableDefinition
    ///   - TypeSystemDefinitionOrExtension
    ///
    /// ExecutableDefinition :
    ///   - OperationDefinition
    ///   - FragmentDefinition
    ///
    /// Definitions other than the query shorthand start with a keyword, possibly after a
    /// description, so a description needs one token of lookahead.
    mutating func parseDefinition() throws(GraphQLError) -> Definition {
        if token.kind == .braceL {
            return .operation(try parseOperationDefinition())
        }
        let hasDescription = peekDescription()
        let keyword = hasDescription ? try lexer.lookahead() : token
        if hasDescription && keyword.kind == .braceL {
            throw syntaxError("Unexpected description, descriptions are not supported on shorthand queries.", at: token)
        }
        if keyword.kind == .name, let value = keyword.value {
            switch value {
            case "schema": return .typeSystem(.schema(try parseSchemaDefinition()))
            case "scalar", "type", "interface", "union", "enum", "input":
                return .typeSystem(.type(try parseTypeDefinition()))
            case "directive": return .typeSystem(.directive(try parseDirectiveDefinition()))
            case "query", "mutation", "subscription": return .operation(try parseOperationDefinition())
            case "fragment": return .fragment(try parseFragmentDefinition())
            default:
                if hasDescription {
                    throw syntaxError(
                        "Unexpected description, only GraphQL definitions support descriptions.", at: token)
                }
                if value == "extend" { return .typeSystem(try parseTypeSystemExtension()) }
            }
        }
        throw unexpected(keyword)
    }

    /// Name :: NameStart NameContinue* [lookahead != NameContinue]
    mutating func parseName() throws(GraphQLError) -> Name {
        let name = try expect(.name)
        return Name(name.value ?? "", at: name.location)
    }

    // MARK: Tokens

    /// Moves to the next token, enforcing `maxTokens`.
    mutating func advance() throws(GraphQLError) {
        token = try lexer.next()
        if token.kind != .endOfFile {
            tokenCount += 1
            if tokenCount > options.maxTokens {
                throw syntaxError(
                    "Document contains more than \(options.maxTokens) tokens. Parsing aborted.", at: token)
            }
        }
    }

    func peek(_ kind: TokenKind) -> Bool { token.kind == kind }

    /// Consumes a token of the given kind, or fails with graphql-core's "Expected X, found Y."
    @discardableResult
    mutating func expect(_ kind: TokenKind) throws(GraphQLError) -> Token {
        let current = token
        guard current.kind == kind else {
            throw syntaxError("Expected \(kind.errorDescription), found \(current.errorDescription).", at: current)
        }
        try advance()
        return current
    }

    /// Consumes a token of the given kind if it is next.
    mutating func expectOptional(_ kind: TokenKind) throws(GraphQLError) -> Bool {
        guard token.kind == kind else { return false }
        try advance()
        return true
    }

    /// Consumes the given keyword (a name), or fails with "Expected 'on', found Y."
    mutating func expectKeyword(_ keyword: String) throws(GraphQLError) {
        guard token.kind == .name, token.value == keyword else {
            throw syntaxError("Expected '\(keyword)', found \(token.errorDescription).", at: token)
        }
        try advance()
    }

    /// Consumes the given keyword if it is next.
    mutating func expectOptionalKeyword(_ keyword: String) throws(GraphQLError) -> Bool {
        guard token.kind == .name, token.value == keyword else { return false }
        try advance()
        return true
    }

    /// "Unexpected Y." at the given token, or at the current one.
    func unexpected(_ at: Token? = nil) -> GraphQLError {
        let offending = at ?? token
        return syntaxError("Unexpected \(offending.errorDescription).", at: offending)
    }

    func syntaxError(_ description: String, at token: Token) -> GraphQLError {
        GraphQLError("Syntax Error: \(description)", locations: [token.location])
    }

    // MARK: Nesting

    /// Enters one more level of nesting at the current token, which opens it; fails before the
    /// recursion goes deeper than `maxNestingDepth`.
    mutating func enterNesting() throws(GraphQLError) {
        depth += 1
        if depth > options.maxNestingDepth {
            throw syntaxError("Document nests deeper than \(options.maxNestingDepth) levels.", at: token)
        }
    }

    mutating func leaveNesting() {
        depth -= 1
    }
}

extension Lexer {
    /// The token after the one the parser is looking at, without moving on.
    func lookahead() throws(GraphQLError) -> Token {
        var copy = self
        return try copy.next()
    }
}
