/// The lexical tokens of GraphQL (spec §2.1.6 "Lexical Tokens"); ignored tokens (whitespace,
/// line terminators, commas, comments, the byte order mark) never reach the parser.
enum TokenKind: UInt8, Sendable {
    case startOfFile
    case endOfFile
    case bang
    case dollar
    case amp
    case parenL
    case parenR
    case spread
    case colon
    case equals
    case at
    case bracketL
    case bracketR
    case braceL
    case pipe
    case braceR
    case name
    case int
    case float
    case string
    case blockString

    /// The kind as graphql-core names it in error messages: punctuators quoted, `Name`, `<EOF>`.
    var errorDescription: String {
        switch self {
        case .startOfFile: "<SOF>"
        case .endOfFile: "<EOF>"
        case .bang: "'!'"
        case .dollar: "'$'"
        case .amp: "'&'"
        case .parenL: "'('"
        case .parenR: "')'"
        case .spread: "'...'"
        case .colon: "':'"
        case .equals: "'='"
        case .at: "'@'"
        case .bracketL: "'['"
        case .bracketR: "']'"
        case .braceL: "'{'"
        case .pipe: "'|'"
        case .braceR: "'}'"
        case .name: "Name"
        case .int: "Int"
        case .float: "Float"
        case .string: "String"
        case .blockString: "BlockString"
        }
    }
}

/// One token: its kind, where it is (byte offsets into the UTF-8 source, and the 1-based line and
/// column graphql-core reports), and for names, numbers and strings its value.
struct Token: Sendable {
    var kind: TokenKind
    /// Byte offset of the first byte.
    var start: Int
    /// Byte offset just past the last byte.
    var end: Int
    var location: SourceLocation
    /// The name, the number's text, or the string's value after escapes and dedent.
    var value: String?

    /// `Name 'x'`, `'}'`, `<EOF>`: graphql-core's `get_token_desc`.
    var errorDescription: String {
        if let value { return "\(kind.errorDescription) '\(value)'" }
        return kind.errorDescription
    }
}
