import Synchronization

/// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` a caller sent
/// (with its `tracestate`), or a new trace when it sent none or a bad one. Every upstream call
/// gets a `child()`: the same trace id and flags under a span id of its own. Values only; no I/O.
public struct TraceContext: Sendable, Equatable {
    /// The 16-byte trace id as two big-endian halves; never both zero.
    public let traceHigh: UInt64
    public let traceLow: UInt64
    /// The span id of whoever sent this context (ours, in a child); never zero.
    public let parentID: UInt64
    public let flags: UInt8
    /// The caller's `tracestate`, passed on unchanged; nil when absent or unusable.
    public let state: String?

    public init(traceHigh: UInt64, traceLow: UInt64, parentID: UInt64, flags: UInt8, state: String?) {
        self.traceHigh = traceHigh
        self.traceLow = traceLow
        self.parentID = parentID
        self.flags = flags
        self.state = state
    }

    /// The incoming headers' context, or a new root one. A bad `traceparent` also drops the
    /// `tracestate`: the spec ties the state to the parent it came with.
    public static func from(traceparent: String?, tracestate: String?) -> TraceContext {
        guard let traceparent, let parsed = parse(traceparent) else { return fresh() }
        return parsed.with(state: tracestate)
    }

    /// This context with `tracestate` when it is a plausible list (else none).
    public func with(state tracestate: String?) -> TraceContext {
        TraceContext(traceHigh: traceHigh, traceLow: traceLow, parentID: parentID, flags: flags,
                     state: tracestate.flatMap(TraceState.validated))
    }

    /// A new trace: random trace id and span id, not sampled (we record nothing ourselves).
    public static func fresh() -> TraceContext {
        let high = TraceRandom.next(), low = TraceRandom.next()
        return TraceContext(traceHigh: high, traceLow: low == 0 && high == 0 ? 1 : low,
                            parentID: TraceRandom.nonZero(), flags: 0, state: nil)
    }

    /// The context for one upstream call: this trace, a new span id.
    public func child() -> TraceContext {
        TraceContext(traceHigh: traceHigh, traceLow: traceLow, parentID: TraceRandom.nonZero(), flags: flags, state: state)
    }

    /// 32 lowercase hex digits, as logs and `traceparent` show it.
    public var traceID: String { Hex.string(traceHigh, 16) + Hex.string(traceLow, 16) }

    /// Always version 00: the spec has a newer version's fields read as 00's and sent on as 00.
    public var traceparent: String {
        "00-" + traceID + "-" + Hex.string(parentID, 16) + "-" + Hex.string(UInt64(flags), 2)
    }

    /// `version-traceid-parentid-flags`, lowercase hex. Version 00 is exactly 55 characters; a later
    /// version may add fields after a `-`; `ff` is invalid. Surrounding spaces and tabs (HTTP's OWS)
    /// are ignored.
    public static func parse(_ header: String) -> TraceContext? {
        var bytes = Array(header.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        let start = bytes.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? bytes.count
        if start > 0 { bytes.removeFirst(start) }
        guard bytes.count >= 55, bytes[2] == 0x2D, bytes[35] == 0x2D, bytes[52] == 0x2D,
              let version = Hex.value(bytes[0..<2]), version != 0xFF,
              let high = Hex.value(bytes[3..<19]), let low = Hex.value(bytes[19..<35]),
              let parent = Hex.value(bytes[36..<52]), let flags = Hex.value(bytes[53..<55]) else { return nil }
        if version == 0 {
            guard bytes.count == 55 else { return nil }
        } else if bytes.count > 55, bytes[55] != 0x2D {
            return nil
        }
        guard high != 0 || low != 0, parent != 0 else { return nil }
        return TraceContext(traceHigh: high, traceLow: low, parentID: parent, flags: UInt8(flags), state: nil)
    }
}

/// `tracestate`: kept as sent when it is a plausible list, else dropped.
enum TraceState {
    /// At most 32 members (the spec's limit) of `key=value`, printable ASCII, at most 512 bytes
    /// (where the spec lets a vendor cut); empty members (`a=1,,b=2`) are allowed, as the spec says.
    static func validated(_ value: String) -> String? {
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= 512, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 }) else {
            return nil
        }
        var members = 0
        for member in value.split(separator: ",", omittingEmptySubsequences: true) {
            let trimmed = member.drop { $0 == " " || $0 == "\t" }
            if trimmed.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            guard let eq = trimmed.firstIndex(of: "="), eq != trimmed.startIndex else { return nil }
            members += 1
        }
        return members > 0 && members <= 32 ? value : nil
    }
}

enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex only: the spec refuses uppercase.
    static func value(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        var v: UInt64 = 0
        for b in bytes {
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x61...0x66: d = b - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt64(d)
        }
        return v
    }

    static func string(_ v: UInt64, _ width: Int) -> String {
        String(unsafeUninitializedCapacity: width) { buf in
            for i in 0..<width {
                buf[i] = digits[Int((v >> UInt64(4 * (width - 1 - i))) & 0xF)]
            }
            return width
        }
    }
}

/// Ids for new traces and spans: a process-wide counter through splitmix64 from a random seed,
/// as `RequestID` does: unpredictable across instances, unique within one, no system call per id.
enum TraceRandom {
    private static let seed: UInt64 = {
        var rng = SystemRandomNumberGenerator()
        return rng.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    static func next() -> UInt64 {
        let n = counter.wrappingAdd(1, ordering: .relaxed).newValue
        var z = seed &+ n &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func nonZero() -> UInt64 {
        let v = next()
        return v == 0 ? 1 : v
    }
}
