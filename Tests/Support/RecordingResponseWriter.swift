import GatewayHTTP
import Synchronization

/// An in-memory `ResponseWriter`: records what a handler sends, for the tests of every front-end
/// to inspect.
public final class RecordingResponseWriter: ResponseWriter {
    public struct Recorded: Sendable {
        public var status: Int?
        public var headers = HTTPHeaders()
        public var body: [UInt8] = []
        public var trailers: HTTPHeaders?
        /// How many times each entry point was called.
        public var respondCalls = 0
        public var writeHeadCalls = 0
        public var writeCalls = 0
        public var finishCalls = 0

        public var bodyString: String { String(decoding: body, as: UTF8.self) }
    }

    private let state = Mutex(Recorded())

    public init() {}

    public var recorded: Recorded { state.withLock { $0 } }

    public func respond(status: Int, headers: HTTPHeaders, body: [UInt8], trailers: HTTPHeaders?) {
        state.withLock {
            $0.respondCalls += 1
            $0.status = status
            $0.headers = headers
            $0.body = body
            $0.trailers = trailers
        }
    }

    public func writeHead(status: Int, headers: HTTPHeaders) {
        state.withLock {
            $0.writeHeadCalls += 1
            $0.status = status
            $0.headers = headers
        }
    }

    public func write(_ bytes: [UInt8]) async throws {
        state.withLock {
            $0.writeCalls += 1
            $0.body += bytes
        }
    }

    public func finish(trailers: HTTPHeaders?) {
        state.withLock {
            $0.finishCalls += 1
            $0.trailers = trailers
        }
    }
}
