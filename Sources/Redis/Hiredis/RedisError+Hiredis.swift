import CHiredis

#if canImport(Glibc)
import Glibc
#endif

extension RedisError {
    /// The one place a hiredis context error becomes a `RedisError`.
    ///
    /// `savedErrno` is errno right after the failing call: hiredis reports a socket timeout as a
    /// plain I/O error, and only errno (EAGAIN from SO_RCVTIMEO) tells it from a broken socket.
    static func hiredis(_ context: UnsafeMutablePointer<redisContext>, errno savedErrno: Int32) -> RedisError {
        let code = context.pointee.err
        let text = String(cString: chiredis_errstr(context))
        switch code {
        case chiredis_err_io() where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || savedErrno == ETIMEDOUT:
            return .timeout("no reply within the command timeout")
        case chiredis_err_eof():
            return .unavailable("server closed the connection")
        case chiredis_err_protocol():
            return .protocol(text)
        case chiredis_err_oom():
            return .unavailable("hiredis: out of memory")
        default:
            // I/O errors (refused, reset, unreachable) and "other" (name resolution).
            return .unavailable(text.isEmpty ? "hiredis error \(code)" : text)
        }
    }
}
