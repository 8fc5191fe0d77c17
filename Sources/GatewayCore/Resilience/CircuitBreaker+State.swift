extension CircuitBreaker {
    public enum State: Sendable, Hashable, CaseIterable {
        case closed, open, halfOpen

        /// The spelling in status bodies: "closed" | "open" | "half_open".
        public var name: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }

        /// `integration_circuit_breaker_state`: 0 closed, 1 half-open, 2 open.
        public var metricValue: Int {
            switch self {
            case .closed: 0
            case .halfOpen: 1
            case .open: 2
            }
        }
    }
}
