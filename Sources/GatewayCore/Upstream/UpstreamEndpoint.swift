import Synchronization

/// One replica of a model: its base URL, its own circuit breaker, and the calls in flight to
/// it (for least-in-flight balancing).
public final class UpstreamEndpoint: Sendable {
    public let model: String
    public let url: String
    public let breaker: Breaker
    private let calls = Atomic<Int>(0)

    init(model: String, url: String, breaker: Breaker) {
        self.model = model
        self.url = url
        self.breaker = breaker
    }

    public var inFlight: Int { calls.load(ordering: .relaxed) }
    func began() { calls.add(1, ordering: .relaxed) }
    func ended() { calls.subtract(1, ordering: .relaxed) }
}
