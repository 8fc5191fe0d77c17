/// Which error body a path's answers use: OpenAI's `{"error":{"message","type","param","code"}}`
/// under `/v1/` (spec §8: the SDKs read it to raise their typed exceptions), the spec's §2 shape
/// everywhere else. One rule by path, so routes, refusals, 404s, 405s and the transport's own
/// answers (a body over the limit) of a path agree.
public enum ErrorDialect: Sendable, Equatable {
    case gateway
    case openAI

    public init(path: String) {
        self = path.hasPrefix("/v1/") ? .openAI : .gateway
    }
}
