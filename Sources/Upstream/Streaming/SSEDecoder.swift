/// Incremental Server-Sent Events parser (WHATWG HTML §9.2.6, "Interpreting an event stream"):
/// feed it the bytes of a `text/event-stream` body as they arrive, in any split, and it returns
/// the events each read completed. No I/O; bounded: a line or an event's data over `maxEventBytes`
/// is an error rather than unbounded memory.
///
/// Lines end in CRLF, LF or CR (a CR at the end of one read and an LF at the start of the next are
/// one line end). A line starting with ":" is a comment; `field: value` drops one space after the
/// colon; `data` lines join with "\n"; a blank line dispatches the event (none when no data came).
/// A leading UTF-8 BOM is skipped. At the end of the stream an event without its blank line is
/// dropped, as the standard says.
/// Runs on: whichever thread feeds it (a value type, no locks).
public struct SSEDecoder: Sendable {
    public struct Event: Sendable, Equatable {
        /// `event:`; "message" when the event named none.
        public var name: String
        public var data: String
        /// The last `id:` seen so far in the stream (ids persist across events).
        public var id: String?
        /// `retry:` when this event carried one, in milliseconds.
        public var retry: Int?

        public init(name: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
            self.name = name
            self.data = data
            self.id = id
            self.retry = retry
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        /// A line, or the data of one event, exceeded the limit.
        case eventTooLarge(limit: Int)
    }

    private static let dataField = Array("data".utf8)
    private static let eventField = Array("event".utf8)
    private static let idField = Array("id".utf8)
    private static let retryField = Array("retry".utf8)

    public let maxEventBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: [UInt8] = []
    private var lastID: String?
    private var retry: Int?
    private var afterCR = false
    private var atStart = true
    private var bomSeen = 0

    public init(maxEventBytes: Int = 1 << 20) {
        self.maxEventBytes = max(1, maxEventBytes)
    }

    /// The events completed by `bytes`, in order.
    public mutating func feed(_ bytes: [UInt8]) throws(Failure) -> [Event] {
        try feed(bytes[...])
    }

    /// The same for a slice. Concrete types, not a generic sequence: called from another module,
    /// a generic loop runs unspecialised, a witness call per byte (half a relay's CPU, measured).
    public mutating func feed(_ bytes: ArraySlice<UInt8>) throws(Failure) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if atStart {
                // The BOM may itself arrive split over reads.
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == bom[bomSeen] {
                    bomSeen += 1
                    if bomSeen == bom.count { atStart = false }
                    continue
                }
                atStart = false
                if bomSeen > 0 {
                    // Not a BOM after all: what was held is ordinary content.
                    for b in bom[..<bomSeen] { try take(b, into: &events) }
                }
            }
            try take(byte, into: &events)
        }
        return events
    }

    /// The stream ended. Whatever event was not finished by a blank line is discarded.
    public mutating func finish() {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventName.removeAll()
        afterCR = false
    }

    private mutating func take(_ byte: UInt8, into events: inout [Event]) throws(Failure) {
        switch byte {
        case UInt8(ascii: "\n"):
            if afterCR {
                afterCR = false  // the LF of a CRLF
                return
            }
            try endLine(into: &events)
        case UInt8(ascii: "\r"):
            afterCR = true
            try endLine(into: &events)
        default:
            afterCR = false
            guard line.count < maxEventBytes else { throw .eventTooLarge(limit: maxEventBytes) }
            line.append(byte)
        }
    }

    private mutating func endLine(into events: inout [Event]) throws(Failure) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let field = colon.map { line[..<$0] } ?? line[...]
        var value = colon.map { line[($0 + 1)...] } ?? []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        // Compared as bytes: a String per line would be an allocation per token on the hot path.
        if field.elementsEqual(Self.dataField) {
            guard data.count + value.count + 1 <= maxEventBytes else { throw .eventTooLarge(limit: maxEventBytes) }
            data.append(contentsOf: value)
            data.append(UInt8(ascii: "\n"))
            hasData = true
        } else if field.elementsEqual(Self.eventField) {
            eventName = Array(value)
        } else if field.elementsEqual(Self.idField) {
            if !value.contains(0) { lastID = String(decoding: value, as: UTF8.self) }
        } else if field.elementsEqual(Self.retryField) {
            if !value.isEmpty, value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), value.count <= 9 {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        }  // unknown fields are ignored
    }

    private mutating func dispatch(into events: inout [Event]) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventName.removeAll()
            retry = nil
        }
        guard hasData else { return }
        data.removeLast()  // the "\n" after the last data line
        events.append(Event(name: eventName.isEmpty ? "message" : String(decoding: eventName, as: UTF8.self),
                            data: String(decoding: data, as: UTF8.self), id: lastID, retry: retry))
    }
}
