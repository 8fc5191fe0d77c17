/// Finds the lines of a header or trailer section as they arrive, remembering how far the
/// current incomplete line was searched so that bytes trickling in are each looked at once.
struct FieldLineReader {
    /// Bytes of the current incomplete line already searched for its LF.
    private var scanned = 0
    /// Bytes of the section so far, complete lines plus the incomplete one.
    private var sectionBytes = 0

    /// Starts a new section (a new head, or a trailer section).
    mutating func reset() {
        scanned = 0
        sectionBytes = 0
    }

    /// The next complete line in `input`, which must start where the previous line ended:
    /// its content without CRLF or bare LF, and the index just past its line ending. Nil when
    /// `input` holds only part of a line.
    /// - Throws: 431 once the section exceeds `limit` bytes, complete or not.
    mutating func nextLine(
        in input: ArraySlice<UInt8>, limit: Int
    ) throws(HTTP1ParseError) -> (line: ArraySlice<UInt8>, next: Int)? {
        if scanned > input.count {
            // The caller handed back fewer bytes than last time; forget what is gone.
            sectionBytes -= scanned - input.count
            scanned = input.count
        }
        let searchFrom = input.startIndex + scanned
        guard let lf = input[searchFrom...].firstIndex(of: ASCII.lf) else {
            sectionBytes += input.count - scanned
            scanned = input.count
            if sectionBytes > limit { throw .headTooLarge }
            return nil
        }
        sectionBytes += lf + 1 - searchFrom
        scanned = 0
        if sectionBytes > limit { throw .headTooLarge }
        // RFC 9112 §2.2: a bare LF may end a line; a CR anywhere else is left in the line
        // for the field and request-line checks to reject.
        var end = lf
        if end > input.startIndex, input[end - 1] == ASCII.cr { end -= 1 }
        return (input[input.startIndex..<end], lf + 1)
    }
}
