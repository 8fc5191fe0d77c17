/// A point on the monotonic clock, in nanoseconds from an arbitrary origin (boot, for
/// `SystemClock`). Only differences mean anything; it never jumps when the wall clock is set,
/// which is why breakers, retries and cache expiry measure time with it.
public struct GatewayInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: GatewayInstant, rhs: GatewayInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    // Arithmetic saturates rather than traps: an "infinite" TTL or a huge Retry-After must not
    // crash the process, and 292 years of headroom make the clamp unobservable otherwise. It is
    // done in 128 bits so that clamping an operand never changes a result that fits.
    public static func + (lhs: GatewayInstant, rhs: Duration) -> GatewayInstant {
        GatewayInstant(nanoseconds: Int64(clamping: Int128(lhs.nanoseconds) + rhs.nanoseconds128))
    }

    public static func - (lhs: GatewayInstant, rhs: Duration) -> GatewayInstant {
        GatewayInstant(nanoseconds: Int64(clamping: Int128(lhs.nanoseconds) - rhs.nanoseconds128))
    }

    public static func - (lhs: GatewayInstant, rhs: GatewayInstant) -> Duration {
        .nanoseconds(Int128(lhs.nanoseconds) - Int128(rhs.nanoseconds))
    }

    public static func += (lhs: inout GatewayInstant, rhs: Duration) {
        lhs = lhs + rhs
    }

    public var description: String { "\(nanoseconds)ns" }
}

extension Duration {
    /// Whole nanoseconds (truncated toward zero); exact, since a `Duration` is 128-bit.
    var nanoseconds128: Int128 {
        let (seconds, attoseconds) = components
        return Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
    }

    /// Whole nanoseconds, clamped to `Int64` (a `Duration` can hold far more).
    var nanosecondsClamped: Int64 {
        Int64(clamping: nanoseconds128)
    }

    /// Seconds as a `Double`, for status bodies and metrics.
    var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
