#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which one and its errno.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let errno: Int32
    public var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// The one place that decides what errno means. EINTR is retried here; EAGAIN is reported as
/// `nil` to the callers that expect it (non-blocking I/O); everything else throws.
enum SystemCall {
    @inline(__always)
    static func retrying(_ name: StaticString, _ body: () -> Int) throws(SystemError) -> Int {
        while true {
            let r = body()
            if r >= 0 { return r }
            let e = Glibc.errno
            if e == EINTR { continue }
            throw SystemError(call: "\(name)", errno: e)
        }
    }

    /// Like `retrying`, but `nil` for EAGAIN/EWOULDBLOCK.
    @inline(__always)
    static func nonBlocking(_ name: StaticString, _ body: () -> Int) throws(SystemError) -> Int? {
        while true {
            let r = body()
            if r >= 0 { return r }
            let e = Glibc.errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return nil }
            throw SystemError(call: "\(name)", errno: e)
        }
    }
}
