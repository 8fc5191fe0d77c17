/// The endpoints one kind of call goes to: a model's replicas, or the Qdrant vector store. Each
/// endpoint has its own breaker and health check; the group has one retry policy. The name
/// labels the metrics (`model="general"`, `model="qdrant"`) and the messages.
public struct UpstreamGroup: Sendable {
    public let name: String
    public let endpoints: [UpstreamEndpoint]
    /// Who has an open breaker, for the circuit_open message: "every endpoint of general".
    let subject: String
    let details: [(String, String)]
    public let retry: RetryPolicy
    let schedule: RetrySchedule
}

/// What a caller's decoder makes of one answer that arrived (any status).
public enum UpstreamVerdict<Value: Sendable>: Sendable {
    case success(Value)
    /// `endpointFault`: the answer counts against the endpoint's breaker (a malformed body),
    /// unlike a request the server rightly refused. `retryable`: another attempt, maybe on
    /// another replica, could succeed.
    case failure(GatewayError, endpointFault: Bool, retryable: Bool)
    /// An unwanted status the caller has no better reading of: the server is at fault for 5xx
    /// and 429, and the group's retry policy decides whether to ask again.
    case status(Int, GatewayError)

    static func unexpected(status: Int, _ error: GatewayError) -> UpstreamVerdict {
        .status(status, error)
    }
}

extension UpstreamVerdict {
    /// The failure as the pool acts on it under `policy`; nil for a success.
    func failure(under policy: RetryPolicy) -> (error: GatewayError, endpointFault: Bool, retryable: Bool)? {
        switch self {
        case .success: return nil
        case .failure(let error, let endpointFault, let retryable): return (error, endpointFault, retryable)
        case .status(let code, let error): return (error, code >= 500 || code == 429, policy.retries(status: code))
        }
    }
}
