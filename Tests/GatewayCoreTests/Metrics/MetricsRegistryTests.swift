import Testing

@testable import GatewayCore

@Suite("Metrics registry and exposition")
struct MetricsRegistryTests {
    @Test("renders a small registry exactly")
    func render() {
        let registry = MetricsRegistry()
        let requests = registry.counter(
            "pattern_requests_total", help: "Requests by model, pattern, protocol and outcome.",
            labelNames: ["model", "pattern", "protocol", "outcome"])
        let depth = registry.gauge("pattern_batch_queue_depth", help: "Queued texts.", labelNames: ["model"])
        let duration = registry.histogram(
            "pattern_request_duration_seconds", help: "Request duration.", labelNames: ["model"], buckets: [0.1, 1])
        _ = registry.gauge("up", help: "Always 1 once started.")
        requests.inc(labels: ["phi3", "real_time", "rest", "success"])
        requests.inc(labels: ["phi3", "real_time", "rest", "success"], by: 2)
        requests.inc(labels: ["general", "real_time", "grpc", "error"])
        depth.set(12, labels: ["mixtral"])
        depth.set(0.5, labels: ["hermes"])
        duration.observe(0.05, labels: ["phi3"])
        duration.observe(0.1, labels: ["phi3"])
        duration.observe(3, labels: ["phi3"])

        let expected = """
            # HELP pattern_batch_queue_depth Queued texts.
            # TYPE pattern_batch_queue_depth gauge
            pattern_batch_queue_depth{model="hermes"} 0.5
            pattern_batch_queue_depth{model="mixtral"} 12
            # HELP pattern_request_duration_seconds Request duration.
            # TYPE pattern_request_duration_seconds histogram
            pattern_request_duration_seconds_bucket{model="phi3",le="0.1"} 2
            pattern_request_duration_seconds_bucket{model="phi3",le="1"} 2
            pattern_request_duration_seconds_bucket{model="phi3",le="+Inf"} 3
            pattern_request_duration_seconds_sum{model="phi3"} 3.15
            pattern_request_duration_seconds_count{model="phi3"} 3
            # HELP pattern_requests_total Requests by model, pattern, protocol and outcome.
            # TYPE pattern_requests_total counter
            pattern_requests_total{model="general",pattern="real_time",protocol="grpc",outcome="error"} 1
            pattern_requests_total{model="phi3",pattern="real_time",protocol="rest",outcome="success"} 3
            # HELP up Always 1 once started.
            # TYPE up gauge
            up 0

            """
        #expect(registry.render() == expected)
    }

    @Test("a labelled family with no series still shows its HELP and TYPE")
    func emptyFamily() {
        let registry = MetricsRegistry()
        _ = registry.counter("pattern_cache_hits_total", help: "Cache hits.", labelNames: ["model"])
        #expect(registry.render() == "# HELP pattern_cache_hits_total Cache hits.\n# TYPE pattern_cache_hits_total counter\n")
    }

    @Test("label values and help text are escaped")
    func escaping() {
        let registry = MetricsRegistry()
        let c = registry.counter("c_total", help: "back\\slash and\nnewline \"quotes\" stay", labelNames: ["v"])
        c.inc(labels: ["a\\b\"c\nd"])
        #expect(registry.render() == """
            # HELP c_total back\\\\slash and\\nnewline "quotes" stay
            # TYPE c_total counter
            c_total{v="a\\\\b\\"c\\nd"} 1

            """)
    }

    @Test("histogram buckets are cumulative and end at +Inf")
    func cumulative() {
        let registry = MetricsRegistry()
        let h = registry.histogram("d_seconds", help: "d")
        for value in [0.0001, 0.0005, 0.003, 0.003, 0.7, 29, 31, 1_000] { h.observe(value) }
        let series = h.series([])
        let expected: [UInt64] = [2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 6, 8]
        #expect(series.cumulativeCounts() == expected)
        #expect(series.count == 8)
        #expect(abs(series.sum - 1060.7066) < 1e-9)
        let text = registry.render()
        #expect(text.contains("d_seconds_bucket{le=\"0.0005\"} 2\n"))
        #expect(text.contains("d_seconds_bucket{le=\"2.5\"} 5\n"))
        #expect(text.contains("d_seconds_bucket{le=\"30\"} 6\n"))
        #expect(text.contains("d_seconds_bucket{le=\"+Inf\"} 8\n"))
        #expect(text.contains("d_seconds_count 8\n"))
    }

    @Test("number formatting", arguments: [
        (0.0, "0"), (-0.0, "0"), (3, "3"), (-2, "-2"), (0.5, "0.5"), (0.0005, "0.0005"), (1e-05, "1e-05"),
        (1e20, "1e+20"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (.nan, "NaN"), (9_007_199_254_740_991, "9007199254740991"),
    ] as [(Double, String)])
    func numbers(_ value: Double, _ text: String) {
        #expect(PrometheusText.format(value) == text)
    }

    @Test("registering again returns the same metric")
    func idempotent() {
        let registry = MetricsRegistry()
        let a = registry.counter("x_total", help: "x", labelNames: ["model"])
        let b = registry.counter("x_total", help: "x", labelNames: ["model"])
        #expect(a === b)
        a.inc(labels: ["m"])
        #expect(b.series(["m"]).value == 1)
    }

    @Test("name validation", arguments: [
        ("pattern_requests_total", true, true), ("a:b", true, false), ("_x1", true, true), ("1x", false, false),
        ("", false, false), ("a-b", false, false), ("__reserved", true, false), ("é", false, false),
    ])
    func names(_ name: String, _ metricOK: Bool, _ labelOK: Bool) {
        #expect(PrometheusText.isValidMetricName(name) == metricOK)
        #expect(PrometheusText.isValidLabelName(name) == labelOK)
    }

    @Test("pre-resolved series and concurrent increments sum exactly")
    func concurrent() async {
        let registry = MetricsRegistry()
        let counter = registry.counter("n_total", help: "n", labelNames: ["k"])
        let gauge = registry.gauge("g", help: "g")
        let histogram = registry.histogram("h_seconds", help: "h")
        let hot = counter.series(["hot"])
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for i in 0..<1_000 {
                        hot.inc()
                        counter.inc(labels: ["k\(task % 4)"], by: 0.5)
                        gauge.inc(by: i.isMultiple(of: 2) ? 2 : -1)
                        histogram.observe(0.01)
                    }
                }
            }
        }
        #expect(hot.value == 16_000)
        #expect((0..<4).map { counter.series(["k\($0)"]).value } == [2_000, 2_000, 2_000, 2_000])
        #expect(gauge.series([]).value == 8_000)
        #expect(histogram.series([]).count == 16_000)
        #expect(histogram.series([]).cumulativeCounts().last == 16_000)
    }
}
