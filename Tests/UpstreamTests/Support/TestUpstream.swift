#if canImport(Glibc)
import Glibc
#endif
import GatewayHTTP
import Logging
import Synchronization
import TLS
import Testing
import Transport
import Upstream

/// A local model-server stand-in on a free loopback port:
///   POST /echo           echoes the body; x-seen-* headers report what arrived
///   GET  /status/N       answers N (503 adds Retry-After: 2)
///   GET  /sleep?ms=N     answers 200 after N ms
///   GET  /big?bytes=N    N bytes; &chunked=1 streams them without a Content-Length
///   GET  /whoami         the verified client certificate's subject (mutual TLS)
/// It also records which client connections (remote addresses) sent requests.
final class TestUpstream: Sendable {
    let server: HTTPServer
    let port: Int
    let tlsPort: Int?
    private let seen = Observations()

    private final class Observations: Sendable {
        let state = Mutex<(connections: Set<String>, requests: Int)>(([], 0))
    }

    init(tls: TLSConfiguration? = nil) throws {
        var cfg = ServerConfiguration()
        cfg.host = "127.0.0.1"
        cfg.port = 0
        cfg.tlsPort = 0
        cfg.tls = tls
        cfg.eventLoops = 2
        var logger = Logger(label: "upstream-test")
        logger.logLevel = .error
        let seen = self.seen
        server = try HTTPServer(configuration: cfg, logger: logger) { request, writer in
            seen.state.withLock {
                $0.connections.insert(request.head.connection.remoteAddress)
                $0.requests += 1
            }
            await TestUpstream.handle(request, writer)
        }
        let ports = try server.start()
        port = ports.port
        tlsPort = ports.tlsPort
    }

    deinit { server.shutdown(gracePeriod: 0.5) }

    func url(_ pathAndQuery: String) -> String { "http://127.0.0.1:\(port)\(pathAndQuery)" }
    func tlsURL(_ pathAndQuery: String) -> String { "https://127.0.0.1:\(tlsPort ?? 0)\(pathAndQuery)" }

    /// Distinct client connections that have sent at least one request.
    var connectionCount: Int { seen.state.withLock { $0.connections.count } }
    var requestCount: Int { seen.state.withLock { $0.requests } }

    private static func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let head = request.head
        let query = Self.query(head.query)
        switch (head.method, head.path) {
        case ("POST", "/echo"), ("PUT", "/echo"):
            guard let body = try? await request.body.collect(upTo: 32 << 20) else {
                writer.respond(status: 413)
                return
            }
            var headers: HTTPHeaders = ["Content-Type": "application/octet-stream"]
            headers.add("X-Seen-Request-Id", head.headers["x-request-id"] ?? "none")
            headers.add("X-Seen-Method", head.method)
            headers.add("X-Seen-Content-Type", head.headers["content-type"] ?? "none")
            headers.add("X-Seen-Expect", head.headers["expect"] ?? "none")
            headers.add("X-Seen-Custom", head.headers["x-custom"] ?? "none")
            writer.respond(status: 200, headers: headers, body: body)
        case ("GET", let path) where path.hasPrefix("/status/"):
            let status = Int(path.dropFirst("/status/".count)) ?? 500
            var headers: HTTPHeaders = [:]
            if status == 503 { headers.add("Retry-After", "2") }
            writer.respond(status: status, headers: headers, body: Array("status \(status)".utf8))
        case ("GET", "/sleep"):
            let ms = Int(query["ms"] ?? "") ?? 0
            do {
                try await Task.sleep(for: .milliseconds(ms))
                writer.respond(status: 200, body: Array("slept \(ms)".utf8))
            } catch {
                // The client went away (cancelled or timed out); nobody is left to answer.
            }
        case ("GET", "/big"):
            let count = Int(query["bytes"] ?? "") ?? 0
            let body = TestUpstream.pattern(count)
            if query["chunked"] == "1" {
                writer.writeHead(status: 200, headers: [:])
                var offset = 0
                while offset < body.count {
                    let end = min(body.count, offset + 4096)
                    guard (try? await writer.write(Array(body[offset..<end]))) != nil else { return }
                    offset = end
                }
                writer.finish()
            } else {
                writer.respond(status: 200, body: body)
            }
        case ("GET", "/whoami"):
            let subject = head.connection.peerCertificateSubject ?? "anonymous"
            writer.respond(status: 200, body: Array(subject.utf8))
        default:
            writer.respond(status: 404)
        }
    }

    /// Bytes 0, 1, ..., 255, 0, 1, ...: position-dependent, so a lost or reordered chunk shows.
    /// Built by copying (not per byte), so a debug build does not hog a cooperative thread.
    static func pattern(_ count: Int) -> [UInt8] {
        let cycle = (0...255).map { UInt8($0) }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count { out.append(contentsOf: cycle.prefix(count - out.count)) }
        return out
    }

    private static func query(_ raw: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            out[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return out
    }
}

/// A loopback port nothing listens on: bound, then closed, so connecting is refused.
func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            _ = bind(fd, $0, length)
            _ = getsockname(fd, $0, &length)
        }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Sends `request` and returns the error, or records an issue when the call succeeded.
func expectFailure(_ client: UpstreamClient, _ request: UpstreamRequest) async -> UpstreamError? {
    do {
        let response = try await client.send(request)
        Issue.record("expected an error, got status \(response.status)")
        return nil
    } catch {
        return error
    }
}
