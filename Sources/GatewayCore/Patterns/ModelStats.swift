import Synchronization

/// What the status and metrics endpoints report per model, kept as the core works.
public final class ModelStats: Sendable {
    public struct Snapshot: Sendable {
        public var requests = 0
        public var errors = 0
        public var realTimeRequests = 0
        public var bulkRequests = 0
        public var activeRequests = 0
        public var cacheHits = 0
        public var cacheMisses = 0
        public var batchesProcessed = 0
        public var batchSecondsTotal: Double = 0
        public var itemsProcessed = 0
        public var lastFlush: GatewayInstant?
        public var firstFlush: GatewayInstant?
        /// Degraded jobs (queued while the real-time path was down) not yet processed.
        public var degradedPending = 0

        public init() {}

        public var successRate: Double {
            requests == 0 ? 100 : Double(requests - errors) / Double(requests) * 100
        }

        public var cacheHitRatio: Double {
            cacheHits + cacheMisses == 0 ? 0 : Double(cacheHits) / Double(cacheHits + cacheMisses)
        }

        public var averageBatchSeconds: Double {
            batchesProcessed == 0 ? 0 : batchSecondsTotal / Double(batchesProcessed)
        }
    }

    public let latency = LatencyWindow()
    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    @discardableResult
    func update<T>(_ change: (inout Snapshot) -> T) -> T { state.withLock { change(&$0) } }
}
