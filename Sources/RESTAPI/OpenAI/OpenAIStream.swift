import GatewayCore
import GatewayHTTP

/// Relays a core `GenerationStream` as OpenAI's server-sent events: each piece written and
/// flushed the moment the core hands it over, a failure as an error chunk then `[DONE]`. A client
/// gone (a write that fails, or the handler's task cancelled by the transport) stops the upstream
/// call, as on the REST stream.
/// Runs on: the request's handler task; the upstream transfer stays on the libcurl thread.
enum OpenAIStream {
    static func reply(_ s: GenerationStream, _ encoder: OpenAIChunkEncoder) -> Reply {
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/event-stream")
        headers.add("Cache-Control", "no-cache")
        // A buffering proxy in front (nginx) would hold the chunks back without it.
        headers.add("X-Accel-Buffering", "no")
        return Reply(status: 200, headers: headers, body: [], stream: { writer in
            defer { s.cancel() }
            do {
                if encoder.chat { try await writer.write(encoder.role()) }
                while true {
                    let chunk: GenerationChunk?
                    do throws(GatewayError) {
                        chunk = try await s.next()
                    } catch {
                        try await writer.write(OpenAIChunkEncoder.error(error))
                        break
                    }
                    guard let chunk else { break }
                    if !chunk.text.isEmpty { try await writer.write(encoder.delta(chunk.text)) }
                    if let reason = chunk.finishReason {
                        try await writer.write(encoder.finish(reason))
                        if encoder.includeUsage { try await writer.write(encoder.usage(chunk.usage ?? .zero)) }
                    }
                }
                try await writer.write(OpenAIChunkEncoder.done)
            } catch {
                return  // the client is gone: nothing more can reach it
            }
            writer.finish()
        })
    }
}
