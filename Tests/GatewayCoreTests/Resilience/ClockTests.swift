import Testing

@testable import GatewayCore

@Suite("Clocks and timestamps")
struct ClockTests {
    @Test("instant arithmetic with durations")
    func arithmetic() {
        let t = GatewayInstant(nanoseconds: 1_000)
        #expect(t + .microseconds(2) == GatewayInstant(nanoseconds: 3_000))
        #expect(t - .nanoseconds(500) == GatewayInstant(nanoseconds: 500))
        #expect(GatewayInstant(nanoseconds: 3_000) - t == .microseconds(2))
        #expect(t - GatewayInstant(nanoseconds: 3_000) == .microseconds(-2))
        #expect(t < t + .nanoseconds(1))
        var u = t
        u += .seconds(1)
        #expect(u.nanoseconds == 1_000_001_000)
    }

    @Test("arithmetic saturates instead of trapping")
    func saturation() {
        let t = GatewayInstant(nanoseconds: 10)
        #expect((t + .seconds(Int64.max)).nanoseconds == .max)
        #expect((t - .seconds(Int64.max)).nanoseconds == .min)
        #expect(GatewayInstant(nanoseconds: .max) + .nanoseconds(1) == GatewayInstant(nanoseconds: .max))
    }

    @Test("manual clock moves only when advanced, wall time with it")
    func manualClock() {
        let clock = ManualClock(start: GatewayInstant(nanoseconds: 5))
        #expect(clock.now() == GatewayInstant(nanoseconds: 5))
        #expect(clock.wallTime().rfc3339 == "2025-07-15T14:30:00.000Z")
        clock.advance(by: .milliseconds(1_500))
        #expect(clock.now() == GatewayInstant(nanoseconds: 1_500_000_005))
        #expect(clock.wallTime().rfc3339 == "2025-07-15T14:30:01.500Z")
    }

    @Test("manual clock is safe to advance from many tasks")
    func manualClockConcurrent() async {
        let clock = ManualClock()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { for _ in 0..<10 { clock.advance(by: .milliseconds(1)) } } }
        }
        #expect(clock.now() == instant(1))
    }

    @Test("system clocks: monotonic never goes back, wall clock is after 2024")
    func systemClocks() {
        let clock = SystemClock()
        var last = clock.now()
        for _ in 0..<1_000 {
            let now = clock.now()
            #expect(now >= last)
            last = now
        }
        #expect(SystemWallClock().wallTime().seconds > 1_704_067_200)
    }

    @Test("RFC 3339 UTC with milliseconds", arguments: [
        (0, 0, "1970-01-01T00:00:00.000Z"),
        (1_752_589_800, 123, "2025-07-15T14:30:00.123Z"),
        (951_782_400, 7, "2000-02-29T00:00:00.007Z"),  // leap day
        (4_102_444_799, 999, "2099-12-31T23:59:59.999Z"),
        (1_234_567_890, 50, "2009-02-13T23:31:30.050Z"),
    ] as [(Int64, Int64, String)])
    func rfc3339(_ seconds: Int64, _ milliseconds: Int64, _ expected: String) {
        #expect(UnixTime(secondsSinceEpoch: seconds, milliseconds: milliseconds).rfc3339 == expected)
    }

    @Test("sub-millisecond fractions truncate, and times before 1970 floor")
    func truncation() {
        #expect(UnixTime(nanosecondsSinceEpoch: 1_752_589_800_999_999_999).rfc3339 == "2025-07-15T14:30:00.999Z")
        // One millisecond before the epoch is 23:59:59.999 the day before, not 00:00:00.-001.
        #expect(UnixTime(nanosecondsSinceEpoch: -1_000_000).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test("compact stamp for batch ids")
    func compactStamp() {
        #expect(UTCDateTime(UnixTime(secondsSinceEpoch: 1_752_589_800)).compactStamp == "20250715_143000")
        let fields = UTCDateTime(UnixTime(secondsSinceEpoch: 951_782_400, milliseconds: 7))
        #expect((fields.year, fields.month, fields.day, fields.millisecond) == (2000, 2, 29, 7))
    }
}
