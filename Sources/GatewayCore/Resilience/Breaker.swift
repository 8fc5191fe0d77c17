import Synchronization

/// A `CircuitBreaker` shared by the tasks calling one endpoint: the state machine behind a
/// mutex, with the clock injected. Held by the upstream pool, one per endpoint.
public final class Breaker: Sendable {
    public typealias TransitionHandler = @Sendable (Transition) -> Void

    /// A state change, for the breaker-state gauge and the failover report.
    public struct Transition: Sendable, Hashable {
        public var from: CircuitBreaker.State
        public var to: CircuitBreaker.State
        public var at: GatewayInstant
    }

    private let machine: Mutex<CircuitBreaker>
    private let clock: any GatewayClock
    private let onTransition: TransitionHandler?

    /// `onTransition` runs after the lock is released (it may take other locks). Under
    /// contention two transitions may be delivered out of order; read `state` for the truth.
    public init(
        configuration: CircuitBreaker.Configuration = .init(),
        clock: any GatewayClock = SystemClock(),
        onTransition: TransitionHandler? = nil
    ) {
        self.machine = Mutex(CircuitBreaker(configuration: configuration))
        self.clock = clock
        self.onTransition = onTransition
    }

    public func acquire() -> CircuitBreaker.Admission {
        let now = clock.now()
        let (admission, transition) = machine.withLock { breaker in
            let before = breaker.state
            let admission = breaker.acquire(now: now)
            return (admission, Self.transition(before, breaker.state, now))
        }
        notify(transition)
        return admission
    }

    public func record(success: Bool, probe: Bool) {
        let now = clock.now()
        let transition = machine.withLock { breaker in
            let before = breaker.state
            breaker.record(success: success, probe: probe, now: now)
            return Self.transition(before, breaker.state, now)
        }
        notify(transition)
    }

    public func abandon(probe: Bool) {
        machine.withLock { $0.abandon(probe: probe) }
    }

    public var state: CircuitBreaker.State { machine.withLock { $0.state } }

    public func snapshot() -> CircuitBreaker.Snapshot {
        let now = clock.now()
        return machine.withLock { $0.snapshot(now: now) }
    }

    private static func transition(
        _ from: CircuitBreaker.State, _ to: CircuitBreaker.State, _ at: GatewayInstant
    ) -> Transition? {
        from == to ? nil : Transition(from: from, to: to, at: at)
    }

    private func notify(_ transition: Transition?) {
        if let transition, let onTransition { onTransition(transition) }
    }
}
