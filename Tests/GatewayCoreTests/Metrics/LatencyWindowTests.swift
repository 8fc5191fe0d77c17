import Testing

@testable import GatewayCore

@Suite("Latency window")
struct LatencyWindowTests {
    @Test("nearest-rank percentiles on known data", arguments: [
        (Array(1...100).map(Double.init), 50.0, 95.0, 99.0),
        (Array(1...1000).map(Double.init), 500.0, 950.0, 990.0),
        ([7.0], 7.0, 7.0, 7.0),
        ([1.0, 2.0], 1.0, 2.0, 2.0),
        ([], 0.0, 0.0, 0.0),
    ] as [([Double], Double, Double, Double)])
    func percentiles(_ samples: [Double], _ p50: Double, _ p95: Double, _ p99: Double) {
        let window = LatencyWindow()
        for s in samples.shuffled() { window.observe(milliseconds: s) }
        let p = window.percentiles()
        #expect(p.p50 == p50)
        #expect(p.p95 == p95)
        #expect(p.p99 == p99)
    }

    @Test("only the last capacity observations count")
    func ring() {
        let window = LatencyWindow(capacity: 1024)
        for _ in 0..<5_000 { window.observe(milliseconds: 1_000) }
        for i in 1...1024 { window.observe(milliseconds: Double(i)) }
        #expect(window.count == 1024)
        #expect(window.percentiles().p99 == 1014)  // ceil(0.99 × 1024) = 1014
        #expect(window.average() == 512.5)
    }

    @Test("durations are recorded in milliseconds")
    func durations() {
        let window = LatencyWindow(capacity: 4)
        window.observe(.microseconds(1_500))
        #expect(window.percentiles().p50 == 1.5)
    }
}
