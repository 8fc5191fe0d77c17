import JSON
import Upstream

/// Reads a streamed generation as it arrives: SSE `data:` events of OpenAI chunks (openai) or
/// NDJSON lines (ollama), in any split. Text comes out as soon as a piece of it is complete; the
/// finish reason and the usage (openai's `stream_options.include_usage` chunk, ollama's counts on
/// its `done` line) come out together as one last chunk with empty text, when the upstream says it
/// is done. An error event, or the body ending before that, is an `upstream_error`.
/// Runs on: whichever task reads the stream (a value type).
public struct GenerationStreamDecoder: Sendable {
    public let dialect: UpstreamDialect
    public let chat: Bool
    private var sse = SSEDecoder(maxEventBytes: 1 << 20)
    private var lines = NDJSONDecoder(maxLineBytes: 1 << 20)
    private var reason: String?
    private var usage: TokenUsage?
    public private(set) var isFinished = false

    public init(dialect: UpstreamDialect, chat: Bool) {
        self.dialect = dialect
        self.chat = chat
    }

    /// The chunks `bytes` completed. Bytes after the end are ignored.
    public mutating func feed(_ bytes: [UInt8]) throws(GatewayError) -> [GenerationChunk] {
        guard !isFinished else { return [] }
        var out: [GenerationChunk] = []
        switch dialect {
        case .openai:
            let events: [SSEDecoder.Event]
            do { events = try sse.feed(bytes) } catch { throw Self.malformed("upstream stream event too large") }
            for e in events where !isFinished { try openAI(e.data, &out) }
        case .ollama:
            let done: [[UInt8]]
            do { done = try lines.feed(bytes) } catch { throw Self.malformed("upstream stream line too long") }
            for line in done where !isFinished { try ollama(line, &out) }
        }
        return out
    }

    /// The body ended: fine after the upstream's end marker, a cut stream otherwise.
    public mutating func finish() throws(GatewayError) -> [GenerationChunk] {
        var out: [GenerationChunk] = []
        if !isFinished, dialect == .ollama, let last = lines.finish() { try ollama(last, &out) }
        guard isFinished else { throw GatewayError(.upstreamError, "the upstream ended the stream before it was done") }
        return out
    }

    private mutating func end(_ out: inout [GenerationChunk]) {
        isFinished = true
        out.append(GenerationChunk(text: "", finishReason: reason ?? "stop", usage: usage ?? .zero))
    }

    private mutating func openAI(_ data: String, _ out: inout [GenerationChunk]) throws(GatewayError) {
        if data == "[DONE]" {
            end(&out)
            return
        }
        guard let v = try? JSON.parse(data) else { throw Self.malformed("upstream stream event is not JSON") }
        if let error = v["error"] { throw Self.upstreamError(error) }
        if let u = GenerationWire.openAIUsage(v["usage"]) { usage = u }
        guard let choice = v["choices"]?[0] else { return }
        let piece = chat ? choice["delta"]?["content"]?.stringValue : choice["text"]?.stringValue
        if let piece, !piece.isEmpty { out.append(GenerationChunk(text: piece)) }
        if let r = choice["finish_reason"]?.stringValue { reason = r }
    }

    private mutating func ollama(_ line: [UInt8], _ out: inout [GenerationChunk]) throws(GatewayError) {
        guard let v = try? JSON.parse(line) else { throw Self.malformed("upstream stream line is not JSON") }
        if let error = v["error"] { throw Self.upstreamError(error) }
        let piece = chat ? v["message"]?["content"]?.stringValue : v["response"]?.stringValue
        if let piece, !piece.isEmpty { out.append(GenerationChunk(text: piece)) }
        if v["done"]?.boolValue == true {
            reason = v["done_reason"]?.stringValue
            usage = GenerationWire.ollamaUsage(v)
            end(&out)
        }
    }

    /// A stream that cannot be read, unlike one the upstream broke off or reported an error in:
    /// asking again would get the same.
    public static func isMalformed(_ error: GatewayError) -> Bool {
        error.details.contains { $0.0 == "stream" && $0.1 == "malformed" }
    }

    private static func malformed(_ message: String) -> GatewayError {
        GatewayError(.upstreamError, message, details: [("stream", "malformed")])
    }

    private static func upstreamError(_ error: JSONValue) -> GatewayError {
        let message = error["message"]?.stringValue ?? error.stringValue ?? "an error event"
        return GatewayError(.upstreamError, "the upstream failed mid-stream: \(message)")
    }
}
