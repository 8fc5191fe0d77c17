import Synchronization

/// A `HealthCheck` shared by the prober and the callers of one endpoint: the state machine
/// behind a mutex, with the clock injected. Held by `UpstreamEndpoint`; `HealthChecker` drives it.
public final class EndpointHealth: Sendable {
    /// A change of status, for the log line, the gauge and the status pages.
    public struct Transition: Sendable, Hashable {
        public var model: String
        public var endpoint: String
        public var to: HealthCheck.Status
        /// Why the last probe failed; nil when the endpoint came back.
        public var reason: String?
        public var at: GatewayInstant
    }

    public typealias TransitionHandler = @Sendable (Transition) -> Void

    let model: String
    let url: String
    private let machine: Mutex<HealthCheck>
    private let clock: any GatewayClock
    private let onTransition: TransitionHandler?

    init(model: String, url: String, settings: HealthCheck.Settings, clock: any GatewayClock,
         onTransition: TransitionHandler?) {
        self.model = model
        self.url = url
        self.machine = Mutex(HealthCheck(settings: settings, now: clock.now()))
        self.clock = clock
        self.onTransition = onTransition
    }

    public var settings: HealthCheck.Settings { machine.withLock { $0.settings } }

    /// False once the active checks have taken the endpoint out of rotation.
    public var inRotation: Bool { machine.withLock { $0.status == .healthy } }

    public var snapshot: HealthCheck.Snapshot { machine.withLock { $0.snapshot } }

    func beginProbe() -> Bool {
        let now = clock.now()
        return machine.withLock { $0.beginProbe(now: now) }
    }

    func waitBeforeProbe() -> Duration? {
        let now = clock.now()
        return machine.withLock { $0.waitBeforeProbe(now: now) }
    }

    /// `onTransition` runs after the lock is released (it may log or take other locks).
    func endProbe(failure: String?) {
        let now = clock.now()
        let changed = machine.withLock { $0.endProbe(failure: failure, now: now) }
        if let changed, let onTransition {
            onTransition(Transition(model: model, endpoint: url, to: changed, reason: failure, at: now))
        }
    }
}
