import ByteCodecs
import GatewayHTTP

/// The dashboard page at `GET /` and its two files, served from the binary (`DashboardAssets`).
/// They hold no data, so they are open; the page's own GraphQL calls carry the user's key.
/// Runs on: the request's handler task; every answer is a constant made once.
struct DashboardRoutes: Sendable {
    /// One file as it is answered: its bytes and validator, made once per process.
    struct Asset: Sendable {
        let contentType: String
        let body: [UInt8]
        /// Strong: the bytes' SHA-1, so a new binary with a changed page is a new tag.
        let etag: String

        init(_ contentType: String, _ text: String) {
            self.contentType = contentType
            self.body = Array(text.utf8)
            self.etag = "\"" + String(SHA1.hexDigest(body).prefix(20)) + "\""
        }
    }

    static let page = Asset("text/html; charset=utf-8", DashboardAssets.indexHTML)
    static let script = Asset("text/javascript; charset=utf-8", DashboardAssets.appJS)
    static let style = Asset("text/css; charset=utf-8", DashboardAssets.styleCSS)

    /// Own files only; the live data comes from this origin's `/graphql`, over fetch and WebSocket
    /// (`'self'` covers ws: and wss: of the same host in CSP 3 browsers).
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func page(_ request: Request, _ context: RequestContext) async -> Reply { Self.answer(Self.page, request) }
    func script(_ request: Request, _ context: RequestContext) async -> Reply { Self.answer(Self.script, request) }
    func style(_ request: Request, _ context: RequestContext) async -> Reply { Self.answer(Self.style, request) }

    /// 200 with the file, or 304 when the browser holds this version. `no-cache` makes it ask
    /// each time, so a gateway upgrade shows at the next load and an unchanged page costs a 304.
    static func answer(_ asset: Asset, _ request: Request) -> Reply {
        var headers = HTTPHeaders()
        headers.add("Content-Type", asset.contentType)
        headers.add("Cache-Control", "no-cache")
        headers.add("ETag", asset.etag)
        headers.add("Content-Security-Policy", contentSecurityPolicy)
        headers.add("X-Content-Type-Options", "nosniff")
        headers.add("Referrer-Policy", "no-referrer")
        // A tag holds no spaces, so dropping them all leaves each listed tag bare; W/ is the weak
        // form of the same tag, which If-None-Match compares weakly (RFC 9110 §13.1.2).
        let held = request.head.headers.values("If-None-Match").flatMap { $0.split(separator: ",") }
            .map { tag -> String in
                let bare = String(tag.filter { $0 != " " && $0 != "\t" })
                return bare.hasPrefix("W/") ? String(bare.dropFirst(2)) : bare
            }
        if held.contains(asset.etag) || held.contains("*") {
            return Reply(status: 304, headers: headers, body: [])
        }
        return Reply(status: 200, headers: headers, body: asset.body)
    }
}
