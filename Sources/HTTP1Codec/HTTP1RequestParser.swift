/// An incremental HTTP/1.1 request parser (RFC 9112): bytes in, head / body / end events out,
/// no I/O. It never holds on to the caller's buffer; it only remembers how far it has looked,
/// so a request arriving in many small reads is still scanned once.
public struct HTTP1RequestParser: Sendable {
    private enum State: Sendable {
        case requestLine
        case headerFields
        /// The head has been handed out and there is no body; `.end` comes next.
        case endPending
        case lengthBody(remaining: Int)
        /// `scanned` bytes of the chunk-size line were already searched for LF.
        case chunkSizeLine(scanned: Int)
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerFields
        /// The connection must be closed; every call repeats why.
        case failed(HTTP1ParseError)
    }

    /// What one step did: produced an event, moved to a state that may make progress on the
    /// remaining input, or needs more bytes.
    private enum Step {
        case emit(HTTP1ParseEvent, consumed: Int)
        case advance(consumed: Int)
        case needMore(consumed: Int)
    }

    private let limits: HTTP1Limits
    private var state = State.requestLine
    private var lines = HeadLineScanner()
    private var head = RequestHeadBuilder()

    /// The target of the head being read ("" before its request line or once it is handed out):
    /// what the caller knows of a request whose head is refused (a Content-Length over the limit).
    public var targetOfHeadInProgress: String { head.target }
    private var chunkedBodyBytes = 0
    private var trailerCount = 0

    public init(limits: HTTP1Limits = HTTP1Limits()) {
        self.limits = limits
    }

    /// Parses at most one event from `input` (the caller's unconsumed bytes). Returns the event,
    /// or nil when more bytes are needed, and how many bytes of `input` it consumed (may be > 0
    /// with a nil event, e.g. after complete header lines). The caller drops `consumed` bytes and
    /// calls again. After `.end` the parser is ready for the next pipelined request. After a
    /// throw the parser is dead and the connection should be closed.
    public mutating func parse(
        _ input: ArraySlice<UInt8>
    ) throws(HTTP1ParseError) -> (event: HTTP1ParseEvent?, consumed: Int) {
        var cursor = input.startIndex
        do throws(HTTP1ParseError) {
            while true {
                switch try step(input[cursor...]) {
                case .emit(let event, let consumed):
                    return (event, cursor + consumed - input.startIndex)
                case .advance(let consumed):
                    cursor += consumed
                case .needMore(let consumed):
                    return (nil, cursor + consumed - input.startIndex)
                }
            }
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step(_ input: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Step {
        switch state {
        case .requestLine, .headerFields:
            return try parseHead(input)
        case .endPending:
            state = .requestLine
            return .emit(.end, consumed: 0)
        case .lengthBody(let remaining):
            guard !input.isEmpty else { return .needMore(consumed: 0) }
            let count = min(input.count, remaining)
            state = count == remaining ? .endPending : .lengthBody(remaining: remaining - count)
            return .emit(.body(Array(input.prefix(count))), consumed: count)
        case .chunkSizeLine(let scanned):
            return try parseChunkSizeLine(input, scanned: scanned)
        case .chunkData(let remaining):
            guard !input.isEmpty else { return .needMore(consumed: 0) }
            let count = min(input.count, remaining)
            state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
            return .emit(.body(Array(input.prefix(count))), consumed: count)
        case .chunkDataEnd:
            return try parseChunkDataEnd(input)
        case .trailerFields:
            return try parseTrailers(input)
        case .failed(let error):
            throw error
        }
    }

    /// The request line and header fields, each line parsed as soon as it is complete.
    private mutating func parseHead(_ input: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Step {
        var cursor = input.startIndex
        while case .requestLine = state {
            guard let (line, next) = try lines.nextLine(in: input[cursor...], limit: limits.maxHeaderBytes) else {
                return .needMore(consumed: cursor - input.startIndex)
            }
            cursor = next
            // RFC 9112 §2.2: empty lines before a request are tolerated and not counted.
            if line.isEmpty {
                lines.reset()
                continue
            }
            try head.setRequestLine(line)
            state = .headerFields
        }
        while let line = try lines.nextField(in: input[cursor...], limit: limits.maxHeaderBytes) {
            switch line {
            case .field(let name, let value, let next):
                cursor = next
                try head.addField(name: name, value: value, limits: limits)
            case .sectionEnd(let next):
                cursor = next
                let fields = try head.finish(limits: limits)
                lines.reset()
                startBody(fields.body)
                return .emit(.head(fields), consumed: cursor - input.startIndex)
            }
        }
        return .needMore(consumed: cursor - input.startIndex)
    }

    private mutating func startBody(_ body: HTTP1BodyKind) {
        switch body {
        case .none, .length(0):
            state = .endPending
        case .length(let length):
            state = .lengthBody(remaining: length)
        case .chunked:
            chunkedBodyBytes = 0
            state = .chunkSizeLine(scanned: 0)
        }
    }

    /// Chunk framing is held to CRLF even though head lines accept a bare LF: RFC 9112 §2.2
    /// allows that leniency only for the start line and fields, and framing is where parsers
    /// that disagree let requests be smuggled.
    private mutating func parseChunkSizeLine(
        _ input: ArraySlice<UInt8>, scanned: Int
    ) throws(HTTP1ParseError) -> Step {
        // The line may use maxChunkLineBytes plus its CR before we give up on finding the LF.
        let window = input.prefix(limits.maxChunkLineBytes + 2)
        guard let lf = window[(input.startIndex + min(scanned, window.count))...].firstIndex(of: ASCII.lf) else {
            if window.count > limits.maxChunkLineBytes + 1 { throw .chunkLineTooLong }
            state = .chunkSizeLine(scanned: window.count)
            return .needMore(consumed: 0)
        }
        guard lf > input.startIndex, input[lf - 1] == ASCII.cr else { throw .chunkLineWithoutCR }
        let line = input[input.startIndex..<(lf - 1)]
        if line.count > limits.maxChunkLineBytes { throw .chunkLineTooLong }
        let size = try ChunkSizeLine.size(line)
        if size == 0 {
            lines.reset()
            trailerCount = 0
            state = .trailerFields
        } else {
            // Refuse before buffering a byte of a chunk that would take us over the limit.
            if size > limits.maxBodyBytes - chunkedBodyBytes { throw .bodyTooLarge }
            chunkedBodyBytes += size
            state = .chunkData(remaining: size)
        }
        return .advance(consumed: lf + 1 - input.startIndex)
    }

    private mutating func parseChunkDataEnd(_ input: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Step {
        let ending = input.prefix(2)
        guard ending.elementsEqual([ASCII.cr, ASCII.lf]) else {
            if ending.count == 2 || ending.first.map({ $0 != ASCII.cr }) == true {
                throw .missingChunkDataCRLF
            }
            return .needMore(consumed: 0)
        }
        state = .chunkSizeLine(scanned: 0)
        return .advance(consumed: 2)
    }

    /// Trailer fields get the header-field checks and limits, then are dropped: nothing
    /// downstream reads request trailers.
    private mutating func parseTrailers(_ input: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Step {
        var cursor = input.startIndex
        while let line = try lines.nextField(in: input[cursor...], limit: limits.maxHeaderBytes) {
            switch line {
            case .field(_, _, let next):
                cursor = next
                trailerCount += 1
                if trailerCount > limits.maxHeaderCount { throw .tooManyHeaders }
            case .sectionEnd(let next):
                lines.reset()
                state = .requestLine
                return .emit(.end, consumed: next - input.startIndex)
            }
        }
        return .needMore(consumed: cursor - input.startIndex)
    }
}
