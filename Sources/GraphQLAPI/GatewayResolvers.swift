import GatewayCore
import GraphQL
import JSON

/// The resolvers of Schema/gateway.graphql's root fields. Each one translates its arguments,
/// calls the same core method REST and gRPC call, and turns the answer into the JSON tree the
/// schema's types read (`CoreValues`); fields below the roots use the default resolver. The
/// subscription fields' source streams are in `GatewayResolvers+Subscriptions`.
enum GatewayResolvers {
    static func map(core: PatternCore) -> ResolverMap {
        var map = ResolverMap()
        map["Query", "models"] = { _, _, _ in await models(core) }
        map["Query", "model"] = { _, args, _ in await model(core, named: try args.string("name")) }
        let status = StatusValues()
        map["Query", "patternStatus"] = { _, _, _ in .json(status.patternsStatus(await core.patternsStatus())) }
        // The query's status leaves the per-model numbers out (a dashboard polling the pattern
        // counters need not pay for a queue count per model); a subscription's event has them.
        map["PatternStatus", "models"] = { parent, _, _ in
            if case .json(let value) = parent, let models = value["models"] { return .json(models) }
            return .json(CoreValues.modelStatuses(await core.modelStatus()))
        }
        map["Query", "queueStatus"] = { _, _, _ in .json(status.queueStatus(await core.queueStatus())) }
        map["Query", "batch"] = { _, args, _ in
            let id = try args.string("id")
            guard let record = try await coreCall({ () async throws(GatewayError) in try await core.batch(id: id) }) else {
                return .null
            }
            return .json(CoreValues.batch(record))
        }
        map["Query", "optimizedSearch"] = { _, args, info in try await search(core, args, info) }
        map["Query", "health"] = { _, _, _ in .json(CoreValues.health(await core.health())) }
        map["Mutation", "embed"] = { _, args, info in try await embed(core, args, info) }
        map["Mutation", "searchPattern"] = { _, args, info in try await search(core, args, info) }
        map["Mutation", "ingest"] = { _, args, info in try await ingest(core, args, info) }
        map["Mutation", "simulateFailover"] = { _, args, info in
            try requireRole(core, .admin, state(info), "mutation simulateFailover")
            let model = try args.string("model")
            let report = try await coreCall { () async throws(GatewayError) in try await core.simulateFailover(model: model) }
            return .json(CoreValues.failover(report))
        }
        map["Mutation", "generate"] = { _, args, info in try await generate(core, args, info) }
        addSubscriptions(&map, core: core, status: status)
        return map
    }

    static func state(_ info: ResolveInfo) -> GraphQLCallState {
        // The route always passes its state; a missing one is a wiring bug worth a loud failure.
        info.context as! GraphQLCallState
    }

    /// A mutation that needs more than the `read` every request was admitted with: a field
    /// error (`permission_denied`) when the key's role is lower; no token is taken again.
    static func requireRole(_ core: PatternCore, _ role: APIKeyRole, _ state: GraphQLCallState,
                            _ operation: String) throws(FieldError) {
        do throws(GatewayError) {
            try core.require(role, credential: state.call.credential, operation: operation)
        } catch {
            throw fieldError(error)
        }
    }

    /// Runs a core call, turning its error into a field error with the spec's code.
    static func coreCall<T>(_ body: () async throws(GatewayError) -> T) async throws(FieldError) -> T {
        do {
            return try await body()
        } catch {
            throw fieldError(error)
        }
    }

    static func fieldError(_ e: GatewayError) -> FieldError {
        var details = JSONObject()
        for (k, v) in e.details { details.set(k, .string(v)) }
        var extra: JSONObject = [:]
        if !details.isEmpty { extra.set("details", .object(details)) }
        if let retryAfter = e.retryAfter { extra.set("retryAfter", .number(JSONNumber(retryAfter))) }
        return FieldError(e.message, code: e.code.name, details: extra)
    }

    /// A refusal outside any field (a WebSocket operation's admission) as a GraphQL error.
    static func errorJSON(_ e: GatewayError) -> JSONValue {
        GraphQLError(e.message, extensions: fieldError(e).extensions).json
    }

    static func invalid(_ message: String, argument: String) -> FieldError {
        FieldError(message, code: "invalid_argument", details: ["details": .object(["argument": .string(argument)])])
    }

    // MARK: queries

    private static func models(_ core: PatternCore) async -> ResolvedValue {
        var list: [JSONValue] = []
        for m in core.configuration.registry.models {
            list.append(await modelValue(core, m))
        }
        return .json(.array(list))
    }

    private static func model(_ core: PatternCore, named name: String) async -> ResolvedValue {
        guard let m = try? core.model(named: name) else { return .null }
        return .json(await modelValue(core, m))
    }

    private static func modelValue(_ core: PatternCore, _ m: ModelConfig) async -> JSONValue {
        let status = await core.modelStatus(m)
        let endpoints = core.endpointReports(for: m.name)
        let points = await core.pointCount(model: m.name) ?? 0
        return CoreValues.model(m, status: status, endpoints: endpoints, points: points)
    }
}

extension ArgumentValues {
    /// A required String argument: validation guarantees it is present and a string.
    func string(_ name: String) throws(FieldError) -> String {
        guard case .string(let s)? = self[name] else {
            throw GatewayResolvers.invalid("\(name) is required", argument: name)
        }
        return s
    }

    func optionalString(_ name: String) -> String? {
        if case .string(let s)? = self[name] { s } else { nil }
    }

    func optionalInt(_ name: String) -> Int? {
        if case .number(let n)? = self[name] { n.int } else { nil }
    }

    func optionalBool(_ name: String) -> Bool? {
        if case .bool(let b)? = self[name] { b } else { nil }
    }

    func optionalFloats(_ name: String) -> [Float]? {
        guard case .array(let items)? = self[name] else { return nil }
        return items.map { $0.numberValue?.float ?? .nan }
    }
}
