import Synchronization

/// Generation's series (spec §7) and the per-model token rate the status pages show.
/// Runs on: any task (atomics and one short lock).
final class GenerationMetrics: Sendable {
    typealias ModelTotals = GenerationReport

    let tokens: Counter
    let timeToFirstToken: Histogram
    let duration: Histogram
    private let totals: Mutex<[String: ModelTotals]>

    init(registry: MetricsRegistry, models: [String]) {
        tokens = registry.counter("pattern_tokens_total", help: "Tokens the upstreams reported, by model, kind and protocol.",
                                  labelNames: ["model", "kind", "protocol"])
        timeToFirstToken = registry.histogram("pattern_time_to_first_token_seconds",
                                              help: "From accepting a generation to its first token (the whole answer when not streamed).",
                                              labelNames: ["model"])
        duration = registry.histogram("pattern_generation_duration_seconds", help: "Whole generations, first byte to last.",
                                      labelNames: ["model"])
        totals = Mutex(Dictionary(uniqueKeysWithValues: models.map { ($0, ModelTotals()) }))
    }

    /// One generation that ended; `usage` nil when it failed midway (its tokens are unknown).
    func record(model: String, protocolName: String, usage: TokenUsage?, firstToken: Duration, total: Duration) {
        timeToFirstToken.observe(Self.seconds(firstToken), labels: [model])
        duration.observe(Self.seconds(total), labels: [model])
        guard let usage else { return }
        tokens.inc(labels: [model, "prompt", protocolName], by: Double(usage.promptTokens))
        tokens.inc(labels: [model, "completion", protocolName], by: Double(usage.completionTokens))
        let flowing = max(0, Self.seconds(total - firstToken))
        totals.withLock { t in
            var m = t[model] ?? ModelTotals()
            m.generations += 1
            m.promptTokens += usage.promptTokens
            m.completionTokens += usage.completionTokens
            // A whole answer's tokens all arrive at once: count its whole time.
            m.streamingSeconds += flowing > 0 ? flowing : Self.seconds(total)
            t[model] = m
        }
    }

    func totals(for model: String) -> ModelTotals { totals.withLock { $0[model] ?? ModelTotals() } }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
