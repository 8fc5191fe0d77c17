/// Which error body a path's answers use: OpenAI's `{"error":{"message","type","param","code"}}`
/// under `/v1/` (spec §8: the SDKs read it to raise their typed exceptions), the spec's §2 shape
/// everywhere else. One rule by path, so routes, refusals, 404s and 405s of a path agree.
enum ErrorDialect: Sendable, Equatable {
    case gateway
    case openAI

    init(path: String) {
        self = path.hasPrefix("/v1/") ? .openAI : .gateway
    }
}

extension Reply {
    /// `error` written the way `dialect` writes errors, with its headers (`Allow`, `Retry-After`).
    static func failure(_ error: APIError, _ context: RequestContext, _ dialect: ErrorDialect) -> Reply {
        switch dialect {
        case .gateway: .error(error, context)
        case .openAI: .openAIError(OpenAIError(error))
        }
    }
}
