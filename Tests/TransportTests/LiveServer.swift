#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GatewayHTTP
import Logging
import Transport

/// A server on a free loopback port with the handler a test gives it.
struct LiveServer {
    let server: HTTPServer
    let port: Int

    static func start(_ tweak: (inout ServerConfiguration) -> Void = { _ in },
                      handler: @escaping HTTPHandler) throws -> LiveServer {
        var cfg = ServerConfiguration()
        cfg.host = "127.0.0.1"
        cfg.port = 0
        cfg.eventLoops = 2
        tweak(&cfg)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let server = try HTTPServer(configuration: cfg, logger: logger, handler: handler)
        let ports = try server.start()
        return LiveServer(server: server, port: ports.port)
    }

    func stop(grace: Double = 2) {
        server.shutdown(gracePeriod: grace)
    }
}

/// A blocking loopback TCP client for raw HTTP/1.1 bytes.
final class RawClient {
    let fd: Int32

    init(port: Int, receiveTimeout: Double = 5) throws {
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
        if rc != 0 {
            close(fd)
            throw ClientError.connectFailed(errno)
        }
        var tv = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    enum ClientError: Error { case connectFailed(Int32), timedOut }

    func send(_ s: String) { send(Array(s.utf8)) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads until the peer closes or the timeout passes; returns what arrived and whether
    /// the peer closed.
    func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { out.append(contentsOf: buf[0..<n]); continue }
            return (out, n == 0 || (n < 0 && errno == ECONNRESET))
        }
    }

    /// Reads complete responses (Content-Length or chunked) until `count` are in.
    func readResponses(_ count: Int) throws -> [RawResponse] {
        var buffer: [UInt8] = []
        var out: [RawResponse] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < count {
            if let (r, used) = RawResponse.parse(buffer) {
                out.append(r)
                buffer.removeFirst(used)
                continue
            }
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { throw ClientError.timedOut }
            buffer.append(contentsOf: buf[0..<n])
        }
        return out
    }
}

/// Just enough of an HTTP/1.1 response parser for assertions.
struct RawResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var bodyString: String { String(decoding: body, as: UTF8.self) }

    static func parse(_ b: [UInt8]) -> (RawResponse, Int)? {
        guard let headEnd = find(b, Array("\r\n\r\n".utf8), from: 0) else { return nil }
        let lines = String(decoding: b[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [(String, String)] = []
        for l in lines.dropFirst() {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers.append((String(l[..<c]), l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)))
        }
        var r = RawResponse(status: status, headers: headers, body: [])
        var pos = headEnd + 4
        if status == 100 { return (r, pos) }
        if let cl = r.header("content-length"), let n = Int(cl) {
            guard b.count >= pos + n else { return nil }
            r.body = Array(b[pos..<(pos + n)])
            return (r, pos + n)
        }
        if r.header("transfer-encoding")?.lowercased() == "chunked" {
            while true {
                guard let lineEnd = find(b, Array("\r\n".utf8), from: pos) else { return nil }
                let sizeText = String(decoding: b[pos..<lineEnd], as: UTF8.self).split(separator: ";")[0]
                guard let size = Int(sizeText, radix: 16) else { return nil }
                pos = lineEnd + 2
                if size == 0 {
                    guard let end = find(b, Array("\r\n".utf8), from: pos) else { return nil }
                    // Skip trailer lines.
                    var p = pos
                    var e = end
                    while e != p {
                        p = e + 2
                        guard let next = find(b, Array("\r\n".utf8), from: p) else { return nil }
                        e = next
                    }
                    return (r, e + 2)
                }
                guard b.count >= pos + size + 2 else { return nil }
                r.body.append(contentsOf: b[pos..<(pos + size)])
                pos += size + 2
            }
        }
        return (r, pos)
    }

    static func find(_ hay: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
