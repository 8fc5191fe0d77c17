#if canImport(Glibc)
import Glibc
#endif
@testable import GatewayCore
import Synchronization
import Testing

@Suite("Blocking pool")
struct BlockingPoolTests {
    @Test func workRunsOnAPoolThreadNotTheCallers() async throws {
        let pool = BlockingPool(threads: 2)
        defer { pool.shutdown() }
        let caller = pthread_self()
        #expect(!pool.isPoolThread)
        let (onPool, sameThread) = try await pool.run { (pool.isPoolThread, pthread_equal(pthread_self(), caller) != 0) }
        #expect(onPool)
        #expect(!sameThread)
    }

    @Test func errorsReachTheCallerAsTheyWereThrown() async throws {
        let pool = BlockingPool(threads: 1)
        defer { pool.shutdown() }
        let failure = GatewayError(.unavailable, "batch queue journal: cannot fsync journal.log: Input/output error")
        await #expect(throws: failure) {
            try await pool.run { () throws(GatewayError) -> Int in throw failure }
        }
        // The thread that threw serves the next piece of work.
        #expect(try await pool.run { 41 + 1 } == 42)
    }

    @Test func manyConcurrentSubmissionsAllFinishWithNoMoreRunningThanThreads() async throws {
        let pool = BlockingPool(threads: 3)
        defer { pool.shutdown() }
        let gauge = Gauge()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<200 {
                group.addTask {
                    try await pool.run {
                        gauge.enter()
                        defer { gauge.leave() }
                        usleep(200)
                        return n * n
                    }
                }
            }
            var all: [Int] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.sorted() == (0..<200).map { $0 * $0 })
        #expect(gauge.peak.load(ordering: .relaxed) <= 3)
        #expect(gauge.peak.load(ordering: .relaxed) >= 2, "the threads ran side by side")
    }

    @Test func workStartsInTheOrderItWasSubmitted() async {
        let pool = BlockingPool(threads: 1)
        defer { pool.shutdown() }
        let order = Order()
        // The first piece holds the only thread until every other one is queued behind it.
        let gate = Gate()
        pool.submit { gate.wait() }
        for n in 0..<50 { pool.submit { order.append(n) } }
        gate.open()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in pool.submit { done.resume() } }
        #expect(order.values == Array(0..<50))
    }

    @Test func shortWorkGoesBeforeLongWorkThatWaits() async {
        let pool = BlockingPool(threads: 1)
        defer { pool.shutdown() }
        let order = Order()
        let gate = Gate()
        pool.submit { gate.wait() }
        pool.submit(.long) { order.append(1) }
        pool.submit { order.append(2) }
        pool.submit(.long) { order.append(3) }
        pool.submit { order.append(4) }
        gate.open()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in pool.submit(.long) { done.resume() } }
        #expect(order.values == [2, 4, 1, 3])
    }

    @Test func longWorkNeverTakesTheLastThread() async throws {
        let pool = BlockingPool(threads: 2)
        defer { pool.shutdown() }
        let gate = Gate()
        let order = Order()
        // Three rewrites that would hold both threads if they could.
        for n in 0..<3 { pool.submit(.long) { gate.wait(); order.append(n) } }
        // An fsync still gets a thread, and at once.
        #expect(try await pool.run { 42 } == 42)
        #expect(order.values.isEmpty)
        gate.open()
        try await pool.run(.long) {}
        #expect(order.values == [0, 1, 2])
    }

    @Test func shutdownFinishesQueuedWorkAndLaterWorkRunsOnTheCaller() async throws {
        let pool = BlockingPool(threads: 2)
        let order = Order()
        for n in 0..<20 { pool.submit(n % 2 == 0 ? .short : .long) { usleep(500); order.append(n) } }
        pool.shutdown()
        #expect(order.values.sorted() == Array(0..<20))
        let caller = pthread_self()
        let ranHere = Flag()
        pool.submit { ranHere.set(pthread_equal(pthread_self(), caller) != 0) }
        #expect(ranHere.value)
        #expect(try await pool.run { 7 } == 7)
    }
}

/// How many pieces of work run at once, and the most there ever were.
private final class Gauge: Sendable {
    let running = Atomic<Int>(0)
    let peak = Atomic<Int>(0)

    func enter() {
        let now = running.add(1, ordering: .sequentiallyConsistent).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    func leave() {
        running.subtract(1, ordering: .sequentiallyConsistent)
    }
}

private final class Order: Sendable {
    private let list = Mutex<[Int]>([])

    func append(_ n: Int) { list.withLock { $0.append(n) } }
    var values: [Int] { list.withLock { $0 } }
}

private final class Flag: Sendable {
    private let stored = Atomic<Bool>(false)

    func set(_ on: Bool) { stored.store(on, ordering: .sequentiallyConsistent) }
    var value: Bool { stored.load(ordering: .sequentiallyConsistent) }
}

/// A pool thread waits here until the test opens it.
private final class Gate: Sendable {
    private let opened = Atomic<Bool>(false)

    func wait() {
        while !opened.load(ordering: .acquiring) { usleep(100) }
    }

    func open() { opened.store(true, ordering: .releasing) }
}
