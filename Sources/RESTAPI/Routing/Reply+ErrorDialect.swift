import GatewayHTTP

extension Reply {
    /// `error` written the way `dialect` writes errors, with its headers (`Allow`, `Retry-After`).
    static func failure(_ error: APIError, _ context: RequestContext, _ dialect: ErrorDialect) -> Reply {
        switch dialect {
        case .gateway: .error(error, context)
        case .openAI: .openAIError(OpenAIError(error))
        }
    }
}
