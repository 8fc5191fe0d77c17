import GatewayCore
import GatewayProto

/// `grpc.health.v1.Health`. "" is the whole gateway (serving while the process runs),
/// `gateway.PatternService` the service (serving while any model is), and
/// `gateway.PatternService/<model>` one model: serving while any of its endpoints' breakers is
/// not open.
struct HealthMethods: Sendable {
    let core: PatternCore
    static let prefix = "/grpc.health.v1.Health/"
    static let watchInterval = Duration.milliseconds(250)

    func table() -> [(String, GRPCMethod)] {
        let core = self.core
        return [
            (Self.prefix + "Check", { try await Self.check(core, $0) }),
            (Self.prefix + "Watch", { try await Self.watch(core, $0) }),
        ]
    }

    /// nil for a service name this server does not know.
    static func status(_ core: PatternCore, _ service: String) -> HealthCheckResponse.ServingStatus? {
        let models = core.configuration.registry.names
        switch service {
        case "":
            return .serving
        case "gateway.PatternService":
            return models.contains { core.isServing(model: $0) } ? .serving : .notServing
        default:
            let prefix = "gateway.PatternService/"
            guard service.hasPrefix(prefix), let m = core.configuration.registry.model(named: String(service.dropFirst(prefix.count))) else {
                return nil
            }
            return core.isServing(model: m.name) ? .serving : .notServing
        }
    }

    static func check(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(HealthCheckRequest.self)
        guard let s = status(core, req.service) else {
            throw GRPCStatus(.notFound, "unknown service \"\(req.service)\"")
        }
        call.responder.respond(HealthCheckResponse(status: s).encoded())
    }

    /// The status at once, then each change, until the client cancels. An unknown service is
    /// SERVICE_UNKNOWN and the stream stays open, as the health protocol asks (it may appear later).
    static func watch(_ core: PatternCore, _ call: GRPCCall) async throws {
        let req = try await call.request(HealthCheckRequest.self)
        var last: HealthCheckResponse.ServingStatus?
        while true {
            let now = status(core, req.service) ?? .serviceUnknown
            if now != last {
                try await call.responder.send(HealthCheckResponse(status: now).encoded())
                last = now
            }
            try await Task.sleep(for: watchInterval)
        }
    }
}
