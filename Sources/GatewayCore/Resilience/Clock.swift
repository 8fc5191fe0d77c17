#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where state machines get "now" from. Injected, so tests drive time with `ManualClock`
/// instead of sleeping.
public protocol GatewayClock: Sendable {
    func now() -> GatewayInstant
}

/// CLOCK_MONOTONIC: immune to NTP steps and `date -s`, unlike the wall clock.
public struct SystemClock: GatewayClock {
    public init() {}

    public func now() -> GatewayInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return GatewayInstant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}
