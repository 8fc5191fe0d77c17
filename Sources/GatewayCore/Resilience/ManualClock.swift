import Synchronization

/// A clock that moves only when told to: tests drive cooldowns, TTLs and deadlines exactly.
/// It is both monotonic and wall clock: the wall time is `wallOrigin` plus the time advanced,
/// so one `advance(by:)` moves every timestamp a test looks at.
public final class ManualClock: GatewayClock, WallClock {
    private let elapsed: Mutex<Int64>
    private let start: GatewayInstant
    private let wallOrigin: UnixTime

    public init(
        start: GatewayInstant = GatewayInstant(nanoseconds: 0),
        wallOrigin: UnixTime = UnixTime(secondsSinceEpoch: 1_752_589_800)  // 2025-07-15T14:30:00Z
    ) {
        self.start = start
        self.wallOrigin = wallOrigin
        self.elapsed = Mutex(0)
    }

    public func now() -> GatewayInstant {
        GatewayInstant(nanoseconds: start.nanoseconds + elapsed.withLock { $0 })
    }

    public func wallTime() -> UnixTime {
        UnixTime(nanosecondsSinceEpoch: wallOrigin.nanosecondsSinceEpoch + elapsed.withLock { $0 })
    }

    /// Moves time forward; a negative duration is a test bug (monotonic time never goes back).
    public func advance(by duration: Duration) {
        let ns = duration.nanosecondsClamped
        precondition(ns >= 0, "ManualClock cannot go backwards")
        elapsed.withLock { $0 += ns }
    }
}
