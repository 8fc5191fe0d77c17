#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calendar time, only for timestamps people read (`processed_at`, `queued_at`, batch ids).
/// Never for measuring intervals: it can jump. Injected like `GatewayClock` so answers that
/// carry a timestamp are testable.
public protocol WallClock: Sendable {
    func wallTime() -> UnixTime
}

/// CLOCK_REALTIME.
public struct SystemWallClock: WallClock {
    public init() {}

    public func wallTime() -> UnixTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UnixTime(nanosecondsSinceEpoch: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}
