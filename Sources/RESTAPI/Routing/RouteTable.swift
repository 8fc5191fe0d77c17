/// The routes of the REST front-end, and how a request finds its own: by path first, then by
/// method. A path that some route knows under other methods is `405` with `Allow`; a path no route
/// knows is `404`. No two routes of one method may match one path, so the order of the entries
/// never decides which answers (checked when the table is built).
struct RouteTable: Sendable {
    enum Match {
        case found(Route, PathParameters)
        /// The path exists; these methods (for `Allow`) are the ones it answers.
        case methodNotAllowed(allowed: String)
        case notFound
    }

    let routes: [Route]

    init(_ routes: [Route]) {
        for (i, a) in routes.enumerated() {
            for b in routes[(i + 1)...] where a.pattern.overlaps(b.pattern) {
                let shared = a.methods.filter(b.methods.contains)
                precondition(shared.isEmpty, "\(shared) \(a.pattern) and \(b.pattern) would match the same requests")
            }
        }
        self.routes = routes
    }

    func match(method: String, path: String) -> Match {
        guard let segments = PathPattern.split(path) else { return .notFound }
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            if route.methods.contains(method) { return .found(route, parameters) }
            for m in route.methods where !allowed.contains(m) { allowed.append(m) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed.joined(separator: ", "))
    }
}
