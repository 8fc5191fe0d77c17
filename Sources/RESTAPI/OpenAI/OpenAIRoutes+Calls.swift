import GatewayCore
import GatewayHTTP

/// `POST /v1/embeddings`, `/v1/completions` and `/v1/chat/completions` (spec §8): real-time
/// calls, so hybrid models take the urgent path and bulk_only models are refused.
extension OpenAIRoutes {
    func embeddings(_ request: Request, _ context: RequestContext) async -> Reply {
        guard let body = await body(request) else { return Self.bodyTooLarge }
        do throws(GatewayError) {
            let q = try OpenAIEmbeddingsRequest.decode(body)
            let model = try realTimeModel(named: q.model)
            if let d = q.dimensions, d != model.vectorSize {
                throw .unsupported("dimensions is \(d); \(model.name) makes \(model.vectorSize)-dimensional vectors and "
                                   + "cannot shorten them", field: "dimensions")
            }
            let call = EmbedCall(model: model.name, texts: q.texts, single: q.single, urgent: true, context: callContext(context))
            let outcome: EmbedOutcome
            do { outcome = try await core.embed(call) } catch { throw error.renamingField(Self.inputField) }
            guard case .completed(let c) = outcome else { throw Self.notAnswered(model) }
            let data = core.encodedVectors(c, variant: "#openai-" + q.encoding.rawValue) {
                OpenAIEncoders.embeddingData($0, encoding: q.encoding)
            }
            var r = Reply.json(200, OpenAIEncoders.embeddings(data: data, model: c.model))
            r.headers.add("X-Cache", c.cached ? "HIT" : "MISS")
            r.upstreamMilliseconds = c.upstreamMs
            return r
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    func completions(_ request: Request, _ context: RequestContext) async -> Reply {
        await generate(request, context, chat: false)
    }

    func chatCompletions(_ request: Request, _ context: RequestContext) async -> Reply {
        await generate(request, context, chat: true)
    }

    private func generate(_ request: Request, _ context: RequestContext, chat: Bool) async -> Reply {
        guard let body = await body(request) else { return Self.bodyTooLarge }
        do throws(GatewayError) {
            let q = try OpenAIGenerationRequest.decode(body, chat: chat)
            let model = try realTimeModel(named: q.model)
            let outcome: GenerateOutcome
            do {
                outcome = try await core.generate(q.call(context: callContext(context)))
            } catch {
                throw error.renamingField { $0 == "max_tokens" ? q.maxTokensField : $0 }
            }
            let id = OpenAIEncoders.completionID(chat: chat)
            let created = core.wallTime().seconds
            switch outcome {
            case .completed(let c):
                var r = Reply.json(200, OpenAIEncoders.completion(c, id: id, created: created))
                r.upstreamMilliseconds = c.upstreamMs
                return r
            case .streaming(let s):
                let encoder = OpenAIChunkEncoder(id: id, created: created, model: s.model, chat: chat,
                                                 includeUsage: q.includeUsage)
                return OpenAIStream.reply(s, encoder)
            case .queued:
                throw Self.notAnswered(model)
            }
        } catch {
            return .openAIError(OpenAIError(error))
        }
    }

    /// The core names the texts `text`, `texts` and `texts[i]`; OpenAI's body calls them `input`.
    static func inputField(_ field: String) -> String {
        if field == "text" || field == "texts" { return "input" }
        if field.hasPrefix("texts[") { return "input" + field.dropFirst("texts".count) }
        return field
    }
}
