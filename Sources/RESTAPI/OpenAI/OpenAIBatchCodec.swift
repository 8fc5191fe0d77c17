import BatchAPI
import GatewayCore

/// What a Batch API request line means, in OpenAI's words (spec §8): the body of an embeddings,
/// completions or chat completions request, read by the same decoders as the real-time routes,
/// queued as a job of its model whatever the model's pattern; and the body of its answer.
/// Runs on: the batch coordinator's task.
public struct OpenAIBatchCodec: BatchLineCodec {
    let core: PatternCore

    public init(core: PatternCore) {
        self.core = core
    }

    public var endpoints: [String] { ["/v1/embeddings", "/v1/completions", "/v1/chat/completions"] }

    public func enqueue(endpoint: String, body: [UInt8], context: CallContext,
                        jobID: @escaping @Sendable (String) -> String) async throws(GatewayError) -> String {
        switch endpoint {
        case "/v1/embeddings":
            let q = try OpenAIEmbeddingsRequest.decode(body)
            let model = try core.model(named: q.model)
            if let d = q.dimensions, d != model.vectorSize {
                throw .invalid("\(model.name) makes \(model.vectorSize) dimensions, not \(d)", field: "dimensions")
            }
            return try await core.queueEmbedding(model: model.name, texts: q.texts, context: context, jobID: jobID)
        default:
            let q = try OpenAIGenerationRequest.decode(body, chat: endpoint == "/v1/chat/completions")
            // A batch line has nobody to stream to.
            guard !q.stream else { throw .invalid("stream is not available in a batch", field: "stream") }
            var call = q.call(context: context)
            call.urgent = false
            return try await core.queueGeneration(call, jobID: jobID)
        }
    }

    /// Embeddings come as floats (a batch line's `encoding_format` is not kept with its job).
    public func responseBody(endpoint: String, record: BatchRecord) -> [UInt8] {
        let created = record.completedAt.map { $0.nanosecondsSinceEpoch / 1_000_000_000 } ?? 0
        if let output = record.outputs?.first {
            return OpenAIEncoders.completion(output, model: record.job.model, id: OpenAIEncoders.completionID(chat: output.isChat),
                                             created: created)
        }
        return OpenAIEncoders.embeddings(data: OpenAIEncoders.embeddingData(record.embeddings ?? [], encoding: .float),
                                         model: record.job.model)
    }
}
