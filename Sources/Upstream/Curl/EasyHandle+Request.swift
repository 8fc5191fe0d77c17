import CCurl

extension EasyHandle {
    /// Sets every option one transfer needs. Run on the curl thread before the handle joins the
    /// multi; the callbacks' user data is the transfer (see Transfer+Callbacks).
    func prepare(for transfer: Transfer, settings: ClientSettings) throws(UpstreamError) {
        let request = transfer.request
        try reset()
        try set(CURLOPT_URL, request.url)
        // Never file://, ftp:// or the like, whatever a misconfigured URL says.
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        // Upstreams are reached directly: an http_proxy/HTTPS_PROXY variable in the gateway's
        // environment must not silently reroute model traffic.
        try set(CURLOPT_PROXY, "")
        // Signals are process-wide; a library thread must not use them for DNS timeouts.
        try set(CURLOPT_NOSIGNAL, 1)
        // Idle pooled connections to a dead peer are found by the kernel, not by a failed request.
        try set(CURLOPT_TCP_KEEPALIVE, 1)

        let timeout = max(1, Self.milliseconds(request.timeout))
        // A stream has no deadline for the whole exchange: the loop holds it to a first-byte and
        // an idle limit instead (StreamBuffer.isOverdue).
        try set(CURLOPT_TIMEOUT_MS, transfer.stream == nil ? timeout : 0)
        try set(CURLOPT_CONNECTTIMEOUT_MS, min(timeout, Self.milliseconds(UpstreamRequest.maxConnectTimeout)))

        let userData = UnsafeRawPointer(Unmanaged.passUnretained(transfer).toOpaque())
        try UpstreamError.check(ccurl_easy_setopt_write_function(pointer, Transfer.onBody), "CURLOPT_WRITEFUNCTION")
        try set(CURLOPT_WRITEDATA, pointer: userData)
        try UpstreamError.check(ccurl_easy_setopt_header_function(pointer, Transfer.onHeader), "CURLOPT_HEADERFUNCTION")
        try set(CURLOPT_HEADERDATA, pointer: userData)
        // Refuses an over-limit body up front when its length is announced; the write callback
        // catches the rest (chunked bodies).
        try set(CURLOPT_MAXFILESIZE_LARGE, offset: transfer.bodyLimit)

        try setMethodAndBody(request)
        try setHeaderList(Self.headerList(request))
        try setTLS(settings.tls)
    }

    private func setMethodAndBody(_ request: UpstreamRequest) throws(UpstreamError) {
        let sendsBody = !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method)
        if request.method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
            return
        }
        guard sendsBody else {
            try set(CURLOPT_HTTPGET, 1)
            if request.method != "GET" { try set(CURLOPT_CUSTOMREQUEST, request.method) }
            return
        }
        try set(CURLOPT_POST, 1)
        try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: request.body.count)
        if request.body.isEmpty {
            // POSTFIELDS is not copied, so an empty body points at a static empty string.
            try set(CURLOPT_POSTFIELDS, pointer: UnsafeRawPointer(StaticString("").utf8Start))
        } else {
            // COPYPOSTFIELDS: curl keeps its own copy, so the array need not outlive this call.
            let code = request.body.withUnsafeBytes { bytes in
                ccurl_easy_setopt_ptr(pointer, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress)
            }
            try UpstreamError.check(code, "CURLOPT_COPYPOSTFIELDS")
        }
        if request.method != "POST" { try set(CURLOPT_CUSTOMREQUEST, request.method) }
    }

    private func setTLS(_ tls: UpstreamTLS) throws(UpstreamError) {
        if let ca = tls.caPath { try set(CURLOPT_CAINFO, ca) }
        if let certificate = tls.clientCertificatePath {
            try set(CURLOPT_SSLCERT, certificate)
            try set(CURLOPT_SSLKEY, tls.clientKeyPath ?? certificate)
        }
        if !tls.verifyPeer {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    /// The caller's headers as curl wants them, plus blanks that switch off curl's defaults the
    /// caller did not override: `Expect: 100-continue` (a round trip before big bodies) and a
    /// form `Content-Type` on POST.
    static func headerList(_ request: UpstreamRequest) throws(UpstreamError) -> UnsafeMutablePointer<curl_slist>? {
        var lines: [String] = []
        var hasContentType = false
        var hasExpect = false
        for (name, value) in request.headers {
            guard Self.isToken(name), !value.utf8.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) else {
                throw UpstreamError(kind: .transport, message: "invalid request header \(name)")
            }
            let lower = HeaderLine.lowercased(name)
            hasContentType = hasContentType || lower == "content-type"
            hasExpect = hasExpect || lower == "expect"
            // "Name;" is curl's way to send a header with an empty value ("Name:" removes it).
            lines.append(value.isEmpty ? name + ";" : name + ": " + value)
        }
        if !hasExpect { lines.append("Expect:") }
        if !hasContentType { lines.append("Content-Type:") }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            guard let longer = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw UpstreamError(kind: .transport, message: "out of memory for request headers")
            }
            list = longer
        }
        return list
    }

    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") && $0 != UInt8(ascii: ";") }
    }

    private static func milliseconds(_ d: Duration) -> Int {
        let (seconds, attoseconds) = d.components
        // About 24 days: far beyond any real deadline, and safe from overflow inside curl.
        if seconds >= Int64(Int32.max / 1000) { return Int(Int32.max) }
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
