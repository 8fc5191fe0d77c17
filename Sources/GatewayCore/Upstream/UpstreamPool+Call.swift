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
    /// failure is not worth another attempt, the retries are spent, or `deadline` passes
    /// (`upstream_timeout`). With every breaker open it fails at once with `circuit_open`.
    func call<Value: Sendable>(
        _ group: UpstreamGroup, started: GatewayInstant, deadline: GatewayInstant,
        request: (UpstreamEndpoint, Duration) -> UpstreamRequest,
        decode: (UpstreamResponse, UpstreamEndpoint) -> UpstreamVerdict<Value>
    ) async throws(GatewayError) -> Answer<Value> {
        var rng = SystemRandomNumberGenerator()
        var attempt = 0
        var lastError: GatewayError?
        while true {
            guard let (endpoint, probe) = pick(group) else {
                if let lastError { throw lastError }
                throw circuitOpen(group)
            }
            attempt += 1
            let remaining = max(deadline - clock.now(), .milliseconds(1))
            let outcome = await self.attempt(endpoint, probe: probe, group: group.name,
                                             request: request(endpoint, remaining), decode: decode)
            switch outcome {
            case .success(let value):
                return Answer(value: value, endpoint: endpoint.url, attempts: attempt,
                              upstreamDuration: clock.now() - started)
            case .failure(let error, let retryable, let retryAfter):
                lastError = error
                let left = deadline - clock.now()
                guard retryable, left > .zero,
                      let delay = schedule.delay(beforeRetry: attempt, retryAfter: retryAfter, remaining: left, random: &rng)
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

    private func attempt<Value: Sendable>(
        _ endpoint: UpstreamEndpoint, probe: Bool, group: String, request: UpstreamRequest,
        decode: (UpstreamResponse, UpstreamEndpoint) -> UpstreamVerdict<Value>
    ) async -> Attempt<Value> {
        endpoint.began()
        let t0 = clock.now()
        let response: UpstreamResponse
        do {
            response = try await client.send(request)
        } catch {
            endpoint.ended()
            let took = clock.now() - t0
            switch error.kind {
            case .cancelled:
                endpoint.breaker.abandon(probe: probe)
                metrics.attempt(model: group, endpoint: endpoint.url, outcome: "cancelled", duration: took)
                return .failure(GatewayError(.unavailable, "the request was cancelled"), retryable: false, retryAfter: nil)
            case .timeout:
                endpoint.breaker.record(success: false, probe: probe)
                metrics.attempt(model: group, endpoint: endpoint.url, outcome: "timeout", duration: took)
                return .failure(GatewayError(.upstreamTimeout, "\(group) at \(endpoint.url) timed out"),
                                retryable: true, retryAfter: nil)
            default:
                endpoint.breaker.record(success: false, probe: probe)
                metrics.attempt(model: group, endpoint: endpoint.url, outcome: "error", duration: took)
                return .failure(GatewayError(.upstreamError, "\(group) at \(endpoint.url): \(error.message)"),
                                retryable: error.isRetryable, retryAfter: nil)
            }
        }
        endpoint.ended()
        let took = clock.now() - t0
        switch decode(response, endpoint) {
        case .success(let value):
            endpoint.breaker.record(success: true, probe: probe)
            metrics.attempt(model: group, endpoint: endpoint.url, outcome: "success", duration: took)
            return .success(value)
        case .failure(let error, let endpointFault, let retryable):
            // A refused request still shows the server alive: a success for its breaker.
            endpoint.breaker.record(success: !endpointFault, probe: probe)
            let status = response.status
            metrics.attempt(model: group, endpoint: endpoint.url,
                            outcome: (200..<300).contains(status) ? "invalid_response" : "http_\(status)", duration: took)
            return .failure(error, retryable: retryable,
                            retryAfter: response.header("retry-after").flatMap(RetrySchedule.parseRetryAfter))
        }
    }

    /// The endpoint with the fewest calls in flight whose breaker admits a call; ties rotate.
    private func pick(_ group: UpstreamGroup) -> (UpstreamEndpoint, probe: Bool)? {
        let all = group.endpoints
        guard !all.isEmpty else { return nil }
        let start = rotation.wrappingAdd(1, ordering: .relaxed).oldValue
        let rotated = (0..<all.count).map { all[(start + $0) % all.count] }
        for endpoint in rotated.sorted(by: { $0.inFlight < $1.inFlight }) {
            if case .allowed(let probe) = endpoint.breaker.acquire() {
                return (endpoint, probe)
            }
        }
        return nil
    }

    private func circuitOpen(_ group: UpstreamGroup) -> GatewayError {
        let waits = group.endpoints.compactMap { $0.breaker.snapshot().secondsUntilProbe }
        let retryAfter = max(1, Int((waits.min() ?? 1).rounded(.up)))
        return GatewayError(.circuitOpen, "\(group.subject) has an open circuit breaker; retry after \(retryAfter) s",
                            details: group.details, retryAfter: retryAfter)
    }
}
