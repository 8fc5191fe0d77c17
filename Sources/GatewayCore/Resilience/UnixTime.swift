/// Nanoseconds since 1970-01-01T00:00:00Z (leap seconds ignored, as POSIX does).
public struct UnixTime: Sendable, Hashable, Comparable {
    public var nanosecondsSinceEpoch: Int64

    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    public init(secondsSinceEpoch: Int64, milliseconds: Int64 = 0) {
        self.init(nanosecondsSinceEpoch: secondsSinceEpoch * 1_000_000_000 + milliseconds * 1_000_000)
    }

    public static func < (lhs: UnixTime, rhs: UnixTime) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    public static func + (lhs: UnixTime, rhs: Duration) -> UnixTime {
        UnixTime(nanosecondsSinceEpoch: lhs.nanosecondsSinceEpoch &+ rhs.nanosecondsClamped)
    }

    /// Whole seconds, rounded toward negative infinity (so instants before 1970 still get the
    /// right second and a non-negative fraction).
    public var seconds: Int64 {
        let (q, r) = nanosecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000_000)
        return r < 0 ? q - 1 : q
    }

    /// The millisecond within the second, 0...999.
    public var millisecond: Int {
        let r = nanosecondsSinceEpoch - seconds * 1_000_000_000
        return Int(r / 1_000_000)
    }

    /// "2025-07-15T14:30:00.123Z": RFC 3339, UTC, milliseconds (truncated, never rounded up
    /// into the next second).
    public var rfc3339: String { UTCDateTime(self).rfc3339 }
}
