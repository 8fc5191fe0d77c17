import CCurl

extension UpstreamError {
    /// The one place a CURLcode becomes an error. `detail` is the transfer's error buffer
    /// (empty when curl left it so). `bodyRefused` says our write callback refused a body over
    /// `bodyLimit`, which curl can only report as a generic write error.
    init(_ code: CURLcode, detail: String, bodyLimit: Int? = nil, bodyRefused: Bool = false) {
        let kind: Kind
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            kind = .connect
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timeout
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            kind = .reset
        case CURLE_FILESIZE_EXCEEDED:
            kind = .tooLarge
        case CURLE_WRITE_ERROR where bodyRefused:
            kind = .tooLarge
        case CURLE_ABORTED_BY_CALLBACK:
            kind = .cancelled
        default:
            kind = .transport
        }
        // curl's summary of the code, plus the error buffer's specifics (host, port, OS error)
        // when they add something.
        let summary = String(cString: curl_easy_strerror(code))
        var message =
            detail.isEmpty ? summary : detail.contains(summary) ? detail : summary + ": " + detail
        if kind == .tooLarge, let bodyLimit {
            message = "response body over \(bodyLimit) bytes"
        }
        self.init(kind: kind, message: message)
    }

    /// Throws unless an easy-handle call (setopt, getinfo) succeeded.
    static func check(_ code: CURLcode, _ operation: @autoclosure () -> String) throws(UpstreamError) {
        if code != CURLE_OK {
            throw UpstreamError(code, detail: operation() + ": " + String(cString: curl_easy_strerror(code)))
        }
    }

    /// Throws unless a multi-handle call succeeded. These only fail on misuse or out of memory.
    static func check(_ code: CURLMcode, _ operation: @autoclosure () -> String) throws(UpstreamError) {
        if code != CURLM_OK {
            throw UpstreamError(
                kind: .transport, message: operation() + ": " + String(cString: curl_multi_strerror(code)))
        }
    }
}
