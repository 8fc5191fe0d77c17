/// Names what is wrong with a field line's name. Judged from the offending byte alone (and
/// the one after a CR), so the reason does not depend on how the line was split into reads
/// and finding it never needs the rest of the line.
enum FieldLineError {
    /// The error for a name scan that stopped at `index` on something other than a colon
    /// ending a non-empty name; nil when that byte is a CR and the byte after it has not arrived.
    static func naming(_ line: ArraySlice<UInt8>, stoppedAt index: Int) -> HTTP1ParseError? {
        switch line[index] {
        case ASCII.colon:
            return .emptyHeaderName
        case ASCII.lf:
            return .missingColon
        case ASCII.cr:
            guard index + 1 < line.endIndex else { return nil }
            return line[index + 1] == ASCII.lf ? .missingColon : .bareCR
        case ASCII.sp, ASCII.htab:
            // RFC 9112 §5.2: obs-fold must be rejected, not unfolded; §5.1: so must whitespace
            // before the colon, since intermediaries have disagreed on what the name then is.
            return index == line.startIndex ? .obsoleteLineFolding : .whitespaceBeforeColon
        default:
            return .invalidHeaderName
        }
    }
}
