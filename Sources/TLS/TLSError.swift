import COpenSSL

/// Why a TLS context could not be built or a TLS connection failed, in words fit for a log line:
/// what was being done (naming the file, for configuration) and OpenSSL's own reasons.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension TLSError {
    /// The one place OpenSSL's error queue becomes a thrown error.
    ///
    /// The queue is per thread and OpenSSL consults it to classify the next I/O result, so it is
    /// drained here: a stale entry would make a later, healthy connection on this loop look failed.
    static func openSSL(_ operation: String, ssl: OpaquePointer? = nil) -> TLSError {
        var reasons: [String] = []
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            var code = ERR_get_error()
            while code != 0 {
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                reasons.append(String(cString: buffer.baseAddress!))
                code = ERR_get_error()
            }
        }
        // "certificate verify failed" alone does not say whether the chain, the name or the date was wrong.
        if let ssl {
            let result = SSL_get_verify_result(ssl)
            if result != X509_V_OK {
                reasons.append("verify result: " + String(cString: X509_verify_cert_error_string(result)))
            }
        }
        if reasons.isEmpty { return TLSError(operation) }
        return TLSError(operation + ": " + reasons.joined(separator: "; "))
    }
}

/// Throws the drained error queue unless an OpenSSL call reported success (1).
@inline(__always)
func requireSuccess(_ result: Int32, _ operation: @autoclosure () -> String) throws(TLSError) {
    if result != 1 { throw TLSError.openSSL(operation()) }
}
