import GatewayHTTP
import Synchronization

/// The response side of one call. Ends exactly once: a deadline firing while the method is still
/// running must not race the method's own ending, so `finish` is first-come.
final class GRPCResponder: Sendable {
    private struct State {
        var headersSent = false
        var finished = false
    }

    private let writer: any ResponseWriter
    private let state = Mutex(State())
    static let responseHeaders: HTTPHeaders = ["content-type": "application/grpc", "grpc-accept-encoding": "identity"]

    init(_ writer: any ResponseWriter) {
        self.writer = writer
    }

    var isFinished: Bool { state.withLock { $0.finished } }

    /// A whole unary answer at once: headers, one message, trailers, in one hop to the loop.
    func respond(_ message: [UInt8], trailers extra: [(String, String)] = []) {
        let first = state.withLock { s -> Bool in
            guard !s.finished, !s.headersSent else { return false }
            s.finished = true
            s.headersSent = true
            return true
        }
        guard first else { return }
        var trailers = HTTPHeaders()
        for (n, v) in GRPCStatus.ok.fields() + extra { trailers.add(n, v) }
        writer.respond(status: 200, headers: Self.responseHeaders, body: GRPCFrame.frame(message), trailers: trailers)
    }

    /// One message of a streamed answer; the headers go out before the first.
    func send(_ message: [UInt8]) async throws(GRPCStatus) {
        let (open, needsHead) = state.withLock { s -> (Bool, Bool) in
            guard !s.finished else { return (false, false) }
            defer { s.headersSent = true }
            return (true, !s.headersSent)
        }
        guard open else { throw GRPCStatus(.cancelled, "the call has ended") }
        if needsHead { writer.writeHead(status: 200, headers: Self.responseHeaders) }
        do {
            try await writer.write(GRPCFrame.frame(message))
        } catch {
            throw GRPCStatus(.cancelled, "the client went away")
        }
    }

    /// Ends the call with `status`: trailers after a streamed answer, or Trailers-Only (a single
    /// HEADERS frame carrying the status) when nothing was sent yet.
    func finish(_ status: GRPCStatus, trailers extra: [(String, String)] = []) {
        let headersSent = state.withLock { s -> Bool? in
            guard !s.finished else { return nil }
            s.finished = true
            return s.headersSent
        }
        guard let headersSent else { return }
        var fields = HTTPHeaders()
        for (n, v) in status.fields() + extra { fields.add(n, v) }
        if headersSent {
            writer.finish(trailers: fields)
        } else {
            var headers = Self.responseHeaders
            for f in fields { headers.add(f.name, f.value) }
            writer.respond(status: 200, headers: headers, body: [], trailers: nil)
        }
    }
}
