extension CircuitBreaker {
    /// The answer to `acquire`.
    public enum Admission: Sendable, Hashable {
        /// Send the call; report its outcome with `record(success:probe:now:)` passing `probe` back.
        case allowed(probe: Bool)
        /// Fail fast (`circuit_open`, 503 with Retry-After).
        case rejected(retryAfter: Duration)

        public var isAllowed: Bool {
            if case .allowed = self { return true }
            return false
        }
    }
}
