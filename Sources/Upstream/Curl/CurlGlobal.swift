import CCurl

/// libcurl's process-wide setup. curl_global_init is not thread-safe and must run before any
/// other curl call; a static let runs it exactly once, whoever gets there first.
///
/// Runs on: whichever thread touches curl first, once.
enum CurlGlobal {
    private static let result: UInt32 = curl_global_init(ccurl_global_default()).rawValue

    static func initialize() throws(UpstreamError) {
        try UpstreamError.check(CURLcode(rawValue: result), "curl_global_init")
    }
}
