import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A model server in the openai dialect on a free 127.0.0.1 port, for the generation methods'
/// tests: every call generates `tokens` pieces "t0 ", "t1 ", … (whole, or as SSE in chunked
/// encoding, one event per piece, `tokenDelay` before each), with scripted faults. Plain POSIX
/// sockets and one thread per connection (this test target has no server transport of its own);
/// a client that goes away is noticed between pieces and counted as `abandoned`.
final class FakeModelServer: Sendable {
    enum Answer: Sendable {
        case ok
        /// This many pieces, then the connection closes without the end of the stream.
        case cut(after: Int)
        /// This many pieces, then nothing until the client leaves.
        case stall(after: Int)
        /// This many pieces, then an error event, and the stream ends.
        case errorEvent(after: Int)
    }

    let url: String
    let tokens: Int
    private let tokenDelay: Duration
    private let listener: Int32
    private let state = Mutex(State())

    private struct State {
        var script: [Answer] = []
        var calls = 0
        var abandoned = 0
        var completed = 0
        var requests: [(path: String, body: String)] = []
    }

    init(tokens: Int = 4, tokenDelay: Duration = .zero) throws {
        self.tokens = tokens
        self.tokenDelay = tokenDelay
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        url = "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))"
        Thread { [self] in acceptLoop() }.start()
    }

    func then(_ answers: Answer...) { state.withLock { $0.script += answers } }
    var calls: Int { state.withLock { $0.calls } }
    var abandoned: Int { state.withLock { $0.abandoned } }
    var completed: Int { state.withLock { $0.completed } }
    var lastRequest: (path: String, body: String)? { state.withLock { $0.requests.last } }

    /// The last request's body as a JSON object.
    var lastBody: [String: Any] {
        guard let body = lastRequest?.body,
              let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return [:] }
        return object
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// Waits (bounded) until `condition` holds; true if it did.
    func eventually(_ seconds: Double = 3, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    // MARK: serving

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return  // the listener was closed
            }
            Thread { [self] in
                serve(fd)
                close(fd)
            }.start()
        }
    }

    private func serve(_ fd: Int32) {
        guard let (method, path, body) = readRequest(fd) else { return }
        guard method == "POST" else {
            _ = send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
            return
        }
        let answer = state.withLock { s -> Answer in
            s.calls += 1
            s.requests.append((path, body))
            return s.script.isEmpty ? .ok : s.script.removeFirst()
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        let chat = path.hasSuffix("/chat/completions")
        let pieces = (0..<tokens).map { "t\($0) " }
        let usage = #"{"prompt_tokens":2,"completion_tokens":\#(tokens),"total_tokens":\#(tokens + 2)}"#
        guard json["stream"] as? Bool == true else {
            let text = pieces.joined()
            let choice = chat ? #"{"index":0,"message":{"role":"assistant","content":"\#(text)"},"finish_reason":"stop"}"#
                : #"{"index":0,"text":"\#(text)","finish_reason":"stop"}"#
            let whole = #"{"choices":[\#(choice)],"usage":\#(usage)}"#
            _ = send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(whole.utf8.count)\r\n"
                         + "Connection: close\r\n\r\n" + whole)
            record { $0.completed += 1 }
            return
        }
        guard send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                       + "Connection: close\r\n\r\n") else { return record { $0.abandoned += 1 } }
        for (i, piece) in pieces.enumerated() {
            switch answer {
            case .cut(let n) where n == i:
                return  // closed by the caller, without the last chunk
            case .stall(let n) where n == i:
                while !clientLeft(fd, within: .milliseconds(50)) {}
                return record { $0.abandoned += 1 }
            case .errorEvent(let n) where n == i:
                _ = send(fd, chunked(#"data: {"error":{"message":"injected failure","code":500}}"# + "\n\n") + "0\r\n\r\n")
                return
            default:
                break
            }
            if clientLeft(fd, within: tokenDelay) { return record { $0.abandoned += 1 } }
            let event = chat ? #"{"choices":[{"index":0,"delta":{"content":"\#(piece)"},"finish_reason":null}]}"#
                : #"{"choices":[{"index":0,"text":"\#(piece)","finish_reason":null}]}"#
            guard send(fd, chunked("data: \(event)\n\n")) else { return record { $0.abandoned += 1 } }
        }
        let end = #"{"choices":[{"index":0,"text":"","finish_reason":"stop"}]}"#
        let tail = "data: \(end)\n\n" + #"data: {"choices":[],"usage":\#(usage)}"# + "\n\ndata: [DONE]\n\n"
        guard send(fd, chunked(tail) + "0\r\n\r\n") else { return record { $0.abandoned += 1 } }
        record { $0.completed += 1 }
    }

    private func record(_ change: (inout State) -> Void) {
        state.withLock { change(&$0) }
    }

    private func chunked(_ s: String) -> String {
        String(s.utf8.count, radix: 16) + "\r\n" + s + "\r\n"
    }

    /// The request line's method and path and the body (Content-Length); nil if the peer left.
    private func readRequest(_ fd: Int32) -> (String, String, String)? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        func more() -> Bool {
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return false }
            buffer += chunk[0..<n]
            return true
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            guard more() else { return nil }
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { Array(buffer[$0..<($0 + 4)]) == separator }
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var contentLength = 0
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        let bodyStart = headEnd! + 4
        while buffer.count - bodyStart < contentLength {
            guard more() else { return nil }
        }
        let body = String(decoding: buffer[bodyStart..<(bodyStart + contentLength)], as: UTF8.self)
        return (String(requestLine[0]), String(requestLine[1]), body)
    }

    /// Waits up to `within` for the client to close its end; true if it did.
    private func clientLeft(_ fd: Int32, within: Duration) -> Bool {
        let (seconds, attoseconds) = within.components
        let ms = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, ms) > 0 else { return false }
        if p.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    private func send(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
