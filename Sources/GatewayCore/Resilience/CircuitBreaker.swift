/// One upstream endpoint's circuit breaker as a pure state machine: callers pass `now`, it
/// answers with an `Admission` and never sleeps, locks or reads a clock (`Breaker` adds those).
///
///     closed ──threshold consecutive failures──▶ open
///     open ──acquire after openedAt + cooldown──▶ half_open (admits `halfOpenProbes` probes)
///     half_open ──probe success──▶ closed (failures 0, cooldown back to base)
///     half_open ──probe failure──▶ open (cooldown doubled, capped at maxCooldown)
///
/// Only probes decide a half-open breaker. Results of calls admitted before a trip (still in
/// flight when it opened) change nothing once the breaker has left `closed`: the decision was
/// made on newer evidence.
public struct CircuitBreaker: Sendable {
    public let configuration: Configuration

    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    /// How many times the breaker has opened (first trips and re-trips).
    public private(set) var trips = 0
    /// The cooldown the current (or next) open period uses.
    public private(set) var cooldown: Duration
    public private(set) var probesInFlight = 0
    private var openedAt = GatewayInstant(nanoseconds: 0)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.cooldown = configuration.baseCooldown
    }

    /// When an open breaker will let the next probe through; nil unless open.
    public var nextProbeAt: GatewayInstant? {
        state == .open ? openedAt + cooldown : nil
    }

    /// Asks to send one call. Moving open → half_open happens here, on the first call after the
    /// cooldown, so no timer is needed.
    public mutating func acquire(now: GatewayInstant) -> Admission {
        switch state {
        case .closed:
            return .allowed(probe: false)
        case .open:
            let reopensAt = openedAt + cooldown
            guard now >= reopensAt else { return .rejected(retryAfter: reopensAt - now) }
            state = .halfOpen
            probesInFlight = 0
            return admitProbe()
        case .halfOpen:
            return admitProbe()
        }
    }

    /// Reports how an admitted call ended. `probe` is what `acquire` said.
    public mutating func record(success: Bool, probe: Bool, now: GatewayInstant) {
        switch state {
        case .closed:
            if success {
                consecutiveFailures = 0
            } else {
                consecutiveFailures += 1
                if consecutiveFailures >= configuration.failureThreshold { open(now: now) }
            }
        case .halfOpen:
            guard probe else { return }
            probesInFlight = max(0, probesInFlight - 1)
            if success {
                state = .closed
                consecutiveFailures = 0
                probesInFlight = 0
                cooldown = configuration.baseCooldown
            } else {
                consecutiveFailures += 1
                cooldown = min(cooldown * 2, configuration.maxCooldown)
                open(now: now)
            }
        case .open:
            return
        }
    }

    /// Gives back a probe slot whose call ended without an outcome (cancelled before it reached
    /// the endpoint). Without this a lost probe would keep the breaker half-open forever.
    public mutating func abandon(probe: Bool) {
        guard probe, state == .halfOpen else { return }
        probesInFlight = max(0, probesInFlight - 1)
    }

    public func snapshot(now: GatewayInstant) -> Snapshot {
        let untilProbe: Duration? = nextProbeAt.map { max(.zero, $0 - now) }
        return Snapshot(
            state: state, failureCount: consecutiveFailures, trips: trips,
            secondsUntilProbe: untilProbe?.secondsDouble)
    }

    private mutating func admitProbe() -> Admission {
        guard probesInFlight < configuration.halfOpenProbes else {
            return .rejected(retryAfter: configuration.probeBusyRetryAfter)
        }
        probesInFlight += 1
        return .allowed(probe: true)
    }

    private mutating func open(now: GatewayInstant) {
        state = .open
        openedAt = now
        probesInFlight = 0
        trips += 1
    }
}
