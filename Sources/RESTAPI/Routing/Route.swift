import GatewayCore
import GatewayHTTP

/// Who may call a route (spec §6). Every entry of the route table names one and there is no
/// default, so a route cannot exist without that decision.
enum RouteAccess: Sendable, Equatable, CustomStringConvertible {
    /// No key asked even when keys are configured: probes, scrapers and the diagnostics carry none.
    case open
    /// A key whose role is at least this one (anyone while no keys are configured).
    case role(APIKeyRole)

    var description: String {
        switch self {
        case .open: "open"
        case .role(let role): role.rawValue
        }
    }
}

/// A route's work once the router has matched and admitted the request: the path's `{name}`
/// segments are in `context.parameters`.
typealias RouteHandler = @Sendable (Request, RequestContext) async -> Reply

/// One entry of the route table: the methods it answers, its path pattern, who may call it, and
/// the handler that does the work.
struct Route: Sendable {
    let methods: [String]
    let pattern: PathPattern
    let access: RouteAccess
    let handler: RouteHandler

    init(_ methods: [String], _ pattern: String, _ access: RouteAccess, _ handler: @escaping RouteHandler) {
        precondition(!methods.isEmpty, "a route answers at least one method: \(pattern)")
        self.methods = methods
        self.pattern = PathPattern(pattern)
        self.access = access
        self.handler = handler
    }

    /// The error body its refusals are written in (see `ErrorDialect`).
    var dialect: ErrorDialect { ErrorDialect(path: pattern.description) }
}
