import Upstream
import Tracing

/// Generation through the pool: the same endpoint choice, breakers, retries and metrics as an
/// embed. A streamed call counts as answered once its first chunk has been read; until then a
/// failure is retried like any other, after it nothing is replayed.
extension UpstreamPool {
    /// A whole generation.
    func generate(model: ModelConfig, input: GenerationInput, options: GenerationOptions,
                  requestID: String, trace: TraceContext) async throws(GatewayError) -> Answer<GeneratedText> {
        let group = try generationGroup(model)
        let started = clock.now()
        let deadline = started + .milliseconds(Int64(model.timeout * 1000))
        let body = GenerationWire.requestBody(model: model.upstreamModel, input: input, options: options,
                                              dialect: model.dialect, stream: false)
        let path = GenerationWire.path(model.dialect, chat: input.isChat)
        return try await call(group, started: started, deadline: deadline, request: { endpoint, timeout in
            Self.post(endpoint.url + path, body, requestID: requestID, trace: trace, timeout: timeout)
        }, decode: { (response, endpoint) -> UpstreamVerdict<GeneratedText> in
            guard response.status == 200 else {
                return .unexpected(status: response.status, Self.refused(model.name, endpoint.url, response.status, response.body))
            }
            do throws(GatewayError) {
                return .success(try GenerationWire.decode(response.body, dialect: model.dialect, chat: input.isChat))
            } catch {
                return .failure(error, endpointFault: true, retryable: false)
            }
        })
    }

    /// Opens a streamed generation and reads it up to its first chunk. The deadline (the model's
    /// timeout) covers the time to that chunk; `idleTimeout` each wait after it.
    func openGenerationStream(model: ModelConfig, input: GenerationInput, options: GenerationOptions,
                              requestID: String, trace: TraceContext, idleTimeout: Duration) async throws(GatewayError) -> Answer<OpenedGeneration> {
        let group = try generationGroup(model)
        let started = clock.now()
        let deadline = started + .milliseconds(Int64(model.timeout * 1000))
        let body = GenerationWire.requestBody(model: model.upstreamModel, input: input, options: options,
                                              dialect: model.dialect, stream: true)
        let path = GenerationWire.path(model.dialect, chat: input.isChat)
        let client = self.client
        let dialect = model.dialect
        return try await call(group, started: started, deadline: deadline, request: { endpoint, timeout in
            Self.post(endpoint.url + path, body, requestID: requestID, trace: trace, timeout: timeout)
        }, send: { request throws(UpstreamError) in
            try await Self.open(client, request, idleTimeout: idleTimeout, dialect: dialect, chat: input.isChat)
        }, decode: { (opened, endpoint) -> UpstreamVerdict<OpenedGeneration> in
            guard opened.status == 200 else {
                return .unexpected(status: opened.status, Self.refused(model.name, endpoint.url, opened.status, opened.errorBody))
            }
            if let failure = opened.failure {
                // An error event before any token: the server's fault, worth another replica.
                return .failure(failure, endpointFault: true, retryable: opened.malformed == false)
            }
            guard let stream = opened.stream else {
                return .failure(GatewayError(.upstreamError, "\(model.name) at \(endpoint.url) sent no stream"),
                                endpointFault: true, retryable: false)
            }
            return .success(OpenedGeneration(stream: stream, decoder: opened.decoder, first: opened.first))
        })
    }

    private func generationGroup(_ model: ModelConfig) throws(GatewayError) -> UpstreamGroup {
        guard let group = group(for: model.name) else {
            throw GatewayError.unknownModel(model.name, known: [])
        }
        return group
    }

    private static func post(_ url: String, _ body: [UInt8], requestID: String, trace: TraceContext,
                             timeout: Duration) -> UpstreamRequest {
        UpstreamRequest(method: "POST", url: url,
                        headers: UpstreamCallHeaders.json(requestID: requestID, trace: trace),
                        body: body, timeout: timeout)
    }

    /// "phi3 at http://…: HTTP 400: <the server's message>", with the upstream status in details.
    static func refused(_ model: String, _ url: String, _ status: Int, _ body: [UInt8]) -> GatewayError {
        let said = String(decoding: body.prefix(300), as: UTF8.self).filter { $0 != "\n" && $0 != "\r" }
        return GatewayError(.upstreamError, "\(model) at \(url) answered HTTP \(status)\(said.isEmpty ? "" : ": \(said)")",
                            details: [("upstream_status", String(status))])
    }

    /// Sends the request and reads until the first chunk (or the end, for an empty answer).
    private static func open(_ client: UpstreamClient, _ request: UpstreamRequest, idleTimeout: Duration,
                             dialect: UpstreamDialect, chat: Bool) async throws(UpstreamError) -> OpeningStream {
        let stream = try await client.stream(request, idleTimeout: idleTimeout)
        var opened = OpeningStream(status: stream.status, headers: stream.headers,
                                   decoder: GenerationStreamDecoder(dialect: dialect, chat: chat))
        guard stream.status == 200 else {
            opened.errorBody = (try? await stream.collect(upTo: 4096)) ?? []
            return opened
        }
        while opened.first.isEmpty {
            // A transport failure (timeout, reset) leaves here as what it is, for the pool's policy.
            let bytes = try await stream.next()
            do throws(GatewayError) {
                if let bytes {
                    opened.first = try opened.decoder.feed(bytes)
                } else {
                    opened.first = try opened.decoder.finish()
                }
            } catch {
                opened.failure = error
                opened.malformed = GenerationStreamDecoder.isMalformed(error)
                stream.cancel()
                return opened
            }
            if bytes == nil { break }
        }
        opened.stream = stream
        return opened
    }
}

/// A streamed generation between sending and its first chunk.
struct OpeningStream: UpstreamAnswer {
    var status: Int
    var headers: [(String, String)]
    var decoder: GenerationStreamDecoder
    var stream: UpstreamStream?
    var first: [GenerationChunk] = []
    var errorBody: [UInt8] = []
    var failure: GatewayError?
    var malformed = false

    init(status: Int, headers: [(String, String)], decoder: GenerationStreamDecoder) {
        self.status = status
        self.headers = headers
        self.decoder = decoder
    }

    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0 == lower }?.1
    }
}

/// A stream that has produced its first chunk.
struct OpenedGeneration: Sendable {
    var stream: UpstreamStream
    var decoder: GenerationStreamDecoder
    var first: [GenerationChunk]
}
