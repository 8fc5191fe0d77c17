extension CircuitBreaker {
    /// What the status endpoints show for one endpoint.
    public struct Snapshot: Sendable, Hashable {
        public var state: State
        public var failureCount: Int
        public var trips: Int
        /// Time left before an open breaker admits a probe (0 when it would admit one now);
        /// nil when not open.
        public var secondsUntilProbe: Double?

        public init(state: State, failureCount: Int, trips: Int, secondsUntilProbe: Double?) {
            self.state = state
            self.failureCount = failureCount
            self.trips = trips
            self.secondsUntilProbe = secondsUntilProbe
        }

        public var stateName: String { state.name }
    }
}
