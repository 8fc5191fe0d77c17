#if canImport(Glibc)
import Glibc
#endif
import Testing
import Upstream

/// Not a test: what the client adds to a call. Runs only with UPSTREAM_LATENCY=1, since numbers
/// from a loaded machine or a debug build mean little:
///   UPSTREAM_LATENCY=1 swift test --filter UpstreamLatencyMeasurement
/// It compares the p50 of 2,000 sequential small POSTs through the client with the same POSTs
/// written by hand on one blocking keep-alive socket (the server's handling plus the kernel),
/// interleaved one for one.
@Suite("Latency measurement", .enabled(if: getenv("UPSTREAM_LATENCY") != nil), .serialized)
struct UpstreamLatencyMeasurement {
    static let count = 2_000
    static let body = Array(#"{"input":"ping"}"#.utf8)

    @Test func addedLatency() async throws {
        let upstream = try TestUpstream()
        let client = try UpstreamClient()

        let socket = try BlockingHTTPClient(port: upstream.port)
        // Warm both paths up (connections, allocator, caches), then alternate them so that
        // neither gets the quieter half of the run.
        for _ in 0..<200 {
            try socket.post("/echo", body: Self.body)
            _ = try await client.send(UpstreamRequest(url: upstream.url("/echo"), body: Self.body))
        }
        var direct: [Duration] = []
        var viaClient: [Duration] = []
        var insideCurl: [Int] = []
        for _ in 0..<Self.count {
            var started = ContinuousClock.now
            try socket.post("/echo", body: Self.body)
            direct.append(ContinuousClock.now - started)

            started = ContinuousClock.now
            let response = try await client.send(UpstreamRequest(url: upstream.url("/echo"), body: Self.body))
            viaClient.append(ContinuousClock.now - started)
            insideCurl.append(response.totalMicroseconds)
            #expect(response.status == 200)
        }
        let directP50 = Self.p50(direct)
        let clientP50 = Self.p50(viaClient)
        print("""
            upstream latency, \(Self.count) sequential POSTs of \(Self.body.count) bytes (p50 / p99):
              raw socket (server + kernel): \(directP50) µs / \(Self.p99(direct)) µs
              UpstreamClient.send:          \(clientP50) µs / \(Self.p99(viaClient)) µs
              of which curl (total_time):   \(insideCurl.sorted()[insideCurl.count / 2]) µs
              added by the client (p50):    \(clientP50 - directP50) µs
              connections used:             \(upstream.connectionCount) (1 raw + client's)
            """)
        client.shutdown()
    }

    static func micros(_ d: Duration) -> Int {
        Int(d.components.seconds) * 1_000_000 + Int(d.components.attoseconds / 1_000_000_000_000)
    }
    static func p50(_ samples: [Duration]) -> Int { micros(samples.sorted()[samples.count / 2]) }
    static func p99(_ samples: [Duration]) -> Int { micros(samples.sorted()[samples.count * 99 / 100]) }
}

/// One keep-alive connection, written and read by hand: the baseline with no client library.
final class BlockingHTTPClient {
    let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 65536)

    struct Failure: Error {}

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if rc != 0 {
            close(fd)
            throw Failure()
        }
    }

    deinit { close(fd) }

    /// Sends one POST and reads until the Content-Length body is in.
    func post(_ path: String, body: [UInt8]) throws {
        let head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n\r\n"
        let request = Array(head.utf8) + body
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count
        else { throw Failure() }
        var received: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure() }
            received.append(contentsOf: buffer[0..<n])
            if let total = Self.completeLength(received), received.count >= total { return }
        }
    }

    /// Head plus Content-Length, once the head is in.
    private static func completeLength(_ bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let headEnd = text.utf8.firstRange(of: "\r\n\r\n".utf8) else { return nil }
        let head = text[..<headEnd.lowerBound].lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" "))
        else { return nil }
        return text.utf8.distance(from: text.utf8.startIndex, to: headEnd.upperBound) + length
    }
}
