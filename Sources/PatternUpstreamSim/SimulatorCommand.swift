#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CLinux
import GatewayCore
import Logging
import Transport

/// `pattern-upstream-sim`: the nine model servers for tests, benchmarks and demos. Each model
/// listens on its default port (11400–11408 in the spec's order), or all share `--port`.
@main
struct SimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pattern-upstream-sim",
        abstract: "Model-server simulator: vLLM- and Ollama-style embedding APIs with latency, errors and a fault-control endpoint.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "First of nine ports, one per model in the spec's order.") var basePort = 11400
    @Option(help: "Serve every model on this one port instead, routed by the body's `model`.") var port: Int?
    @Option(help: "Mean added latency per embed call, in milliseconds.") var latencyMs: Double = 2
    @Option(help: "Uniform jitter around the latency, in milliseconds.") var jitterMs: Double = 1
    @Option(help: "Chance (0–1) of an injected 503 per call.") var errorRate: Double = 0
    @Option(help: "Seed for latency jitter and injected errors.") var seed: UInt64 = 1
    @Option(help: "Event loops per listener.") var eventLoops = 1
    @Option(help: "trace … critical") var logLevel = "warning"

    func run() throws {
        _ = clinux_block_termination_signals()
        signal(SIGPIPE, SIG_IGN)
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "pattern-upstream-sim")
        guard (0...1).contains(errorRate) else { throw ValidationError("--error-rate must be between 0 and 1") }

        let models = ModelRegistry.defaults
        let sizes = Dictionary(uniqueKeysWithValues: models.map { ($0.name, $0.vectorSize) })
        let plan = FaultPlan(latencyMilliseconds: latencyMs, jitterMilliseconds: jitterMs, errorRate: errorRate, seed: seed)

        var listeners: [(String?, Int)] = []
        if let port {
            listeners = [(nil, port)]
        } else {
            listeners = models.enumerated().map { ($1.name, basePort + $0) }
        }
        var servers: [HTTPServer] = []
        for (model, p) in listeners {
            var cfg = ServerConfiguration()
            cfg.host = host
            cfg.port = p
            cfg.eventLoops = eventLoops
            let handler = SimulatorHandler(fixedModel: model, sizes: sizes, plan: plan)
            let server = try HTTPServer(configuration: cfg, logger: logger) { request, writer in
                await handler.handle(request, writer)
            }
            let bound = try server.start()
            print("pattern-upstream-sim: \(model ?? "all models") on http://\(host):\(bound.port)")
            servers.append(server)
        }
        fflush(nil)  // all streams: the test harness waits for these lines
        _ = clinux_wait_termination_signal()
        for s in servers { s.shutdown(gracePeriod: 1) }
    }
}
