/// The JSON grammar as a state machine that hands out one token per call. `JSONReader` and
/// `JSON.parse` both run on it, so they accept exactly the same documents with the same errors.
/// It holds no pointer: each call is given the `Input`, so a reader can be stored and resumed.
struct TokenScanner: Sendable {
    enum Container: Sendable { case array, object }

    /// What the grammar allows next; the names say which token was read last.
    enum Expectation: Sendable {
        case topValue  // nothing read yet
        case memberValue  // after `"key":`
        case firstElementOrEnd  // after `[`
        case nextElement  // after `,` in an array
        case firstKeyOrEnd  // after `{`
        case nextKey  // after `,` in an object
        case commaOrEnd  // after a value inside a container
        case endOfInput  // after the top-level value
        case finished  // `.end` was returned
    }

    /// Index of the next unread byte.
    private(set) var position = 0
    private(set) var containers: [Container] = []
    private(set) var expectation = Expectation.topValue
    private var keys = DuplicateKeyGuard()

    mutating func next(in input: Input) throws(JSONError) -> JSONReader.Token {
        switch expectation {
        case .topValue:
            return try value(at: try documentStart(in: input), in: input)
        case .memberValue:
            return try value(at: input.skipWhitespace(from: position), in: input)
        case .firstElementOrEnd:
            let index = input.skipWhitespace(from: position)
            if index < input.count, input.bytes[index] == UInt8(ascii: "]") {
                return close(at: index)
            }
            return try value(at: index, in: input)
        case .nextElement:
            let index = input.skipWhitespace(from: position)
            if index < input.count, input.bytes[index] == UInt8(ascii: "]") {
                throw input.error(Message.trailingComma, at: index)
            }
            return try value(at: index, in: input)
        case .firstKeyOrEnd:
            let index = input.skipWhitespace(from: position)
            if index < input.count, input.bytes[index] == UInt8(ascii: "}") {
                return close(at: index)
            }
            return try key(at: index, in: input)
        case .nextKey:
            let index = input.skipWhitespace(from: position)
            if index < input.count, input.bytes[index] == UInt8(ascii: "}") {
                throw input.error(Message.trailingComma, at: index)
            }
            return try key(at: index, in: input)
        case .commaOrEnd:
            try separator(in: input)
            return try next(in: input)
        case .endOfInput:
            let index = input.skipWhitespace(from: position)
            guard index == input.count else { throw input.error(Message.trailingData, at: index) }
            position = index
            expectation = .finished
            return .end
        case .finished:
            return .end
        }
    }

    /// Checks that apply once, before the first byte is read.
    func documentStart(in input: Input) throws(JSONError) -> Int {
        if input.count > input.limits.maxBytes {
            throw input.error(Message.documentTooLarge(input.limits.maxBytes), at: input.limits.maxBytes)
        }
        if input.count >= 3, input.bytes[0] == 0xEF, input.bytes[1] == 0xBB, input.bytes[2] == 0xBF {
            throw input.error(Message.byteOrderMark, at: 0)
        }
        return input.skipWhitespace(from: 0)
    }

    /// After a value inside a container: consumes a `,` (setting up the next element or key) or
    /// the closing bracket.
    mutating func separator(in input: Input) throws(JSONError) {
        let index = input.skipWhitespace(from: position)
        guard index < input.count else { throw input.error(Message.unexpectedEnd, at: index) }
        let byte = input.bytes[index]
        let inArray = containers.last == .array
        if byte == UInt8(ascii: ",") {
            position = index + 1
            expectation = inArray ? .nextElement : .nextKey
        } else if byte == (inArray ? UInt8(ascii: "]") : UInt8(ascii: "}")) {
            // Leave the closing byte for `next`, which returns it as a token.
            position = index
            expectation = inArray ? .firstElementOrEnd : .firstKeyOrEnd
        } else {
            throw input.error(inArray ? Message.expectedCommaOrBracket : Message.expectedCommaOrBrace, at: index)
        }
    }

    private mutating func value(at index: Int, in input: Input) throws(JSONError) -> JSONReader.Token {
        guard index < input.count else { throw input.error(Message.unexpectedEnd, at: index) }
        switch input.bytes[index] {
        case UInt8(ascii: "{"):
            try open(.object, at: index, in: input)
            keys.enterObject()
            expectation = .firstKeyOrEnd
            return .beginObject
        case UInt8(ascii: "["):
            try open(.array, at: index, in: input)
            expectation = .firstElementOrEnd
            return .beginArray
        case UInt8(ascii: "\""):
            let (string, end) = try input.scanString(quoteAt: index)
            finishValue(at: end)
            return .string(string)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try input.scanNumber(at: index, maxLength: input.limits.maxNumberLength)
            finishValue(at: number.end)
            return .number(JSONNumber(validatedText: number.text(in: input)))
        case UInt8(ascii: "t"):
            finishValue(at: try input.scanLiteral("true", at: index))
            return .bool(true)
        case UInt8(ascii: "f"):
            finishValue(at: try input.scanLiteral("false", at: index))
            return .bool(false)
        case UInt8(ascii: "n"):
            finishValue(at: try input.scanLiteral("null", at: index))
            return .null
        default:
            throw input.error(Message.expectedValue, at: index)
        }
    }

    private mutating func key(at index: Int, in input: Input) throws(JSONError) -> JSONReader.Token {
        guard index < input.count else { throw input.error(Message.unexpectedEnd, at: index) }
        guard input.bytes[index] == UInt8(ascii: "\"") else { throw input.error(Message.expectedKey, at: index) }
        let (key, end) = try input.scanString(quoteAt: index)
        guard keys.insert(key) else { throw input.error(Message.duplicateKey(key), at: index) }
        let colon = input.skipWhitespace(from: end)
        guard colon < input.count else { throw input.error(Message.unexpectedEnd, at: colon) }
        guard input.bytes[colon] == UInt8(ascii: ":") else { throw input.error(Message.expectedColon, at: colon) }
        position = colon + 1
        expectation = .memberValue
        return .key(key)
    }

    private mutating func open(_ container: Container, at index: Int, in input: Input) throws(JSONError) {
        guard containers.count < input.limits.maxDepth else {
            throw input.error(Message.tooDeep(input.limits.maxDepth), at: index)
        }
        containers.append(container)
        position = index + 1
    }

    /// Consumes the closing bracket at `index`, which the caller has matched to the innermost
    /// container.
    private mutating func close(at index: Int) -> JSONReader.Token {
        let container = containers.removeLast()
        if container == .object { keys.leaveObject() }
        finishValue(at: index + 1)
        return container == .object ? .endObject : .endArray
    }

    /// A value ended just before `end`: what may follow depends on where it sat.
    mutating func finishValue(at end: Int) {
        position = end
        expectation = containers.isEmpty ? .endOfInput : .commaOrEnd
    }
}
