import GatewayHTTP

/// A route's answer before the router stamps the common headers on it.
struct Reply: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Time spent in upstream calls, for `Server-Timing`.
    var upstreamMilliseconds: Double = 0
    /// A streamed answer: the router sends the head (`status`, `headers`), then this writes the
    /// body as it comes and finishes it. `body` is unused then.
    var stream: (@Sendable (any ResponseWriter) async -> Void)?

    static func json(_ status: Int, _ body: [UInt8]) -> Reply {
        var headers = HTTPHeaders()
        headers.reserveCapacity(5)  // + X-Cache, X-Request-Id, Server-Timing, and one to spare
        headers.add("Content-Type", "application/json")
        return Reply(status: status, headers: headers, body: body, upstreamMilliseconds: 0, stream: nil)
    }

    static func json(_ status: Int, _ body: String) -> Reply {
        json(status, Array(body.utf8))
    }

    static func error(_ error: APIError, _ context: RequestContext) -> Reply {
        var r = json(error.httpStatus, error.body(requestID: context.requestID))
        for (name, value) in error.extraHeaders { r.headers.add(name, value) }
        return r
    }
}
