/// How a model is integrated (spec §1): answer now, queue and batch, or both by urgency.
public enum IntegrationPattern: String, Sendable, Codable, CaseIterable {
    case realTime = "real_time"
    case hybrid
    case bulkOnly = "bulk_only"
}

/// The request/response shape an upstream speaks.
public enum UpstreamDialect: String, Sendable, Codable, CaseIterable {
    /// vLLM, LM Studio: `POST /v1/embeddings`, health `GET /health`.
    case openai
    /// Ollama: `POST /api/embed`, health `GET /api/tags`.
    case ollama

    public var embedPath: String { self == .openai ? "/v1/embeddings" : "/api/embed" }
    public var healthPath: String { self == .openai ? "/health" : "/api/tags" }
}
