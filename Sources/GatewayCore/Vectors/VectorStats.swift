import Synchronization

/// One vector operation's counters for one model: the `ingest` or `search` object of
/// `GET /api/v1/patterns/metrics` (the same keys as the external API's metrics).
public final class VectorOperationStats: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var requests = 0
        public var errors = 0
        public var cacheHits = 0
        public var cacheMisses = 0

        public init() {}

        public var cacheHitRatio: Double {
            cacheHits + cacheMisses == 0 ? 0 : Double(cacheHits) / Double(cacheHits + cacheMisses)
        }
    }

    public let latency = LatencyWindow()
    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func finished(success: Bool, after duration: Duration) {
        latency.observe(duration)
        state.withLock {
            $0.requests += 1
            if !success { $0.errors += 1 }
        }
    }

    func cacheLookup(hit: Bool) {
        state.withLock { if hit { $0.cacheHits += 1 } else { $0.cacheMisses += 1 } }
    }
}

/// Both vector operations of one model.
public final class VectorStats: Sendable {
    public let ingest = VectorOperationStats()
    public let search = VectorOperationStats()

    public init() {}

    public func operation(_ op: VectorOperation) -> VectorOperationStats {
        switch op {
        case .ingest: ingest
        case .search: search
        }
    }
}

public enum VectorOperation: String, Sendable, CaseIterable {
    case ingest
    case search
}
