import GatewayCore
import GatewayHTTP
import JSON

/// The OpenAI-compatible API's real-time routes (spec §8): `GET /v1/models`, `/v1/models/{model}`,
/// `POST /v1/embeddings`, `/v1/completions`, `/v1/chat/completions`. They only translate, into
/// the same core calls as REST with the protocol `openai`, so cache, breakers, keys, rate limits
/// and metrics are the same. Answers and errors take OpenAI's shapes and status codes.
/// Runs on: the request's handler task (see `RESTRouter`); upstream and disk work where the core puts it.
struct OpenAIRoutes: Sendable {
    let core: PatternCore
    /// When the gateway started: the models' `created`.
    let modelsCreated: Int64

    static let maxBodyBytes = Request.routeBodyLimit

    init(core: PatternCore) {
        self.core = core
        self.modelsCreated = core.wallTime().seconds
    }

    func models(_ request: Request, _ context: RequestContext) async -> Reply {
        .json(200, OpenAIEncoders.models(core.configuration.registry.models, created: modelsCreated))
    }

    /// An alias (`yi34`) answers as its canonical model.
    func model(_ request: Request, _ context: RequestContext) async -> Reply {
        do throws(GatewayError) {
            let m = try core.model(named: context.parameters["model"])
            var w = JSONWriter(capacity: 128)
            OpenAIEncoders.model(&w, m, created: modelsCreated)
            return .json(200, w.bytes)
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    // MARK: what the calls share

    /// The body, or nil when it is over the limit.
    func body(_ request: Request) async -> [UInt8]? {
        try? await request.routeBody()
    }

    static let bodyTooLarge = Reply.openAIError(OpenAIError(GatewayError(.payloadTooLarge, "the request body is too large")))

    /// The protocol cannot say "queued": a hybrid call whose real-time path is down gets the error.
    func callContext(_ context: RequestContext) -> CallContext {
        CallContext(requestID: context.requestID, trace: context.trace, protocolName: "openai", credential: context.credential, acceptsQueued: false)
    }

    /// The model named in the body if it can answer now: unknown is 404; bulk_only never answers
    /// now, so it is 400 pointing at the Batch API, where bulk models are reached.
    func realTimeModel(named name: String) throws(GatewayError) -> ModelConfig {
        let model = try core.model(named: name)
        guard model.pattern != .bulkOnly else {
            throw .invalid("\(model.name) is bulk_only: it answers through the queue, never at once; send this request "
                           + "through the Batch API instead (POST /v1/files with purpose \"batch\", then POST /v1/batches)",
                           field: "model")
        }
        return model
    }

    /// The core queued a call made urgent on a model that answers now: cannot happen while the
    /// checks above hold, and must not pass as a success if it ever does.
    static func notAnswered(_ model: ModelConfig) -> GatewayError {
        GatewayError(.internalError, "\(model.name) queued a real-time call")
    }
}
