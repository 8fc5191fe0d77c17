import GraphQL
import JSON

/// GraphQL over Server-Sent Events, distinct connections mode (graphql-sse PROTOCOL.md): an
/// `event: next` per execution result, then one `event: complete`. A result is compact JSON, so
/// one `data:` line carries it (JSON strings escape their line breaks).
enum EventStreamFraming {
    static let contentType = "text/event-stream; charset=utf-8"

    /// Whether the client asks for the event stream: `text/event-stream` among its Accept ranges
    /// with a q above 0 (graphql-sse's client sends exactly that type).
    static func accepts(_ accept: String?) -> Bool {
        guard let accept else { return false }
        for range in accept.split(separator: ",") {
            let params = range.split(separator: ";").map { $0.trimmingSpaces().lowercased() }
            guard params.first == "text/event-stream" else { continue }
            let q = params.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if q > 0 { return true }
        }
        return false
    }

    static func next(_ result: SerializedExecutionResult, extensions: JSONObject? = nil) -> [UInt8] {
        Array("event: next\ndata: ".utf8) + result.json(extensions: extensions) + Array("\n\n".utf8)
    }

    /// `data:` with nothing after it still makes a browser's EventSource dispatch the event
    /// (an event with no data line at all is dropped, WHATWG HTML §9.2.6).
    static let complete: [UInt8] = Array("event: complete\ndata:\n\n".utf8)

    /// A comment line: keeps proxies and clients from timing out a quiet stream.
    static let keepAlive: [UInt8] = Array(":\n\n".utf8)
}
