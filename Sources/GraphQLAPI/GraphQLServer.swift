import GatewayCore
import GatewayHTTP
import GraphQL
import JSON
import Tracing

/// `POST /graphql` and `GET /graphql` (spec §4; GraphQL over HTTP): reads the GraphQL request,
/// prepares the document (parsed and validated once per distinct text), runs it against the
/// core's resolvers and answers in the media type the client accepts. The same path serves the
/// streaming transports (spec §7): GraphQL over SSE for a request that accepts
/// `text/event-stream` (`GraphQLServer+EventStream`), and GraphQL over WebSocket for a GET that
/// asks to upgrade (`GraphQLServer+WebSocket`).
/// Runs on: the request's handler task, started by the transport.
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
        /// graphql-transport-ws: a socket without `connection_init` this long is closed with 4408.
        public var connectionInitTimeout = Duration.seconds(10)
        /// graphql-transport-ws: operations one socket may run at once (more are refused with an
        /// `error` message, code `rate_limited`).
        public var maxOperationsPerSocket = 100
        /// GraphQL over SSE: a comment line after this long without an event.
        public var eventStreamKeepAlive = Duration.seconds(15)

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
        let head = request.head
        if head.method == "GET", await upgrade(request, writer) { return }
        if EventStreamFraming.accepts(head.headers["Accept"]) {
            await eventStream(request, writer)
            return
        }
        let started = ContinuousClock.now
        let requestID = RequestID.from(head.headers)
        let state = GraphQLCallState(call: CallContext(requestID: requestID, trace: TraceContext.from(head.headers), protocolName: "graphql",
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
        let rateHeaders: [(String, String)]
        switch await admit(state) {
        case .success(let headers): rateHeaders = headers
        case .failure(let error): return refused(error, media: media)
        }
        var answer = await execute(request, state, media: media, isGet: isGet)
        for (name, value) in rateHeaders { answer.headers.add(name, value) }
        return answer
    }

    /// The key check every request to /graphql passes before its document is read (one token,
    /// the `read` role): the rate-limit headers to answer with, or the refusal.
    func admit(_ state: GraphQLCallState) async -> Result<[(String, String)], GatewayError> {
        guard let access, access.requiresKeys else { return .success([]) }
        do throws(GatewayError) {
            let grant = try await access.admit(credential: state.call.credential, needs: .read, operation: "/graphql")
            return .success(grant?.rateLimit.headers ?? [])
        } catch {
            return .failure(error)
        }
    }

    /// 401, 403 or 429 with the error as GraphQL's `errors` (and Retry-After, RateLimit-*).
    func refused(_ error: GatewayError, media: ResponseMediaType) -> Answer {
        let extra = (error.retryAfter.map { [("Retry-After", String($0))] } ?? []) + error.accessHeaders
        return failure(error.code.httpStatus, error.message, code: error.code.name, media: media, extraHeaders: extra)
    }

    private func execute(_ request: Request, _ state: GraphQLCallState, media: ResponseMediaType, isGet: Bool) async -> Answer {
        let prepared: PreparedOperation
        let httpRequest: GraphQLHTTPRequest
        switch await readOperation(request, isGet: isGet) {
        case .malformed(let status, let message, let code):
            return failure(status, message, code: code, media: media)
        case .requestErrors(let errors):
            return requestErrors(errors, media: media)
        case .ready(let p, let r):
            (prepared, httpRequest) = (p, r)
        }
        let operation = prepared.operation
        if isGet && operation.operation == .mutation {
            return Self.mutationOverGet(media: media)
        }
        if operation.operation == .subscription {
            return failure(406, "a subscription streams: send it with Accept: text/event-stream (GraphQL over SSE) or over "
                           + "a WebSocket (subprotocol graphql-transport-ws)", code: "invalid_argument", media: media)
        }
        let result = await executor.executeSerialized(prepared: prepared, variables: httpRequest.variables, context: state)
        guard result.data != nil else { return requestErrors(result.errors, media: media) }
        var extensions = JSONObject()
        if let cache = state.cacheExtension { extensions.set("cache", cache) }
        return Answer(status: 200, headers: Self.headers(media), body: result.json(extensions: extensions))
    }

    static func mutationOverGet(media: ResponseMediaType) -> Answer {
        var headers = Self.headers(media)
        headers.add("Allow", "POST")
        let error = GraphQLError("a mutation must be sent with POST; GET runs queries and subscriptions only",
                                 extensions: ["code": "invalid_argument"])
        return Answer(status: 405, headers: headers, body: JSON.serialize(ExecutionResult(data: nil, errors: [error]).json()))
    }

    /// The operation an HTTP request asks to run, or why there is none.
    enum ReadOperation: Sendable {
        case ready(PreparedOperation, GraphQLHTTPRequest)
        /// Not a GraphQL request at all (a bad body or query string, too large).
        case malformed(status: Int, message: String, code: String)
        /// A document that does not parse or validate, or names no operation of it.
        case requestErrors([GraphQLError])
    }

    /// Reads the GraphQL request from the URL parameters (GET) or the body (POST) and prepares
    /// its operation.
    func readOperation(_ request: Request, isGet: Bool) async -> ReadOperation {
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
                    return .malformed(status: 413, message: "the request body is larger than \(limits.maxBodyBytes) bytes",
                                      code: "payload_too_large")
                }
                httpRequest = try GraphQLHTTPRequest.fromBody(body, contentType: head.headers["Content-Type"])
            }
        } catch {
            return .malformed(status: 400, message: error.message, code: "invalid_argument")
        }
        switch prepare(query: httpRequest.query, operationName: httpRequest.operationName) {
        case .success(let prepared): return .ready(prepared, httpRequest)
        case .failure(.tooLarge(let message)): return .malformed(status: 413, message: message, code: "payload_too_large")
        case .failure(.invalid(let errors)): return .requestErrors(errors)
        }
    }

    enum PrepareFailure: Error {
        case tooLarge(String)
        case invalid([GraphQLError])
    }

    /// The document's operation, parsed and validated once per distinct text; shared by every
    /// transport.
    func prepare(query: String, operationName: String?) -> Result<PreparedOperation, PrepareFailure> {
        guard query.utf8.count <= limits.maxDocumentBytes else {
            return .failure(.tooLarge("the document is \(query.utf8.count) bytes; the limit is \(limits.maxDocumentBytes)"))
        }
        switch documents.prepare(query) {
        case .invalid(let errors):
            return .failure(.invalid(errors))
        case .valid(let document):
            do {
                return .success(try document.operation(named: operationName, executor: executor))
            } catch {
                return .failure(.invalid([error]))
            }
        }
    }

    /// Errors that stopped the request before execution: no `data` key.
    private func requestErrors(_ errors: [GraphQLError], media: ResponseMediaType) -> Answer {
        let errors = Self.coded(errors)
        let body = ExecutionResult(data: nil, errors: errors).json()
        return Answer(status: media == .graphQLResponse ? 400 : 200, headers: Self.headers(media), body: JSON.serialize(body))
    }

    /// Request errors carry `invalid_argument` unless they say otherwise.
    static func coded(_ errors: [GraphQLError]) -> [GraphQLError] {
        errors.map { e -> GraphQLError in
            var e = e
            if e.extensions?["code"] == nil {
                var ext = e.extensions ?? [:]
                ext.set("code", "invalid_argument")
                e.extensions = ext
            }
            return e
        }
    }

    func failure(_ status: Int, _ message: String, code: String, media: ResponseMediaType,
                         extraHeaders: [(String, String)] = []) -> Answer {
        var headers = Self.headers(media)
        for (name, value) in extraHeaders { headers.add(name, value) }
        let body = ExecutionResult(data: nil, errors: [GraphQLError(message, extensions: ["code": .string(code)])]).json()
        return Answer(status: status, headers: headers, body: JSON.serialize(body))
    }

    static func headers(_ media: ResponseMediaType) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(5)
        headers.add("Content-Type", media.contentType)
        return headers
    }
}
