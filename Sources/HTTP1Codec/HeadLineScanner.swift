/// Finds the lines of a header (or trailer) section as they arrive and checks field lines in
/// the same pass that looks for their end. When a line arrives in pieces it resumes where it
/// stopped, so every byte is examined once however the section is split.
struct HeadLineScanner {
    /// A field line's parts, and the index just past its line ending.
    enum FieldLine {
        case field(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>, next: Int)
        /// The empty line that closes the section.
        case sectionEnd(next: Int)
    }

    /// Offset of the first byte of the current line not yet examined.
    private var scanned = 0
    /// Bytes of the section's complete lines so far, counted against the limit.
    private var sectionBytes = 0
    /// Offsets within the current field line, once its colon has been seen.
    private var colon: Int?
    private var valueStart: Int?
    private var valueEnd = 0

    /// Starts a new section (a new head, or a trailer section).
    mutating func reset() {
        self = HeadLineScanner()
    }

    /// The next complete line of `input`, which must start where the previous line ended,
    /// without its CRLF or bare LF; and the index just past its line ending. Nil when `input`
    /// holds only part of a line. For the request line, whose parts are checked by
    /// `RequestLine`.
    mutating func nextLine(
        in input: ArraySlice<UInt8>, limit: Int
    ) throws(HTTP1ParseError) -> (line: ArraySlice<UInt8>, next: Int)? {
        let searchFrom = input.startIndex + min(scanned, input.count)
        guard let lf = input[searchFrom...].firstIndex(of: ASCII.lf) else {
            try awaitMore(input, scannedTo: input.endIndex, limit: limit)
            return nil
        }
        let next = try completeLine(input, next: lf + 1, limit: limit)
        // RFC 9112 §2.2: a bare LF may end a line; any other CR is left for `RequestLine` to reject.
        let end = lf > input.startIndex && input[lf - 1] == ASCII.cr ? lf - 1 : lf
        return (input[input.startIndex..<end], next)
    }

    /// The next field line of `input` (RFC 9112 §5: `field-name ":" OWS field-value OWS`), or
    /// the section's closing empty line; nil when `input` holds only part of it.
    mutating func nextField(in input: ArraySlice<UInt8>, limit: Int) throws(HTTP1ParseError) -> FieldLine? {
        let start = input.startIndex
        let end = input.endIndex
        var index = start + min(scanned, input.count)

        if colon == nil {
            while index < end, ASCII.isTokenChar(input[index]) { index += 1 }
            guard index < end else {
                try awaitMore(input, scannedTo: index, limit: limit)
                return nil
            }
            let byte = input[index]
            if byte == ASCII.colon, index > start {
                colon = index - start
                index += 1
            } else if index == start, byte == ASCII.lf || byte == ASCII.cr {
                guard let next = try lineEnd(input, at: index) else {
                    try awaitMore(input, scannedTo: index, limit: limit)
                    return nil
                }
                return .sectionEnd(next: try completeLine(input, next: next, limit: limit))
            } else {
                guard let error = FieldLineError.naming(input, stoppedAt: index) else {
                    try awaitMore(input, scannedTo: index, limit: limit)
                    return nil
                }
                throw error
            }
        }

        var valueStart = self.valueStart
        var valueEnd = self.valueEnd
        while index < end {
            // Runs of VCHAR and obs-text are the bulk of a head; this inner loop is the hot path.
            let runStart = index
            while index < end, input[index] > ASCII.sp, input[index] != 0x7F { index += 1 }
            if index > runStart {
                if valueStart == nil { valueStart = runStart - start }
                valueEnd = index - start
                if index == end { break }
            }
            let byte = input[index]
            if ASCII.isWhitespace(byte) {
                index += 1
                continue
            }
            guard byte == ASCII.lf || byte == ASCII.cr else { throw .invalidHeaderValue }
            guard let next = try lineEnd(input, at: index) else { break }
            let name = input[start..<(start + (colon ?? 0))]
            let value = valueStart.map { input[(start + $0)..<(start + valueEnd)] } ?? input[index..<index]
            return .field(name: name, value: value, next: try completeLine(input, next: next, limit: limit))
        }
        self.valueStart = valueStart
        self.valueEnd = valueEnd
        try awaitMore(input, scannedTo: index, limit: limit)
        return nil
    }

    /// The index after the line ending at `index` (a CR or LF), nil if a CR is the last byte so
    /// far; a CR not followed by LF is an error.
    private func lineEnd(_ input: ArraySlice<UInt8>, at index: Int) throws(HTTP1ParseError) -> Int? {
        if input[index] == ASCII.lf { return index + 1 }
        guard index + 1 < input.endIndex else { return nil }
        guard input[index + 1] == ASCII.lf else { throw .bareCR }
        return index + 2
    }

    private mutating func completeLine(
        _ input: ArraySlice<UInt8>, next: Int, limit: Int
    ) throws(HTTP1ParseError) -> Int {
        sectionBytes += next - input.startIndex
        if sectionBytes > limit { throw .headTooLarge }
        scanned = 0
        colon = nil
        valueStart = nil
        return next
    }

    /// Everything in `input` is part of the current line; remembers how far it was examined.
    /// The limit applies to what is buffered, so an endless line fails as soon as it is too long.
    private mutating func awaitMore(
        _ input: ArraySlice<UInt8>, scannedTo index: Int, limit: Int
    ) throws(HTTP1ParseError) {
        if sectionBytes + input.count > limit { throw .headTooLarge }
        scanned = index - input.startIndex
    }
}
