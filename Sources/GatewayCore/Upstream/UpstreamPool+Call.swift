import Upstream

/// The machinery every upstream call shares, whatever it sends and however it reads the answer:
/// endpoint choice, breakers, retries within the deadline, metrics.
extension UpstreamPool {
    /// What one successful call gave back.
    struct Answer<Value: Sendable>: Sendable {
        var value: Value
        /// The base URL of the endpoint that answered.
        var endpoint: String
        var attempts: Int
        /// Time spent in upstream calls and backoff waits.
        var upstreamDuration: Duration
    }

    /// Sends `request(endpoint, timeLeft)` to the group until `decode` accepts an answer, the
    /// failure is not worth another attempt (the group's `RetryPolicy`), the retries are spent,
    /// or `deadline` passes (`upstream_timeout`). With every endpoint out of rotation it fails at
    /// once with `unavailable`; with every breaker open, with `circuit_open`.
    func call<Value: Sendable>(
        _ group: UpstreamGroup, started: GatewayInstant, deadline: GatewayInstant,
        request: (UpstreamEndpoint, Duration) -> UpstreamRequest,
        decode: (UpstreamResponse, UpstreamEndpoint) -> UpstreamVerdict<Value>
    ) async throws(GatewayError) -> Answer<Value> {
        let client = self.client
        return try await call(group, started: started, deadline: deadline, request: request,
                              send: { r throws(UpstreamError) in try await client.send(r) }, decode: decode)
    }

    /// `call` with another way of sending: `send` may return before the whole answer is in (a
    /// stream whose first chunk it has read), as long as it says the status and headers.
    func call<Sent: UpstreamAnswer, Value: Sendable>(
        _ group: UpstreamGroup, started: GatewayInstant, deadline: GatewayInstant,
        request: (UpstreamEndpoint, Duration) -> UpstreamRequest,
        send: (UpstreamRequest) async throws(UpstreamError) -> Sent,
        decode: (Sent, UpstreamEndpoint) -> UpstreamVerdict<Value>
    ) async throws(GatewayError) -> Answer<Value> {
        var rng = SystemRandomNumberGenerator()
        var attempt = 0
        var lastError: GatewayError?
        while true {
            guard let (endpoint, probe) = pick(group) else {
                if let lastError { throw lastError }
                throw noEndpoint(group)
            }
            attempt += 1
            let remaining = max(deadline - clock.now(), .milliseconds(1))
            let outcome = await self.attempt(endpoint, probe: probe, group: group,
                                             request: request(endpoint, remaining), send: send, decode: decode)
            switch outcome {
            case .success(let value):
                return Answer(value: value, endpoint: endpoint.url, attempts: attempt,
                              upstreamDuration: clock.now() - started)
            case .failure(let error, let retryable, let retryAfter):
                lastError = error
                let left = deadline - clock.now()
                guard retryable, left > .zero,
                      let delay = group.schedule.delay(beforeRetry: attempt, retryAfter: retryAfter, remaining: left, random: &rng)
                else {
                    throw left <= .zero && error.code != .circuitOpen
                        ? GatewayError(.upstreamTimeout, "\(group.name) did not answer within \(Self.seconds(deadline - started)) s (\(attempt) attempt\(attempt == 1 ? "" : "s"))")
                        : error
                }
                if delay > .zero {
                    do { try await Task.sleep(for: delay) } catch {
                        throw GatewayError(.unavailable, "the request was cancelled")
                    }
                }
            }
        }
    }

    private enum Attempt<Value: Sendable> {
        case success(Value)
        case failure(GatewayError, retryable: Bool, retryAfter: Duration?)
    }

