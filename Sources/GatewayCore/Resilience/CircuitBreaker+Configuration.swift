extension CircuitBreaker {
    public struct Configuration: Sendable, Equatable {
        /// Consecutive failed attempts (retries counted) that open the breaker
        /// (PATTERN_CIRCUIT_BREAKER_THRESHOLD).
        public var failureThreshold: Int
        /// The first open period (PATTERN_BREAKER_COOLDOWN); doubles per re-trip.
        public var baseCooldown: Duration
        /// The cap on the doubled cooldown.
        public var maxCooldown: Duration
        /// Calls admitted at once while half-open.
        public var halfOpenProbes: Int
        /// Retry-After for calls turned away because every probe slot is taken: the probe's
        /// answer is expected within the request timeout, much sooner than a cooldown.
        public var probeBusyRetryAfter: Duration

        public init(
            failureThreshold: Int = 10,
            baseCooldown: Duration = .seconds(30),
            maxCooldown: Duration = .seconds(300),
            halfOpenProbes: Int = 1,
            probeBusyRetryAfter: Duration = .seconds(1)
        ) {
            precondition(failureThreshold >= 1, "failureThreshold must be at least 1")
            precondition(halfOpenProbes >= 1, "halfOpenProbes must be at least 1")
            precondition(baseCooldown >= .zero && maxCooldown >= baseCooldown, "need 0 <= baseCooldown <= maxCooldown")
            self.failureThreshold = failureThreshold
            self.baseCooldown = baseCooldown
            self.maxCooldown = maxCooldown
            self.halfOpenProbes = halfOpenProbes
            self.probeBusyRetryAfter = probeBusyRetryAfter
        }
    }
}
