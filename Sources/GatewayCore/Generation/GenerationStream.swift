import Synchronization
import Upstream

/// A generation as it streams from its upstream, for a front-end to relay: text pieces as they
/// come (pieces read together come out as one), then one last chunk with the finish reason and
/// the usage. Reading is back-pressured through to the upstream read. Ends with `upstream_timeout`
/// when the upstream goes quiet for the idle limit, `upstream_error` when it breaks off; a
/// stream that is cancelled or dropped before its end stops the upstream call at once.
/// Runs on: the task that reads it; the upstream transfer runs on the libcurl thread.
public final class GenerationStream: Sendable {
    public enum End: Sendable {
        case completed(finishReason: String, usage: TokenUsage)
        case failed(GatewayError)
        /// Cancelled or dropped before its end.
        case abandoned
    }

    public let model: String
    public let pattern: IntegrationPattern
    /// The base URL of the replica that answered.
    public let endpoint: String
    public let isChat: Bool
    public let urgent: Bool

    private struct State {
        var decoder: GenerationStreamDecoder
        var pending: [GenerationChunk]
        var ended = false
    }

    private let upstream: UpstreamStream
    private let state: Mutex<State>
    private let idleSeconds: Double
    private let onEnd: @Sendable (End) -> Void

    init(model: String, pattern: IntegrationPattern, endpoint: String, isChat: Bool, urgent: Bool,
         opened: OpenedGeneration, idleSeconds: Double, onEnd: @escaping @Sendable (End) -> Void) {
        self.model = model
        self.pattern = pattern
        self.endpoint = endpoint
        self.isChat = isChat
        self.urgent = urgent
        self.upstream = opened.stream
        self.state = Mutex(State(decoder: opened.decoder, pending: opened.first))
        self.idleSeconds = idleSeconds
        self.onEnd = onEnd
    }

    deinit { cancel() }

    /// The next piece, or nil after the last one (the one with `finishReason`).
    public func next() async throws(GatewayError) -> GenerationChunk? {
        while true {
            let ready: GenerationChunk?? = state.withLock { s in
                if s.ended && s.pending.isEmpty { return .some(nil) }
                return Self.takeMerged(&s.pending).map { .some($0) }
            }
            if let ready {
                if let chunk = ready, chunk.finishReason != nil { end(.completed(finishReason: chunk.finishReason!, usage: chunk.usage ?? .zero)) }
                return ready
            }
            let bytes: [UInt8]?
            do {
                bytes = try await upstream.next()
            } catch {
                throw fail(error.kind == .timeout
                    ? GatewayError(.upstreamTimeout, "\(model) at \(endpoint) sent no token for \(Self.format(idleSeconds)) s")
                    : error.kind == .cancelled
                    ? GatewayError(.unavailable, "the stream was cancelled")
                    : GatewayError(.upstreamError, "\(model) at \(endpoint) broke off the stream: \(error.message)"))
            }
            do throws(GatewayError) {
                try state.withLock { s throws(GatewayError) in
                    if let bytes {
                        s.pending += try s.decoder.feed(bytes)
                    } else {
                        s.pending += try s.decoder.finish()
                    }
                    if bytes == nil || s.decoder.isFinished { s.ended = true }
                }
            } catch {
                throw fail(error)
            }
        }
    }

    /// Stops the upstream call now, unless the stream already ended.
    public func cancel() {
        upstream.cancel()
        end(.abandoned)
    }

    /// Text pieces read together become one; the closing chunk always comes alone.
    private static func takeMerged(_ pending: inout [GenerationChunk]) -> GenerationChunk? {
        guard let first = pending.first else { return nil }
        if first.finishReason != nil {
            pending.removeFirst()
            return first
        }
        var text = ""
        var taken = 0
        for c in pending {
            guard c.finishReason == nil else { break }
            text += c.text
            taken += 1
        }
        pending.removeFirst(taken)
        return GenerationChunk(text: text)
    }

    private func fail(_ error: GatewayError) -> GatewayError {
        upstream.cancel()
        end(.failed(error))
        return error
    }

    private let reported = Atomic<Bool>(false)

    /// Reports the end once, whichever way it came.
    private func end(_ how: End) {
        guard reported.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        onEnd(how)
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
