import CCurl

/// A CURL easy handle with the memory curl keeps pointers to while a transfer runs (its error
/// buffer and the request's header list). Used only on the curl thread. Recycled through the
/// loop's free list: a fresh handle per call would cost its buffers and lose its TLS session
/// cache (resumption), both of which curl_easy_reset keeps.
///
/// Runs on: the libcurl thread only.
final class EasyHandle {
    let pointer: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init() throws(UpstreamError) {
        guard let pointer = curl_easy_init() else {
            throw UpstreamError(kind: .transport, message: "curl_easy_init failed")
        }
        self.pointer = pointer
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(pointer)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// curl's explanation of the last failure, or "" when it gave none.
    var errorText: String { String(cString: errorBuffer) }

    /// The body size the response announced (Content-Length), when it did.
    var expectedBodyLength: Int? {
        var length: curl_off_t = -1
        guard ccurl_easy_getinfo_off_t(pointer, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK,
            length >= 0
        else { return nil }
        return Int(length)
    }

    /// The status of the head received so far (0 before one).
    var responseCode: Int {
        var status = 0
        _ = ccurl_easy_getinfo_long(pointer, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    var connectMicroseconds: Int {
        var connect: curl_off_t = 0
        _ = ccurl_easy_getinfo_off_t(pointer, CURLINFO_CONNECT_TIME_T, &connect)
        return Int(connect)
    }

    /// Lets a paused transfer (its write callback said CURL_WRITEFUNC_PAUSE) receive again.
    func unpause() {
        _ = curl_easy_pause(pointer, 0)
    }

    /// The finished transfer's answer, read while the handle still holds it.
    func response(body: [UInt8], headers: [(String, String)]) throws(UpstreamError) -> UpstreamResponse {
        var status = 0
        var total: curl_off_t = 0
        var connect: curl_off_t = 0
        try UpstreamError.check(ccurl_easy_getinfo_long(pointer, CURLINFO_RESPONSE_CODE, &status), "response code")
        try UpstreamError.check(ccurl_easy_getinfo_off_t(pointer, CURLINFO_TOTAL_TIME_T, &total), "total time")
        try UpstreamError.check(ccurl_easy_getinfo_off_t(pointer, CURLINFO_CONNECT_TIME_T, &connect), "connect time")
        return UpstreamResponse(
            status: status, headers: headers, body: body, totalMicroseconds: Int(total),
            connectMicroseconds: Int(connect))
    }

    /// Replaces the request's header list; the handle owns the list until the next call or deinit.
    func setHeaderList(_ list: UnsafeMutablePointer<curl_slist>?) throws(UpstreamError) {
        let code = ccurl_easy_setopt_slist(pointer, CURLOPT_HTTPHEADER, list)
        guard code == CURLE_OK else {
            curl_slist_free_all(list)
            return try UpstreamError.check(code, "CURLOPT_HTTPHEADER")
        }
        curl_slist_free_all(headerList)
        headerList = list
    }

    /// Forgets the previous transfer's options (curl keeps the caches) and clears the error text.
    func reset() throws(UpstreamError) {
        curl_easy_reset(pointer)
        errorBuffer[0] = 0
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
    }

    func set(_ option: CURLoption, _ value: Int) throws(UpstreamError) {
        try UpstreamError.check(ccurl_easy_setopt_long(pointer, option, value), "curl option \(option.rawValue)")
    }

    func set(_ option: CURLoption, offset value: Int) throws(UpstreamError) {
        try UpstreamError.check(
            ccurl_easy_setopt_off_t(pointer, option, curl_off_t(value)), "curl option \(option.rawValue)")
    }

    /// curl copies string options, so the temporary C string is enough.
    func set(_ option: CURLoption, _ value: String) throws(UpstreamError) {
        try UpstreamError.check(ccurl_easy_setopt_string(pointer, option, value), "curl option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer value: UnsafeRawPointer?) throws(UpstreamError) {
        try UpstreamError.check(ccurl_easy_setopt_ptr(pointer, option, value), "curl option \(option.rawValue)")
    }
}
