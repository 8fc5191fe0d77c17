import GatewayCore
import GraphQL
import JSON

/// `Mutation.generate` and `Subscription.generate` (spec §7): the arguments become the
/// `GenerateCall` REST and gRPC build, with the core's checks and messages; generation needs the
/// `write` role, as embed does.
extension GatewayResolvers {
    /// A whole answer now (real_time, urgent hybrid) or a queued job (bulk_only, other hybrid).
    static func generate(_ core: PatternCore, _ args: ArgumentValues, _ info: ResolveInfo) async throws -> ResolvedValue {
        let state = state(info)
        try requireRole(core, .write, state, "mutation generate")
        let call = try generateCall(args, context: state.call, stream: false)
        switch try await generationCall({ () async throws(GatewayError) in try await core.generate(call) }) {
        case .completed(let c):
            state.addUpstream(milliseconds: c.upstreamMs)
            return .json(CoreValues.generation(c))
        case .queued(let q):
            return .json(CoreValues.queued(q))
        case .streaming(let s):
            // Only a call that asks for a stream gets one; drop it (which cancels it) and say so.
            s.cancel()
            throw FieldError("the core answered a whole-answer call with a stream", code: "internal")
        }
    }

    /// The source stream of `Subscription.generate`: one event per piece the upstream sends, the
    /// last with the finish reason and usage. The stream pulls the upstream as it is read, and
    /// dropping it (the subscriber stopped) releases the `GenerationStream`, which cancels the
    /// upstream call; a read in flight is cancelled with the reading task.
    static func generateStream(_ core: PatternCore, _ args: ArgumentValues, _ info: ResolveInfo) async throws
        -> SourceEventStream
    {
        let state = state(info)
        try requireRole(core, .write, state, "subscription generate")
        let call = try generateCall(args, context: state.call, stream: true)
        let model = try await coreCall { () async throws(GatewayError) in try core.model(named: call.model) }
        if model.pattern == .bulkOnly {
            throw invalid(
                "\(model.name) is bulk_only: it does not answer now, so it cannot stream; queue it with the generate "
                    + "mutation and follow the job with the batch subscription", argument: "model")
        }
        guard case .streaming(let stream) = try await generationCall({ () async throws(GatewayError) in try await core.generate(call) })
        else {
            throw FieldError("the core answered a stream call with a whole answer", code: "internal")
        }
        return SourceEventStream(unfolding: {
            do throws(GatewayError) {
                return try await stream.next().map { .json(CoreValues.chunk($0)) }
            } catch {
                throw fieldError(error)
            }
        })
    }

    /// A core generation call whose refusals name the GraphQL arguments: the core checks the
    /// values and names REST's body fields (`max_tokens`, `top_p`), which a GraphQL caller never wrote.
    static func generationCall<T>(_ body: () async throws(GatewayError) -> T) async throws(FieldError) -> T {
        do {
            return try await body()
        } catch {
            throw fieldError(namingArguments(error))
        }
    }

    static func namingArguments(_ error: GatewayError) -> GatewayError {
        var e = error
        for (field, argument) in [("max_tokens", "maxTokens"), ("top_p", "topP")] {
            e.message = e.message.replacing(field, with: argument)
            e.details = e.details.map { ($0.0, $0.1.replacing(field, with: argument)) }
        }
        return e
    }

    /// The arguments as a core call; the core checks the values (and names the field).
    static func generateCall(_ args: ArgumentValues, context: CallContext, stream: Bool) throws(FieldError) -> GenerateCall {
        let model = try args.string("model")
        let prompt = args.optionalString("prompt")
        var messages: [ChatMessage]?
        if case .array(let items)? = args["messages"] {
            messages = items.map { ChatMessage(role: $0["role"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "") }
        }
        if prompt != nil && messages != nil { throw invalid("send either prompt or messages, not both", argument: "messages") }
        guard let input = prompt.map(GenerationInput.prompt) ?? messages.map(GenerationInput.messages) else {
            throw invalid("prompt or messages is required", argument: "prompt")
        }
        var seed: UInt64?
        if let s = args.optionalInt("seed") {
            guard s >= 0 else { throw invalid("seed must not be negative", argument: "seed") }
            seed = UInt64(s)
        }
        let stop = args["stop"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return GenerateCall(
            model: model, input: input, maxTokens: args.optionalInt("maxTokens"),
            temperature: args["temperature"]?.doubleValue, topP: args["topP"]?.doubleValue, stop: stop, seed: seed,
            stream: stream, urgent: args.optionalBool("urgent"), priority: args.optionalInt("priority"), context: context)
    }
}
