import GatewayCore
import GatewayHTTP
import GraphQL
import JSON

/// `POST /graphql` and `GET /graphql` (spec §4; GraphQL over HTTP): reads the GraphQL request,
/// prepares the document (parsed and validated once per distinct text), runs it against the
/// core's resolvers and answers in the media type the client accepts.
///
/// Status codes: request errors (malformed request, parse, validation, operation selection,
/// variable coercion) are 400 for `application/graphql-response+json` and, except for a
/// malformed HTTP request, 200 for `application/json`; an executed operation is 200 whatever its
/// field errors; GET with a mutation is 405; an unacceptable Accept is 406; an oversized
/// document is 413.
public struct GraphQLServer: Sendable {
    public static let path = "/graphql"

    public struct Limits: Sendable {
        public var maxBodyBytes = 16 << 20
        /// The query text itself; the introspection query is about 3 KB.
        public var maxDocumentBytes = 100_000
        public var query = QueryLimits()
        public var parse = ParseOptions()

        public init() {}

        /// The validation limits (spec §4: depth, aliases, cost), the rest at their defaults.
        public init(maxDepth: Int, maxAliases: Int, maxCost: Int) {
            query = QueryLimits(maxDepth: maxDepth, maxAliases: maxAliases, maxCost: maxCost)
        }
    }

    let schema: GraphQLSchema
    let executor: Executor
    let documents: PreparedDocuments
    let limits: Limits
    /// API keys (spec §6): a request needs a valid key (role read) and takes one token; the
    /// mutations that need more check again in their resolvers, as field errors.
    let access: (any CallAdmission)?

    /// Builds the running schema from the embedded Schema/gateway.graphql; a schema that does not
    /// build is a programming error caught by the test suite, so it stops the process here.
    public init(core: PatternCore, limits: Limits = Limits()) {
        let schema: GraphQLSchema
        do {
            schema = try SchemaBuilder.build(sdl: GatewaySchema.sdl)
        } catch {
            fatalError("Schema/gateway.graphql does not build: \(error)")
        }
        self.init(schema: schema, resolvers: GatewayResolvers.map(core: core), limits: limits, access: core)
    }

    init(schema: GraphQLSchema, resolvers: ResolverMap, limits: Limits = Limits(), access: (any CallAdmission)? = nil) {
        self.access = access
        self.schema = schema
        self.executor = Executor(schema: schema, resolvers: resolvers)
        self.documents = PreparedDocuments(schema: schema, limits: limits.query, parseOptions: limits.parse)
        self.limits = limits
    }

    public static func accepts(_ head: RequestHead) -> Bool { head.path == path }

    public func handle(_ request: Request, _ writer: any ResponseWriter) async {
        let started = ContinuousClock.now
        let head = request.head
        let requestID = RequestID.from(head.headers)
        let state = GraphQLCallState(call: CallContext(requestID: requestID, protocolName: "graphql",
                                                       credential: Credential.from(head.headers)))
        var answer = await answer(request, state)
        answer.headers.add("X-Request-Id", requestID)
        answer.headers.add("Server-Timing", ServerTiming.header(since: started, upstreamMilliseconds: state.upstreamMilliseconds))
        writer.respond(status: answer.status, headers: answer.headers, body: head.method == "HEAD" ? [] : answer.body,
                       trailers: nil)
    }

    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    private func answer(_ request: Request, _ state: GraphQLCallState) async -> Answer {
        let head = request.head
        let isGet = head.method == "GET" || head.method == "HEAD"
        guard isGet || head.method == "POST" else {
            return failure(405, "method \(head.method) is not allowed on /graphql; use GET or POST", code: "invalid_argument",
                           media: .json, extraHeaders: [("Allow", "GET, POST")])
        }
        guard let media = ResponseMediaType.negotiate(accept: head.headers["Accept"]) else {
            return failure(406, "/graphql answers application/graphql-response+json or application/json; Accept allows neither",
                           code: "invalid_argument", media: .json)
        }
        var rateHeaders: [(String, String)] = []
        if let access, access.requiresKeys {
            do throws(GatewayError) {
                let grant = try await access.admit(credential: state.call.credential, needs: .read, operation: "/graphql")
                rateHeaders = grant?.rateLimit.headers ?? []
            } catch {
                return refused(error, media: media)
            }
        }
        var answer = await execute(request, state, media: media, isGet: isGet)
        for (name, value) in rateHeaders { answer.headers.add(name, value) }
        return answer
    }

