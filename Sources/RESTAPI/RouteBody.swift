import GatewayCore
import GatewayHTTP

extension Request {
    /// The whole body of a JSON route. The transport refuses bodies over `--max-body-bytes` first;
    /// this bound keeps a route from buffering more than a request can sensibly carry.
    static let routeBodyLimit = 16 << 20

    /// The body, or `payload_too_large` past `routeBodyLimit`.
    func routeBody() async throws(GatewayError) -> [UInt8] {
        do {
            return try await body.collect(upTo: Self.routeBodyLimit)
        } catch {
            throw GatewayError(.payloadTooLarge, "the request body is too large")
        }
    }
}
