/// `field-line = field-name ":" OWS field-value OWS` (RFC 9112 §5), for header and trailer
/// lines alike.
enum FieldLine {
    /// Splits `line` (without its line ending) into the name and the value with OWS trimmed,
    /// checking every byte once.
    static func split(
        _ line: ArraySlice<UInt8>
    ) throws(HTTP1ParseError) -> (name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) {
        let end = line.endIndex
        var index = line.startIndex
        while index < end, ASCII.isTokenChar(line[index]) { index += 1 }
        guard index < end, line[index] == ASCII.colon else { throw nameError(line, stoppedAt: index) }
        guard index > line.startIndex else { throw .emptyHeaderName }
        let name = line[line.startIndex..<index]

        index += 1
        while index < end, ASCII.isWhitespace(line[index]) { index += 1 }
        let valueStart = index
        var valueEnd = index
        while index < end {
            let byte = line[index]
            guard ASCII.isFieldValueByte(byte) else {
                throw byte == ASCII.cr ? .bareCR : .invalidHeaderValue
            }
            index += 1
            if !ASCII.isWhitespace(byte) { valueEnd = index }
        }
        return (name, line[valueStart..<valueEnd])
    }

    /// Names the mistake precisely, so a client author reading the 400 knows what to fix.
    private static func nameError(_ line: ArraySlice<UInt8>, stoppedAt index: Int) -> HTTP1ParseError {
        guard index < line.endIndex else { return .missingColon }
        let byte = line[index]
        if byte == ASCII.cr { return .bareCR }
        // RFC 9112 §5.2: a server must reject obs-fold in a request, not unfold it.
        if index == line.startIndex, ASCII.isWhitespace(byte) { return .obsoleteLineFolding }
        let rest = line[index...]
        guard let colon = rest.firstIndex(of: ASCII.colon) else { return .missingColon }
        // RFC 9112 §5.1: whitespace between name and colon must be rejected, because
        // intermediaries have disagreed on what the name then is.
        if rest[..<colon].allSatisfy(ASCII.isWhitespace) { return .whitespaceBeforeColon }
        return .invalidHeaderName
    }
}
