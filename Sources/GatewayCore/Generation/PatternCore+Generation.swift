/// Generation through the patterns (spec §7): real-time and urgent hybrid calls run now, whole or
/// as a stream; bulk_only and non-urgent hybrid calls become durable jobs; a hybrid call whose
/// real-time path is down is queued instead (`degraded`), unless it asked for a stream. A key
/// with a token budget reserves the call's max_tokens at admission; a real-time call settles the
/// upstream's count at its end, a queued one keeps its reservation.
extension PatternCore {
    public func generate(_ call: GenerateCall) async throws(GatewayError) -> GenerateOutcome {
        let model = try model(named: call.model)
        let options = try call.options(for: model)
        let urgent = router.isUrgent(urgent: call.urgent, priority: call.priority)
        let started = clock.now()
        if call.stream && model.pattern == .bulkOnly {
            throw .invalid("\(model.name) is bulk_only: it does not answer now, so it cannot stream; send the "
                           + "request without \"stream\" to queue it (202 with a batch_id to read the result from)",
                           field: "stream")
        }
        let path = call.stream ? .realTime : router.path(for: model.pattern, urgent: urgent, batch: call.batch)
        let modelStats = stats[model.name]
        let reservation: AccessControl.TokenReservation?
        do {
            reservation = try await access.reserveTokens(credential: call.context.credential, amount: options.maxTokens)
        } catch {
            finish(model, call.context, started: started, outcome: error.code.name)
            throw error
        }
        do {
            let outcome: GenerateOutcome
            switch path {
            case .realTime:
                modelStats?.update { $0.realTimeRequests += 1; $0.activeRequests += 1 }
                defer { modelStats?.update { $0.activeRequests -= 1 } }
                do {
                    if call.stream {
                        outcome = .streaming(try await openStream(model, call, options, urgent: urgent, started: started,
                                                                  reservation: reservation))
                    } else {
                        let c = try await generateNow(model, call, options, urgent: urgent, started: started)
                        if let reservation { await access.settle(reservation, used: c.result.usage.totalTokens) }
                        outcome = .completed(c)
                    }
                } catch where model.pattern == .hybrid && !call.stream && call.context.acceptsQueued && Self.degradable(error) {
                    outcome = .queued(try await enqueueGeneration(model, call, options, urgent: urgent, degraded: true))
                }
            case .queue:
                modelStats?.update { $0.bulkRequests += 1 }
                outcome = .queued(try await enqueueGeneration(model, call, options, urgent: urgent, degraded: false))
            }
            // A stream's request is counted when it ends (see openStream).
            if case .streaming = outcome {} else { finish(model, call.context, started: started, outcome: "success") }
            return outcome
        } catch {
            // Nothing was generated: the reserved tokens go back.
            if let reservation { await access.settle(reservation, used: 0) }
            finish(model, call.context, started: started, outcome: error.code.name)
            throw error
        }
    }

    private func generateNow(_ model: ModelConfig, _ call: GenerateCall, _ options: GenerationOptions, urgent: Bool,
                             started: GatewayInstant) async throws(GatewayError) -> CompletedGeneration {
        let answer = try await pool.generate(model: model, input: call.input, options: options,
                                             requestID: call.context.requestID, trace: call.context.trace)
        let took = clock.now() - started
        generation.record(model: model.name, protocolName: call.context.protocolName, usage: answer.value.usage,
                          firstToken: took, total: took)
        return CompletedGeneration(model: model.name, pattern: model.pattern, result: answer.value,
                                   processingTimeMs: Self.milliseconds(took), endpoint: answer.endpoint, urgent: urgent,
                                   processedAt: wall.wallTime(), upstreamMs: Self.milliseconds(answer.upstreamDuration))
    }

    private func openStream(_ model: ModelConfig, _ call: GenerateCall, _ options: GenerationOptions, urgent: Bool,
                            started: GatewayInstant,
                            reservation: AccessControl.TokenReservation?) async throws(GatewayError) -> GenerationStream {
        let idle = Duration.milliseconds(Int64(model.timeout * 1000))
        let answer = try await pool.openGenerationStream(model: model, input: call.input, options: options,
                                                         requestID: call.context.requestID, trace: call.context.trace, idleTimeout: idle)
        let firstToken = clock.now() - started
        let clock = self.clock
        let context = call.context
        return GenerationStream(
            model: model.name, pattern: model.pattern, endpoint: answer.endpoint, isChat: call.input.isChat,
            urgent: urgent, opened: answer.value, idleSeconds: model.timeout
        ) { [self] end in
            let took = clock.now() - started
            if let reservation {
                // The end is reported from the reading task; settling may wait on Redis, so it goes on its own.
                let used = if case .completed(_, let usage) = end { usage.totalTokens } else { 0 }
                let access = self.access
                Task { await access.settle(reservation, used: used) }
            }
            switch end {
            case .completed(_, let usage):
                generation.record(model: model.name, protocolName: context.protocolName, usage: usage,
                                  firstToken: firstToken, total: took)
                finish(model, context, started: started, outcome: "success")
            case .failed(let error):
                generation.record(model: model.name, protocolName: context.protocolName, usage: nil,
                                  firstToken: firstToken, total: took)
                finish(model, context, started: started, outcome: error.code.name)
            case .abandoned:
                finish(model, context, started: started, outcome: "cancelled")
            }
        }
    }

    private func enqueueGeneration(_ model: ModelConfig, _ call: GenerateCall, _ options: GenerationOptions,
                                   urgent: Bool, degraded: Bool) async throws(GatewayError) -> QueuedEmbedding {
        let now = wall.wallTime()
        let job = BatchJob(id: BatchID.make(model: model.name, at: now), model: model.name, texts: [],
                           pattern: model.pattern, urgent: urgent, degraded: degraded, queuedAt: now,
                           requestID: call.context.requestID, trace: call.context.trace,
                           generation: GenerationRequest(input: call.input, options: options))
        return try await enqueue(job, model: model, urgent: urgent, degraded: degraded, at: now)
    }
}

extension PatternCore {
    /// Generations, tokens and tokens per second of `model` since start (status pages).
    public func generationReport(model: String) -> GenerationReport {
        generation.totals(for: model)
    }
}