    private func attempt<Sent: UpstreamAnswer, Value: Sendable>(
        _ endpoint: UpstreamEndpoint, probe: Bool, group: UpstreamGroup, request: UpstreamRequest,
        send: (UpstreamRequest) async throws(UpstreamError) -> Sent,
        decode: (Sent, UpstreamEndpoint) -> UpstreamVerdict<Value>
    ) async -> Attempt<Value> {
        let name = group.name
        endpoint.began()
        let t0 = clock.now()
        let response: Sent
        do {
            response = try await send(request)
        } catch {
            endpoint.ended()
            let took = clock.now() - t0
            let retryable = group.retry.retries(error.kind)
            switch error.kind {
            case .cancelled:
                endpoint.breaker.abandon(probe: probe)
                metrics.attempt(model: name, endpoint: endpoint.url, outcome: "cancelled", duration: took)
                return .failure(GatewayError(.unavailable, "the request was cancelled"), retryable: false, retryAfter: nil)
            case .timeout:
                endpoint.breaker.record(success: false, probe: probe)
                metrics.attempt(model: name, endpoint: endpoint.url, outcome: "timeout", duration: took)
                return .failure(GatewayError(.upstreamTimeout, "\(name) at \(endpoint.url) timed out"),
                                retryable: retryable, retryAfter: nil)
            default:
                endpoint.breaker.record(success: false, probe: probe)
                metrics.attempt(model: name, endpoint: endpoint.url, outcome: "error", duration: took)
                return .failure(GatewayError(.upstreamError, "\(name) at \(endpoint.url): \(error.message)"),
                                retryable: retryable, retryAfter: nil)
            }
        }
        endpoint.ended()
        let took = clock.now() - t0
        let status = response.status
        let verdict = decode(response, endpoint)
        if case .success(let value) = verdict {
            endpoint.breaker.record(success: true, probe: probe)
            metrics.attempt(model: name, endpoint: endpoint.url, outcome: "success", duration: took)
            return .success(value)
        }
        guard let failure = verdict.failure(under: group.retry) else { preconditionFailure("a success is handled above") }
        // A refused request still shows the server alive: a success for its breaker.
        endpoint.breaker.record(success: !failure.endpointFault, probe: probe)
        metrics.attempt(model: name, endpoint: endpoint.url,
                        outcome: (200..<300).contains(status) ? "invalid_response" : "http_\(status)", duration: took)
        return .failure(failure.error, retryable: failure.retryable,
                        retryAfter: response.header("retry-after").flatMap(RetrySchedule.parseRetryAfter))
    }

    /// The endpoint with the fewest calls in flight whose breaker admits a call; ties rotate.
    private func pick(_ group: UpstreamGroup) -> (UpstreamEndpoint, probe: Bool)? {
        let all = group.endpoints
        guard !all.isEmpty else { return nil }
        let start = rotation.wrappingAdd(1, ordering: .relaxed).oldValue
        let rotated = (0..<all.count).map { all[(start + $0) % all.count] }
        for endpoint in rotated.sorted(by: { $0.inFlight < $1.inFlight }) where endpoint.health.inRotation {
            if case .allowed(let probe) = endpoint.breaker.acquire() {
                return (endpoint, probe)
            }
        }
        return nil
    }

    /// Why no endpoint takes the call: all out of rotation (`unavailable`, told to come back after
    /// a health-check interval), or the rest behind open breakers (`circuit_open`).
    private func noEndpoint(_ group: UpstreamGroup) -> GatewayError {
        let inRotation = group.endpoints.filter { $0.health.inRotation }
        guard inRotation.isEmpty, let first = group.endpoints.first else { return circuitOpen(group) }
        let retryAfter = max(1, Int(first.health.settings.interval.rounded(.up)))
        return GatewayError(.unavailable, "\(group.subject) is failing its health checks; retry after \(retryAfter) s",
                            details: group.details, retryAfter: retryAfter)
    }

    private func circuitOpen(_ group: UpstreamGroup) -> GatewayError {
        let waits = group.endpoints.filter { $0.health.inRotation }.compactMap { $0.breaker.snapshot().secondsUntilProbe }
        let retryAfter = max(1, Int((waits.min() ?? 1).rounded(.up)))
        return GatewayError(.circuitOpen, "\(group.subject) has an open circuit breaker; retry after \(retryAfter) s",
                            details: group.details, retryAfter: retryAfter)
    }
}

/// What an attempt got back, as far as the pool's policy needs it: the status and the headers.
protocol UpstreamAnswer: Sendable {
    var status: Int { get }
    func header(_ name: String) -> String?
}

extension UpstreamResponse: UpstreamAnswer {}
