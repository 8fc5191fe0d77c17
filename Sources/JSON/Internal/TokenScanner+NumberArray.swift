extension TokenScanner {
    /// Reads a whole array of numbers at a value position without producing tokens or text: the
    /// hot path for embedding vectors. `convert` turns a scanned number into an element, or nil
    /// when it does not fit the element type.
    mutating func numberArray<Element>(
        maxCount: Int, expectedCount: Int = 0, in input: Input, convert: (ScannedNumber, Input) -> Element?
    ) throws(JSONError) -> [Element] {
        let open = try valuePosition(in: input)
        guard open < input.count else { throw input.error(Message.unexpectedEnd, at: open) }
        guard input.bytes[open] == UInt8(ascii: "[") else {
            throw input.error(Message.expectedNumberArray, at: open)
        }
        guard containers.count < input.limits.maxDepth else {
            throw input.error(Message.tooDeep(input.limits.maxDepth), at: open)
        }
        var elements: [Element] = []
        var index = input.skipWhitespace(from: open + 1)
        if index < input.count, input.bytes[index] == UInt8(ascii: "]") {
            finishValue(at: index + 1)
            return elements
        }
        elements.reserveCapacity(max(0, min(maxCount, max(expectedCount, 64))))
        while true {
            guard index < input.count else { throw input.error(Message.unexpectedEnd, at: index) }
            let byte = input.bytes[index]
            guard byte == UInt8(ascii: "-") || Input.isDigit(byte) else {
                let message = byte == UInt8(ascii: "]") ? Message.trailingComma : Message.expectedNumber
                throw input.error(message, at: index)
            }
            guard elements.count < maxCount else {
                throw input.error(Message.tooManyElements(maxCount), at: index)
            }
            let number = try input.scanNumber(at: index, maxLength: input.limits.maxNumberLength)
            guard let element = convert(number, input) else {
                throw input.error(Message.numberOutOfRange, at: index)
            }
            elements.append(element)
            index = input.skipWhitespace(from: number.end)
            guard index < input.count else { throw input.error(Message.unexpectedEnd, at: index) }
            switch input.bytes[index] {
            case UInt8(ascii: ","):
                index = input.skipWhitespace(from: index + 1)
            case UInt8(ascii: "]"):
                finishValue(at: index + 1)
                return elements
            default:
                throw input.error(Message.expectedCommaOrBracket, at: index)
            }
        }
    }

    /// The index where the next value starts, for readers that take a whole value at once.
    /// Anywhere else (before a key, after the end) there is no value to take.
    private mutating func valuePosition(in input: Input) throws(JSONError) -> Int {
        switch expectation {
        case .topValue:
            return try documentStart(in: input)
        case .memberValue, .firstElementOrEnd:
            return input.skipWhitespace(from: position)
        case .nextElement:
            let index = input.skipWhitespace(from: position)
            if index < input.count, input.bytes[index] == UInt8(ascii: "]") {
                throw input.error(Message.trailingComma, at: index)
            }
            return index
        case .commaOrEnd:
            try separator(in: input)
            return try valuePosition(in: input)
        case .firstKeyOrEnd, .nextKey:
            let index = input.skipWhitespace(from: position)
            throw input.error(index < input.count ? Message.expectedKey : Message.unexpectedEnd, at: index)
        case .endOfInput, .finished:
            let index = input.skipWhitespace(from: position)
            throw input.error(index < input.count ? Message.trailingData : Message.unexpectedEnd, at: index)
        }
    }
}
