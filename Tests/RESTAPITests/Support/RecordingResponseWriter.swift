import GatewayHTTP
import Synchronization

/// An in-memory `ResponseWriter`: records what a handler sends, for the tests to inspect.
final class RecordingResponseWriter: ResponseWriter {
    struct Recorded: Sendable {
        var status: Int?
        var headers = HTTPHeaders()
        var body: [UInt8] = []
        var trailers: HTTPHeaders?
        /// How many times each entry point was called.
        var respondCalls = 0
        var writeHeadCalls = 0
        var writeCalls = 0
        var finishCalls = 0

        var bodyString: String { String(decoding: body, as: UTF8.self) }
    }

    private let state = Mutex(Recorded())

    var recorded: Recorded { state.withLock { $0 } }

    func respond(status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        state.withLock {
            $0.respondCalls += 1
            $0.status = status
            $0.headers = headers
            $0.body = body
            $0.trailers = trailers
        }
    }

    func writeHead(status: Int, headers: HTTPHeaders) {
        state.withLock {
            $0.writeHeadCalls += 1
            $0.status = status
            $0.headers = headers
        }
    }

    func write(_ bytes: [UInt8]) async throws {
        state.withLock {
            $0.writeCalls += 1
            $0.body += bytes
        }
    }

    func finish(trailers: HTTPHeaders?) {
        state.withLock {
            $0.finishCalls += 1
            $0.trailers = trailers
        }
    }
}
