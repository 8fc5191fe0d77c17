extension Lexer {
    /// Reads an IntValue or a FloatValue (spec §2.9.1, §2.9.2), with graphql-core's messages.
    ///
    ///     IntValue :: IntegerPart [lookahead != {Digit, `.`, NameStart}]
    ///     IntegerPart :: NegativeSign? 0 | NegativeSign? NonZeroDigit Digit*
    ///     FloatValue ::
    ///       - IntegerPart FractionalPart ExponentPart [lookahead != {Digit, `.`, NameStart}]
    ///       - IntegerPart FractionalPart [lookahead != {Digit, `.`, NameStart}]
    ///       - IntegerPart ExponentPart [lookahead != {Digit, `.`, NameStart}]
    ///     FractionalPart :: `.` Digit+
    ///     ExponentPart :: ExponentIndicator Sign? Digit+
    mutating func readNumber(from start: Int) throws(GraphQLError) -> Token {
        var offset = start
        var char = byte(at: offset)
        var isFloat = false

        if char == 0x2D {  // -
            offset += 1
            char = byte(at: offset)
        }
        if char == 0x30 {  // 0
            offset += 1
            char = byte(at: offset)
            if Lexer.isDigit(char) {
                throw syntaxError(
                    "Invalid number, unexpected digit after 0: \(describeCharacter(at: offset)).", at: offset)
            }
        } else {
            offset = try endOfDigits(from: offset)
            char = byte(at: offset)
        }
        if char == 0x2E {  // .
            isFloat = true
            offset = try endOfDigits(from: offset + 1)
            char = byte(at: offset)
        }
        if char == 0x45 || char == 0x65 {  // E e
            isFloat = true
            offset += 1
            char = byte(at: offset)
            if char == 0x2B || char == 0x2D {  // + -
                offset += 1
            }
            offset = try endOfDigits(from: offset)
            char = byte(at: offset)
        }
        if char == 0x2E || Lexer.isNameStart(char) {
            throw syntaxError("Invalid number, expected digit but got: \(describeCharacter(at: offset)).", at: offset)
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        return makeToken(isFloat ? .float : .int, start: start, end: offset, value: text)
    }

    /// Digit+ — at least one digit, or graphql-core's "expected digit" error.
    private func endOfDigits(from start: Int) throws(GraphQLError) -> Int {
        guard Lexer.isDigit(byte(at: start)) else {
            throw syntaxError("Invalid number, expected digit but got: \(describeCharacter(at: start)).", at: start)
        }
        var offset = start + 1
        while Lexer.isDigit(byte(at: offset)) { offset += 1 }
        return offset
    }
}
