import GatewayCore

/// A gRPC status: the code and message that end every call, carried in `grpc-status` and
/// `grpc-message`.
public struct GRPCStatus: Error, Sendable, Equatable {
    public enum Code: Int, Sendable {
        case ok = 0, cancelled, unknown, invalidArgument, deadlineExceeded, notFound, alreadyExists
        case permissionDenied, resourceExhausted, failedPrecondition, aborted, outOfRange
        case unimplemented, internalError, unavailable, dataLoss, unauthenticated
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String = "") {
        self.code = code
        self.message = message
    }

    /// The core's errors map by the table of spec §2, so a failure reads the same on every protocol.
    public init(_ error: GatewayError) {
        self.init(Code(rawValue: error.code.grpcStatus) ?? .unknown, error.message)
    }

    public static let ok = GRPCStatus(.ok)

    /// The status as trailer (or Trailers-Only header) fields.
    func fields() -> [(String, String)] {
        var f = [("grpc-status", String(code.rawValue))]
        if !message.isEmpty { f.append(("grpc-message", Self.percentEncoded(message))) }
        return f
    }

    /// UTF-8, then every byte outside 0x20–0x7E, and `%` itself, as `%XX` (PROTOCOL-HTTP2.md).
    static func percentEncoded(_ message: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(message.utf8.count)
        for b in message.utf8 {
            if b >= 0x20 && b <= 0x7E && b != UInt8(ascii: "%") {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
