#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CLinux
import GatewayCore
import Logging
import TLS
import Transport

/// `pattern-upstream-sim`: the nine model servers for tests, benchmarks and demos. Each model
/// listens on its default port (11400–11408 in the spec's order), or all share `--port`.
@main
struct SimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pattern-upstream-sim",
        abstract: "Model-server simulator: vLLM- and Ollama-style embedding and generation APIs with latency, errors and a fault-control endpoint.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "First of nine ports, one per model in the spec's order.") var basePort = 11400
    @Option(help: "Serve every model on this one port instead, routed by the body's `model`.") var port: Int?
    @Option(help: "Mean added latency per embed call, in milliseconds.") var latencyMs: Double = 2
    @Option(help: "Uniform jitter around the latency, in milliseconds.") var jitterMs: Double = 1
    @Option(help: "Chance (0–1) of an injected 503 per call.") var errorRate: Double = 0
    @Option(help: "Seed for latency jitter and injected errors.") var seed: UInt64 = 1
    @Option(help: "Generation: time to the first token, in milliseconds.") var ttftMs: Double = 20
    @Option(help: "Generation: tokens per second after the first.") var tokensPerSecond: Double = 200
    @Option(help: "Event loops per listener.") var eventLoops = 1
    @Option(help: "trace … critical") var logLevel = "warning"
    @Option(help: "PEM certificate chain: each listener also serves https (a vLLM behind a TLS proxy).")
    var tlsCert: String?
    @Option(help: "PEM private key for --tls-cert.") var tlsKey: String?
    @Option(name: .customLong("tls-client-ca"), help: "PEM CA bundle: https callers must present a certificate it signed.")
    var tlsClientCA: String?
    @Option(help: "TLS-only port with --port (default: a free one); per-model listeners always pick free ones.")
    var tlsPort: Int?

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
        guard ttftMs >= 0, tokensPerSecond > 0, tokensPerSecond.isFinite else {
            throw ValidationError("--ttft-ms must be ≥ 0 and --tokens-per-second > 0")
        }

        let models = ModelRegistry.defaults
        let sizes = Dictionary(uniqueKeysWithValues: models.map { ($0.name, $0.vectorSize) })
        let tls = try tlsConfiguration()
        let plan = FaultPlan(latencyMilliseconds: latencyMs, jitterMilliseconds: jitterMs, errorRate: errorRate, seed: seed,
                             ttftMilliseconds: ttftMs, tokensPerSecond: tokensPerSecond)

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
            cfg.tls = tls
            // The TLS-only listener keeps cleartext away from the https port, as a TLS proxy would;
            // the main port still answers cleartext (and TLS) for /control.
            cfg.tlsPort = model == nil ? tlsPort ?? 0 : 0
            let handler = SimulatorHandler(fixedModel: model, sizes: sizes, plan: plan)
            let server = try HTTPServer(configuration: cfg, logger: logger) { request, writer in
                await handler.handle(request, writer)
            }
            let bound = try server.start()
            print("pattern-upstream-sim: \(model ?? "all models") on http://\(host):\(bound.port)")
            if let tlsPort = bound.tlsPort {
                let mutual = tls?.clientCAPath == nil ? "" : " (client certificates required)"
                print("pattern-upstream-sim: \(model ?? "all models") on https://\(host):\(tlsPort)\(mutual)")
            }
            servers.append(server)
        }
        fflush(nil)  // all streams: the test harness waits for these lines
        _ = clinux_wait_termination_signal()
        for s in servers { s.shutdown(gracePeriod: 1) }
    }

    private func tlsConfiguration() throws -> TLSConfiguration? {
        switch (tlsCert, tlsKey) {
        case let (cert?, key?):
            return TLSConfiguration(certificatePath: cert, privateKeyPath: key, clientCAPath: tlsClientCA)
        case (nil, nil):
            if tlsClientCA != nil || tlsPort != nil {
                throw ValidationError("--tls-client-ca and --tls-port need --tls-cert and --tls-key")
            }
            return nil
        default:
            throw ValidationError("--tls-cert and --tls-key go together")
        }
    }
}
