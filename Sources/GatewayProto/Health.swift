import Protobuf

/// grpc.health.v1.HealthCheckRequest: "" asks about the whole server.
public struct HealthCheckRequest: GatewayMessage {
    public var service: String

    public init(service: String = "") {
        self.service = service
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: service = try r.string()
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, service)
    }
}

/// grpc.health.v1.HealthCheckResponse.
public struct HealthCheckResponse: GatewayMessage {
    /// A struct rather than an enum because proto3 enums are open: a value this code does not
    /// know must survive a decode–encode round trip instead of failing or collapsing to UNKNOWN.
    public struct ServingStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        public static let unknown = Self(rawValue: 0)
        public static let serving = Self(rawValue: 1)
        public static let notServing = Self(rawValue: 2)
        /// Only for Watch, about a service the server does not know.
        public static let serviceUnknown = Self(rawValue: 3)

        public var description: String {
            switch rawValue {
            case 0: "UNKNOWN"
            case 1: "SERVING"
            case 2: "NOT_SERVING"
            case 3: "SERVICE_UNKNOWN"
            default: "\(rawValue)"
            }
        }
    }

    public var status: ServingStatus

    public init(status: ServingStatus = .unknown) {
        self.status = status
    }

    public init(from r: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try r.nextField() {
            switch field {
            case 1: status = ServingStatus(rawValue: try r.int32())
            default: try r.skipField()
            }
        }
    }

    public func encode(to w: inout ProtoWriter) {
        w.field(1, int32: status.rawValue)
    }
}
