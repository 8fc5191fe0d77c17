import GatewayHTTP
import JSON
import Synchronization
import Transport
@testable import GatewayCore

/// A model server that generates `tokens` pieces "t0 ", "t1 ", … for every call, in the openai
/// dialect (whole or SSE), with scripted failures: the core's generation tests steer it exactly.
final class FakeGenerator: Sendable {
    enum Answer: Sendable {
        case ok
        case status(Int)
        /// Streams this many pieces, then closes without the end marker.
        case cut(after: Int)
        /// Streams this many pieces, then sends nothing more until the client leaves.
        case stall(after: Int)
    }

    let server: HTTPServer
    let url: String
    private let state = State()

    private final class State: Sendable {
        let script = Mutex<[Answer]>([])
        let calls = Atomic<Int>(0)
        let abandoned = Atomic<Int>(0)
        let bodies = Mutex<[JSONValue]>([])
    }

    init(tokens: Int = 5, tokenDelay: Duration = .zero) throws {
        let state = self.state
        (server, url) = try loopbackServer { request, writer in
            state.calls.add(1, ordering: .relaxed)
            let body = (try? JSON.parse(await request.body.collect(upTo: 1 << 20))) ?? .null
            state.bodies.withLock { $0.append(body) }
            let chat = request.head.path.hasSuffix("/chat/completions")
            let answer = state.script.withLock { $0.isEmpty ? .ok : $0.removeFirst() }
            if case .status(let code) = answer {
                writer.respond(status: code, headers: ["Content-Type": "application/json"],
                               body: Array(#"{"object":"error","message":"scripted"}"#.utf8))
                return
            }
            let pieces = (0..<tokens).map { "t\($0) " }
            guard body["stream"]?.boolValue == true else {
                let text = pieces.joined()
                let choice = chat ? #"{"index":0,"message":{"role":"assistant","content":"\#(text)"},"finish_reason":"stop"}"#
                    : #"{"index":0,"text":"\#(text)","finish_reason":"stop"}"#
                writer.respond(status: 200, headers: ["Content-Type": "application/json"], body: Array(
                    #"{"choices":[\#(choice)],"usage":{"prompt_tokens":2,"completion_tokens":\#(tokens),"total_tokens":\#(tokens + 2)}}"#.utf8))
                return
            }
            writer.writeHead(status: 200, headers: ["Content-Type": "text/event-stream"])
            for (i, p) in pieces.enumerated() {
                if case .cut(let n) = answer, i == n { return }  // no finish: the connection is dropped
                if case .stall(let n) = answer, i == n {
                    while (try? await Task.sleep(for: .milliseconds(10))) != nil {}
                    state.abandoned.add(1, ordering: .relaxed)
                    return
                }
                let chunk = chat ? #"{"choices":[{"index":0,"delta":{"content":"\#(p)"},"finish_reason":null}]}"#
                    : #"{"choices":[{"index":0,"text":"\#(p)","finish_reason":null}]}"#
                guard (try? await writer.write(Array("data: \(chunk)\n\n".utf8))) != nil else {
                    state.abandoned.add(1, ordering: .relaxed)
                    return
                }
                if tokenDelay > .zero {
                    guard (try? await Task.sleep(for: tokenDelay)) != nil else {
                        state.abandoned.add(1, ordering: .relaxed)
                        return
                    }
                }
            }
            let end = #"{"choices":[{"index":0,"text":"","finish_reason":"stop"}]}"#
            let usage = #"{"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":\#(tokens),"total_tokens":\#(tokens + 2)}}"#
            _ = try? await writer.write(Array("data: \(end)\n\ndata: \(usage)\n\ndata: [DONE]\n\n".utf8))
            writer.finish()
        }
    }

    func then(_ answers: Answer...) { state.script.withLock { $0.append(contentsOf: answers) } }
    var calls: Int { state.calls.load(ordering: .relaxed) }
    var abandoned: Int { state.abandoned.load(ordering: .relaxed) }
    var lastBody: JSONValue? { state.bodies.withLock { $0.last } }
    func stop() { server.shutdown(gracePeriod: 0.2) }
}
