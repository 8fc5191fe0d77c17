/// One endpoint's active health check as a pure state machine, in Envoy's terms: the caller
/// asks when the next probe is due, sends it, and reports how it went; `unhealthyThreshold`
/// failed probes in a row take the endpoint out of rotation, `healthyThreshold` good ones bring
/// it back. It never sleeps, locks or reads a clock (`EndpointHealth` and `HealthChecker` do).
///
///     healthy ──unhealthyThreshold failed probes in a row──▶ unhealthy
///     unhealthy ──healthyThreshold good probes in a row──▶ healthy
///
/// An endpoint starts healthy, with its first probe due at once: a server that is down when the
/// gateway starts leaves rotation after `unhealthyThreshold` probes, before any traffic needs it.
public struct HealthCheck: Sendable {
    /// YAML `patterns.health_check` (and `models.<model>.health_check`): seconds and counts.
    public struct Settings: Sendable, Equatable {
        /// Seconds between the end of one probe and the start of the next; 0 turns checks off.
        public var interval: Double
        /// Seconds a probe may take; no answer by then is a failure.
        public var timeout: Double
        public var unhealthyThreshold: Int
        public var healthyThreshold: Int

        public init(interval: Double = 10, timeout: Double = 2, unhealthyThreshold: Int = 3, healthyThreshold: Int = 2) {
            self.interval = interval
            self.timeout = timeout
            self.unhealthyThreshold = unhealthyThreshold
            self.healthyThreshold = healthyThreshold
        }

        public var enabled: Bool { interval > 0 }
        var intervalDuration: Duration { .milliseconds(Int64(interval * 1000)) }
        public var timeoutDuration: Duration { .milliseconds(Int64(timeout * 1000)) }
    }

    public enum Status: String, Sendable, Hashable {
        case healthy, unhealthy
    }

    /// What the status pages show.
    public struct Snapshot: Sendable, Hashable {
        public var status: Status
        /// Failed probes in a row (healthy) or good ones in a row (unhealthy).
        public var streak: Int
        public var probes: Int
        /// Why the last probe failed ("HTTP 503", "connect: ..."); nil after a good one.
        public var lastFailure: String?
    }

    public let settings: Settings
    public private(set) var status: Status = .healthy
    public private(set) var consecutiveFailures = 0
    public private(set) var consecutiveSuccesses = 0
    public private(set) var probes = 0
    public private(set) var lastFailure: String?
    /// When the next probe may start; nil while one is out.
    public private(set) var nextProbeAt: GatewayInstant?

    public init(settings: Settings, now: GatewayInstant) {
        self.settings = settings
        self.nextProbeAt = now
    }

    /// Starts a probe if one is due: true means send it now (its timeout is `settings.timeout`).
    public mutating func beginProbe(now: GatewayInstant) -> Bool {
        guard settings.enabled, let due = nextProbeAt, now >= due else { return false }
        nextProbeAt = nil
        return true
    }

    /// How long to wait before `beginProbe` will say yes; nil while a probe is out.
    public func waitBeforeProbe(now: GatewayInstant) -> Duration? {
        guard let due = nextProbeAt else { return nil }
        return due > now ? due - now : .zero
    }

    /// Records the probe's outcome (`failure` nil for a good one) and schedules the next.
    /// Returns the new status when this probe changed it.
    public mutating func endProbe(failure: String?, now: GatewayInstant) -> Status? {
        probes += 1
        nextProbeAt = now + settings.intervalDuration
        let before = status
        if let failure {
            lastFailure = failure
            consecutiveSuccesses = 0
            consecutiveFailures += 1
            if status == .healthy, consecutiveFailures >= settings.unhealthyThreshold { status = .unhealthy }
        } else {
            lastFailure = nil
            consecutiveFailures = 0
            consecutiveSuccesses += 1
            if status == .unhealthy, consecutiveSuccesses >= settings.healthyThreshold { status = .healthy }
        }
        return status == before ? nil : status
    }

    public var snapshot: Snapshot {
        Snapshot(status: status, streak: status == .healthy ? consecutiveFailures : consecutiveSuccesses,
                 probes: probes, lastFailure: lastFailure)
    }
}
