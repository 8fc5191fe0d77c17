import Testing

@testable import Redis

@Suite struct BackoffTests {
    @Test func doublesFrom50msTo2s() {
        var backoff = Backoff()
        let delays = (0..<8).map { _ in backoff.nextDelay() }
        #expect(delays == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 2, 2])
    }

    @Test func resetStartsOver() {
        var backoff = Backoff()
        for _ in 0..<5 { _ = backoff.nextDelay() }
        backoff.reset()
        #expect(backoff.nextDelay() == 0.05)
    }
}