    /// 401, 403 or 429 with the error as GraphQL's `errors` (and Retry-After, RateLimit-*).
    private func refused(_ error: GatewayError, media: ResponseMediaType) -> Answer {
        let extra = (error.retryAfter.map { [("Retry-After", String($0))] } ?? []) + error.accessHeaders
        return failure(error.code.httpStatus, error.message, code: error.code.name, media: media, extraHeaders: extra)
    }

    private func execute(_ request: Request, _ state: GraphQLCallState, media: ResponseMediaType, isGet: Bool) async -> Answer {
        let head = request.head
        let httpRequest: GraphQLHTTPRequest
        do {
            if isGet {
                httpRequest = try GraphQLHTTPRequest.fromQueryString(head.query)
            } else {
                let body: [UInt8]
                do {
                    body = try await request.body.collect(upTo: limits.maxBodyBytes)
                } catch {
                    return failure(413, "the request body is larger than \(limits.maxBodyBytes) bytes", code: "payload_too_large",
                                   media: media)
                }
                httpRequest = try GraphQLHTTPRequest.fromBody(body, contentType: head.headers["Content-Type"])
            }
        } catch {
            return failure(400, error.message, code: "invalid_argument", media: media)
        }
        guard httpRequest.query.utf8.count <= limits.maxDocumentBytes else {
            return failure(413, "the document is \(httpRequest.query.utf8.count) bytes; the limit is \(limits.maxDocumentBytes)",
                           code: "payload_too_large", media: media)
        }
        let document: PreparedDocument
        switch documents.prepare(httpRequest.query) {
        case .invalid(let errors):
            return requestErrors(errors, media: media)
        case .valid(let d):
            document = d
        }
        let prepared: PreparedOperation
        do {
            prepared = try document.operation(named: httpRequest.operationName, executor: executor)
        } catch {
            return requestErrors([error], media: media)
        }
        let operation = prepared.operation
        if isGet && operation.operation != .query {
            return failure(405, "a \(operation.operation.rawValue) must be sent with POST; GET runs queries only",
                           code: "invalid_argument", media: media, extraHeaders: [("Allow", "POST")])
        }
        let result = await executor.executeSerialized(prepared: prepared, variables: httpRequest.variables, context: state)
        guard result.data != nil else { return requestErrors(result.errors, media: media) }
        var extensions = JSONObject()
        if let cache = state.cacheExtension { extensions.set("cache", cache) }
        return Answer(status: 200, headers: Self.headers(media), body: result.json(extensions: extensions))
    }

    /// Errors that stopped the request before execution: no `data` key.
    private func requestErrors(_ errors: [GraphQLError], media: ResponseMediaType) -> Answer {
        let errors = errors.map { e -> GraphQLError in
            var e = e
            if e.extensions?["code"] == nil {
                var ext = e.extensions ?? [:]
                ext.set("code", "invalid_argument")
                e.extensions = ext
            }
            return e
        }
        let body = ExecutionResult(data: nil, errors: errors).json()
        return Answer(status: media == .graphQLResponse ? 400 : 200, headers: Self.headers(media), body: JSON.serialize(body))
    }

    private func failure(_ status: Int, _ message: String, code: String, media: ResponseMediaType,
                         extraHeaders: [(String, String)] = []) -> Answer {
        var headers = Self.headers(media)
        for (name, value) in extraHeaders { headers.add(name, value) }
        let body = ExecutionResult(data: nil, errors: [GraphQLError(message, extensions: ["code": .string(code)])]).json()
        return Answer(status: status, headers: headers, body: JSON.serialize(body))
    }

    private static func headers(_ media: ResponseMediaType) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(5)
        headers.add("Content-Type", media.contentType)
        return headers
    }
}
