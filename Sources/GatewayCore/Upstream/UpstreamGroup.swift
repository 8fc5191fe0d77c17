/// The endpoints one kind of call goes to: a model's replicas, or the Qdrant vector store. Each
/// endpoint has its own breaker; the name labels the metrics (`model="general"`,
/// `model="qdrant"`) and the messages.
public struct UpstreamGroup: Sendable {
    public let name: String
    public let endpoints: [UpstreamEndpoint]
    /// Who has an open breaker, for the circuit_open message: "every endpoint of general".
    let subject: String
    let details: [(String, String)]
}

/// What a caller's decoder makes of one answer that arrived (any status).
public enum UpstreamVerdict<Value: Sendable>: Sendable {
    case success(Value)
    /// `endpointFault`: the answer counts against the endpoint's breaker (a 5xx, a 429, a
    /// malformed body), unlike a request the server rightly refused. `retryable`: another
    /// attempt, maybe on another replica, could succeed.
    case failure(GatewayError, endpointFault: Bool, retryable: Bool)

    /// The policy for an unwanted status that the caller has no better reading of: the server
    /// is at fault for 5xx and 429, and only an overloaded or restarting one is asked again.
    static func unexpected(status: Int, _ error: GatewayError) -> UpstreamVerdict {
        .failure(error, endpointFault: status >= 500 || status == 429, retryable: RetrySchedule.isRetryable(status: status))
    }
}
