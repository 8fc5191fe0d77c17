import ByteCodecs
import GatewayHTTP

/// The server side of RFC 6455's opening handshake (§4.2.1): is this request an upgrade we can
/// accept, and the `Sec-WebSocket-Accept` value for its key. No I/O.
public enum WebSocketHandshake {
    /// Why a request cannot become a WebSocket; the caller answers it (`httpStatus`, `responseHeaders`).
    public enum Problem: Error, Sendable, Equatable {
        /// Not `GET` with `Upgrade: websocket` and `Connection: upgrade`, or it carries a body:
        /// an ordinary request. A route that also serves plain HTTP handles it as such; a route
        /// that only speaks WebSocket answers 400.
        case notAnUpgrade
        /// `Sec-WebSocket-Version` missing or other than 13: answered 426 with `Sec-WebSocket-Version: 13`.
        case unsupportedVersion
        /// `Sec-WebSocket-Key` missing or not 16 bytes of base64: 400.
        case badKey
        /// An upgrade asked for over HTTP/1.0 (RFC 6455 §4.1 wants 1.1 or later; HTTP/2 is not
        /// offered): 400.
        case notHTTP1

        /// The status the handler answers with.
        public var httpStatus: Int {
            self == .unsupportedVersion ? 426 : 400
        }

        /// Fields the answer must carry besides the error body: the version this server speaks
        /// for a 426 (RFC 6455 §4.4).
        public var responseHeaders: HTTPHeaders {
            self == .unsupportedVersion ? ["Sec-WebSocket-Version": "13"] : [:]
        }
    }

    /// The GUID RFC 6455 §1.3 appends to the key before hashing.
    static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The request's `Sec-WebSocket-Key` when it is a valid upgrade request. Checked in this order:
    /// the upgrade's shape (`notAnUpgrade`), the HTTP version, the WebSocket version, the key.
    public static func check(_ head: RequestHead) -> Result<String, Problem> {
        let headers = head.headers
        guard head.method == "GET",
              hasToken("websocket", in: headers.values("upgrade")),
              hasToken("upgrade", in: headers.values("connection"))
        else { return .failure(.notAnUpgrade) }
        // A body would be read as WebSocket frames after the 101; the transport refuses it too.
        if let length = headers["content-length"], length.trimmingSpaces != "0" { return .failure(.notAnUpgrade) }
        if headers.contains("transfer-encoding") { return .failure(.notAnUpgrade) }
        guard head.version == .http1_1 else { return .failure(.notHTTP1) }
        guard headers.values("sec-websocket-version").count == 1,
              headers["sec-websocket-version"]?.trimmingSpaces == "13"
        else { return .failure(.unsupportedVersion) }
        let keys = headers.values("sec-websocket-key")
        guard keys.count == 1 else { return .failure(.badKey) }
        let key = keys[0].trimmingSpaces
        guard Base64.decode(key)?.count == 16 else { return .failure(.badKey) }
        return .success(key)
    }

    /// base64(SHA-1(key + GUID)): the `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key`.
    public static func acceptValue(forKey key: String) -> String {
        Base64.string(SHA1.digest(Array((key + acceptGUID).utf8)))
    }

    /// The subprotocols the client offers, in its order (every `Sec-WebSocket-Protocol` line).
    public static func offeredSubprotocols(_ head: RequestHead) -> [String] {
        head.headers.values("sec-websocket-protocol").flatMap { line in
            line.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        }
    }

    /// True when a comma-separated list in any of `lines` holds `token` (ASCII case-insensitive).
    static func hasToken(_ token: String, in lines: [String]) -> Bool {
        lines.contains { line in
            line.split(separator: ",").contains { String($0).trimmingSpaces.equalsIgnoringASCIICase(token) }
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    var trimmingSpaces: String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
