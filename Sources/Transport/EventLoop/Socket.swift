#if canImport(Glibc)
import Glibc
#endif
import CLinux

/// Socket operations on raw file descriptors. The fd's owner (a listener or a connection)
/// decides when it closes; these functions never close on their own.
///
/// Runs on: the event loop owning the descriptor (non-blocking sockets: no call waits).
enum Socket {
    /// A non-blocking listening TCP socket with SO_REUSEPORT, so that every event loop can own
    /// one and the kernel spreads new connections over them.
    static func listen(host: String, port: Int, backlog: Int32 = 1024) throws(SystemError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let ai = result else { throw SystemError(call: "getaddrinfo(\(host))", errno: EINVAL) }
        defer { freeaddrinfo(result) }
        let fd = try SystemCall.retrying("socket") {
            Int(socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0))
        }
        let sfd = Int32(fd)
        do {
            try setOption(sfd, SOL_SOCKET, SO_REUSEADDR, 1)
            try setOption(sfd, SOL_SOCKET, SO_REUSEPORT, 1)
            _ = try SystemCall.retrying("bind") { Int(bind(sfd, ai.pointee.ai_addr, ai.pointee.ai_addrlen)) }
            _ = try SystemCall.retrying("listen") { Int(Glibc.listen(sfd, backlog)) }
        } catch {
            close(sfd)
            throw error
        }
        return sfd
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(SystemError) {
        var v = value
        _ = try SystemCall.retrying("setsockopt") {
            Int(setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)))
        }
    }

    /// The port a socket is bound to (for `--port 0`).
    static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard ok == 0 else { return 0 }
        return port(of: storage)
    }

    /// Accepts one connection; nil when none is waiting.
    static func accept(_ listener: Int32) throws(SystemError) -> (fd: Int32, remote: String)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let r = try SystemCall.nonBlocking("accept4") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Int(clinux_accept4(listener, $0, &len))
                }
            }
        }
        guard let r else { return nil }
        let fd = Int32(r)
        // Small responses must leave at once, not wait for Nagle.
        try? setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        return (fd, describe(storage))
    }

    static func read(_ fd: Int32, into buffer: inout [UInt8]) throws(SystemError) -> Int? {
        try SystemCall.nonBlocking("read") {
            buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        }
    }

    /// Writes what the kernel takes now; nil when it takes nothing.
    static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>) throws(SystemError) -> Int? {
        try SystemCall.nonBlocking("send") {
            bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    private static func port(of storage: sockaddr_storage) -> Int {
        var s = storage
        switch Int32(s.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &s) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
        case AF_INET6:
            return withUnsafePointer(to: &s) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        default: return 0
        }
    }

    private static func describe(_ storage: sockaddr_storage) -> String {
        var s = storage
        var host = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(s.ss_family) {
        case AF_INET:
            withUnsafePointer(to: &s) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    var a = $0.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &a, &host, socklen_t(host.count))
                }
            }
            return "\(cString(host)):\(port(of: storage))"
        case AF_INET6:
            withUnsafePointer(to: &s) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    var a = $0.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &a, &host, socklen_t(host.count))
                }
            }
            return "[\(cString(host))]:\(port(of: storage))"
        default:
            return "unknown"
        }
    }

    private static func cString(_ chars: [CChar]) -> String {
        let end = chars.firstIndex(of: 0) ?? chars.count
        return String(decoding: chars[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
