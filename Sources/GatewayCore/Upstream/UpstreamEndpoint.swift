import Synchronization

/// One replica of a model: its base URL, its own circuit breaker (passive: what calls saw), its
/// active health check (what probes saw), and the calls in flight to it (for least-in-flight
/// balancing).
public final class UpstreamEndpoint: Sendable {
    public let model: String
    public let url: String
    public let breaker: Breaker
    public let health: EndpointHealth
    private let calls = Atomic<Int>(0)

    init(model: String, url: String, breaker: Breaker, health: EndpointHealth) {
        self.model = model
        self.url = url
        self.breaker = breaker
        self.health = health
    }

    /// Would take a call now: in rotation and its breaker not open (or due a probe).
    public var isAvailable: Bool {
        health.inRotation && (breaker.state != .open || breaker.snapshot().secondsUntilProbe == 0)
    }

    public var inFlight: Int { calls.load(ordering: .relaxed) }
    func began() { calls.add(1, ordering: .relaxed) }
    func ended() { calls.subtract(1, ordering: .relaxed) }
}
