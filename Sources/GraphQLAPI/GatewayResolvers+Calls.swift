import GatewayCore
import GraphQL
import JSON

/// The resolvers that call a model or the vector store: the same checks and messages as the
/// REST bodies, with the argument's name where REST names the JSON field.
extension GatewayResolvers {
    static func embed(_ core: PatternCore, _ args: ArgumentValues, _ info: ResolveInfo) async throws -> ResolvedValue {
        let state = state(info)
        try requireRole(core, .write, state, "mutation embed")
        let model = try args.string("model")
        let text = args.optionalString("text")
        let texts: [String]?
        if case .array(let items)? = args["texts"] { texts = items.compactMap(\.stringValue) } else { texts = nil }
        if text != nil && texts != nil { throw invalid("send either text or texts, not both", argument: "texts") }
        guard let list = text.map({ [$0] }) ?? texts else { throw invalid("text or texts is required", argument: "text") }
        let call = EmbedCall(model: model, texts: list, single: text != nil, urgent: args.optionalBool("urgent"),
                             priority: args.optionalInt("priority"), context: state.call)
        switch try await coreCall({ () async throws(GatewayError) in try await core.embed(call) }) {
        case .completed(let c):
            state.recordCache(info.path, hit: c.cached)
            state.addUpstream(milliseconds: c.upstreamMs)
            return .json(CoreValues.completed(c, single: text != nil))
        case .queued(let q):
            return .json(CoreValues.queued(q))
        }
    }

    /// `optimizedSearch` and `searchPattern`: one search, two names (a query for dashboards that
    /// only read, a mutation for clients that group it with ingest).
    static func search(_ core: PatternCore, _ args: ArgumentValues, _ info: ResolveInfo) async throws -> ResolvedValue {
        let state = state(info)
        var filter: [String: String] = [:]
        switch args["filter"] {
        case nil, .null?:
            break
        case .object(let object)?:
            for (key, value) in object {
                guard case .string(let s) = value else {
                    throw invalid("filter.\(key) must be a string (payload values are strings)", argument: "filter")
                }
                filter[key] = s
            }
        default:
            throw invalid("filter must be an object of payload keys and string values", argument: "filter")
        }
        let query = SearchQuery(
            model: try args.string("model"), vector: args.optionalFloats("queryVector"), text: args.optionalString("query"),
            limit: args.optionalInt("limit") ?? 10, filter: filter,
            scoreThreshold: args["scoreThreshold"]?.numberValue.map(\.float), ef: args.optionalInt("ef"),
            exact: args.optionalBool("exact") ?? false, context: state.call)
        let outcome = try await coreCall { () async throws(GatewayError) in try await core.search(query) }
        state.recordCache(info.path, hit: outcome.cached)
        return .json(CoreValues.search(outcome))
    }

    static func ingest(_ core: PatternCore, _ args: ArgumentValues, _ info: ResolveInfo) async throws -> ResolvedValue {
        let state = state(info)
        try requireRole(core, .write, state, "mutation ingest")
        guard case .array(let items)? = args["vectors"] else { throw invalid("vectors is required", argument: "vectors") }
        var points: [VectorPoint] = []
        points.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .object(let p) = item else { throw invalid("vectors[\(i)] must be a PointInput", argument: "vectors") }
            var payload: [String: String] = [:]
            if case .object(let fields)? = p["payload"] {
                for (key, value) in fields {
                    guard case .string(let s) = value else {
                        throw invalid("vectors[\(i)].payload.\(key) must be a string (payload values are strings)", argument: "vectors")
                    }
                    payload[key] = s
                }
            } else if let other = p["payload"], !other.isNull {
                throw invalid("vectors[\(i)].payload must be an object of string values", argument: "vectors")
            }
            let vector = p["vector"]?.arrayValue?.map { $0.numberValue?.float ?? .nan } ?? []
            points.append(VectorPoint(id: p["id"]?.stringValue ?? "", vector: vector, payload: payload))
        }
        let model = try args.string("model")
        let outcome = try await coreCall { () async throws(GatewayError) in
            try await core.ingest(model: model, points: points, context: state.call)
        }
        return .json(CoreValues.ingest(outcome))
    }
}
