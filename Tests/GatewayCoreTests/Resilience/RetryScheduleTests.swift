import Testing

@testable import GatewayCore
import GatewayTestSupport

@Suite("Retry schedule")
struct RetryScheduleTests {
    static let schedule = RetrySchedule()  // 3 retries, 100 ms base, 2 s cap

    @Test("the jitter ceiling doubles up to maxDelay", arguments: [
        (1, 100), (2, 200), (3, 400), (4, 800), (5, 1_600), (6, 2_000), (40, 2_000), (1_000, 2_000),
    ])
    func ceiling(_ n: Int, _ milliseconds: Int64) {
        #expect(Self.schedule.ceiling(beforeRetry: n) == .milliseconds(milliseconds))
    }

    @Test("full jitter stays in [0, ceiling] with a mean near half", arguments: [1, 2, 3])
    func jitterBounds(_ n: Int) throws {
        var rng = SplitMix64(seed: UInt64(n))
        let ceiling = Self.schedule.ceiling(beforeRetry: n)
        var total = 0.0
        let draws = 10_000
        for _ in 0..<draws {
            let delay = try #require(Self.schedule.delay(beforeRetry: n, retryAfter: nil, remaining: .seconds(30), random: &rng))
            #expect(delay >= .zero && delay <= ceiling)
            total += delay.secondsDouble
        }
        let mean = total / Double(draws)
        #expect(abs(mean - ceiling.secondsDouble / 2) < ceiling.secondsDouble * 0.03)
    }

    @Test("no retry beyond maxRetries", arguments: [0, 1, 3])
    func spent(_ maxRetries: Int) {
        var rng = SplitMix64(seed: 1)
        let schedule = RetrySchedule(maxRetries: maxRetries)
        if maxRetries > 0 {
            #expect(schedule.delay(beforeRetry: maxRetries, retryAfter: nil, remaining: .seconds(30), random: &rng) != nil)
        }
        #expect(schedule.delay(beforeRetry: maxRetries + 1, retryAfter: nil, remaining: .seconds(30), random: &rng) == nil)
    }

    @Test("no retry when the wait would use up the deadline")
    func deadline() {
        var rng = SplitMix64(seed: 7)
        let fixed = RetrySchedule(maxRetries: 3, baseDelay: .milliseconds(100), maxDelay: .milliseconds(100))
        // Whatever the draw (≤ 100 ms), 50 ms left may or may not suffice; 0 never does.
        #expect(fixed.delay(beforeRetry: 1, retryAfter: nil, remaining: .zero, random: &rng) == nil)
        #expect(fixed.delay(beforeRetry: 1, retryAfter: .seconds(1), remaining: .seconds(1), random: &rng) == nil)
        #expect(fixed.delay(beforeRetry: 1, retryAfter: .seconds(1), remaining: .milliseconds(1_001), random: &rng) == .seconds(1))
        for _ in 0..<1_000 {
            if let d = fixed.delay(beforeRetry: 1, retryAfter: nil, remaining: .milliseconds(50), random: &rng) {
                #expect(d < .milliseconds(50))
            }
        }
    }

    @Test("Retry-After is a floor on the jittered delay")
    func retryAfterHonoured() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<1_000 {
            let d = Self.schedule.delay(beforeRetry: 1, retryAfter: .seconds(2), remaining: .seconds(30), random: &rng)
            #expect(d == .seconds(2))
        }
        let zero = RetrySchedule(baseDelay: .zero)
        #expect(zero.delay(beforeRetry: 2, retryAfter: nil, remaining: .seconds(1), random: &rng) == .zero)
        #expect(zero.delay(beforeRetry: 2, retryAfter: .milliseconds(5), remaining: .seconds(1), random: &rng) == .milliseconds(5))
    }

    @Test("Retry-After parsing: delta-seconds only", arguments: [
        ("0", 0), ("1", 1), ("120", 120), (" 5 ", 5), ("\t30", 30), ("007", 7),
        ("", nil), ("  ", nil), ("-1", nil), ("+5", nil), ("1.5", nil), ("1 2", nil), ("5s", nil),
        ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("99999999999999999999", nil),
    ] as [(String, Int64?)])
    func parse(_ header: String, _ seconds: Int64?) {
        #expect(RetrySchedule.parseRetryAfter(header) == seconds.map { .seconds($0) })
    }

    @Test("retryable statuses", arguments: [
        (502, true), (503, true), (504, true), (500, false), (501, false), (429, false), (400, false), (200, false),
    ])
    func retryable(_ status: Int, _ expected: Bool) {
        #expect(RetrySchedule.isRetryable(status: status) == expected)
    }
}
