#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CLinux
import GatewayCore
import GatewayHTTP
import LoopInterface
import GRPCAPI
import GraphQLAPI
import Logging
import RESTAPI
import TLS
import Transport

@main
struct PatternGatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pattern-gateway",
        abstract: "One-port API gateway for the pattern model servers: REST, GraphQL and gRPC over HTTP/1.1, h2c and TLS.")

    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Main port: HTTP/1.1, h2c and TLS, chosen per connection (env GATEWAY_PORT; default 8000; 0 picks one).")
    var port: Int?
    @Option(help: "TLS-only port, opened when --tls-cert and --tls-key are given (default 8443).") var tlsPort: Int?
    @Option(help: "PEM certificate chain for TLS.") var tlsCert: String?
    @Option(help: "PEM private key for TLS.") var tlsKey: String?
    @Option(name: .customLong("tls-client-ca"), help: "PEM CA bundle: clients must present a certificate it signed (mutual TLS).")
    var tlsClientCA: String?
    @Option(name: .customLong("upstream-ca"), help: "PEM CA bundle https upstreams must chain to (env UPSTREAM_TLS_CA; default: system CAs).")
    var upstreamCA: String?
    @Option(help: "PEM client certificate the gateway presents to https upstreams (env UPSTREAM_TLS_CERT).")
    var upstreamClientCert: String?
    @Option(help: "PEM key for --upstream-client-cert (env UPSTREAM_TLS_KEY; default: the certificate file).")
    var upstreamClientKey: String?
    @Option(help: "YAML configuration file (default config/gateway.yaml when present).") var config: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String = "info"
    @Flag(help: "One JSON line per answered request on stderr (logger \"access\"): protocol, method, path, status, duration, request id, trace id (env GATEWAY_ACCESS_LOG=1).")
    var accessLog = false
    @Option(help: "Where the queue journal and the embedded store live (env GATEWAY_DATA_DIR; default ./data).")
    var dataDir: String?
    @Option(help: "Event loop threads (default: the CPUs this process may use).") var eventLoops: Int?
    @Option(help: "Seconds in-flight requests get to finish after SIGTERM/SIGINT (default 10).") var shutdownTimeout: Double?
    @Option(help: "Seconds a client may take to send a request head (default 10).") var headerReadTimeout: Double?
    @Option(help: "Seconds an idle keep-alive connection stays open (default 60).") var idleTimeout: Double?
    @Option(help: "Largest request head in bytes (default 65536; over it: 431).") var maxHeaderBytes: Int?
    @Option(help: "Largest request body in bytes (default 16777216; over it: 413).") var maxBodyBytes: Int?
    @Option(help: "Largest gRPC message in bytes (default 4194304; over it: RESOURCE_EXHAUSTED).") var grpcMaxMessageBytes: Int?
    @Option(help: "Deepest GraphQL selection (default 15, what the standard introspection query needs).") var graphqlMaxDepth: Int?
    @Option(help: "Most aliases in one GraphQL operation (default 30).") var graphqlMaxAliases: Int?
    @Option(help: "Highest GraphQL operation cost: 1 per field, list fields times their limit argument or 10 (default 5000).")
    var graphqlMaxCost: Int?
    @Flag(help: "Serve /debug/sleep and /debug/echo (for tests).") var diagnostics = false
    @Flag(help: "The model endpoints are the built-in simulator (scripts/run passes it when it started one).")
    var simulatedUpstreams = false
    @Flag(help: "Print `configured` when the file or the environment names a model endpoint, else `default`, and exit.")
    var printUpstreams = false

    func run() throws {
        // Before any thread exists, so every thread inherits the mask and only sigwait sees them.
        _ = clinux_block_termination_signals()
        // One arena per CPU: in the soak, the default (up to 8 per CPU) grew the heap's footprint
        // faster under the same live size.
        _ = clinux_limit_heap_arenas(max(2, clinux_available_cpus()))
        signal(SIGPIPE, SIG_IGN)

        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level) }
        let logger = Logger(label: "pattern-gateway")

        let settings: GatewaySettings
        do {
            settings = try GatewaySettings.resolve(command: self, environment: Environment.current)
        } catch {
            logger.critical("bad configuration", metadata: ["file": "\(error.file)", "key": "\(error.key)", "reason": "\(error.reason)"])
            throw ExitCode(78)  // EX_CONFIG
        }
        if printUpstreams { print(settings.core.endpointsConfigured ? "configured" : "default"); return }
        Self.warnUnlessUpstreamsConfigured(settings.core, logger: logger)

        let assembly: CoreAssembly
        do {
            assembly = try CoreAssembly.build(settings, logger: logger)
        } catch {
            logger.critical("cannot start the core", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        var workerTasks = assembly.workers.map { worker in
            Task.detached { await worker.run() }
        }
        workerTasks.append(Task.detached { [checker = assembly.healthChecker] in await checker.run() })
        workerTasks.append(Task.detached { [coordinator = assembly.batchCoordinator] in await coordinator.run() })
        if let queue = assembly.embeddedQueue {
            // Finished records past their retention leave the journal's state every 10 s, so the
            // memory they hold tracks the retention closely.
            workerTasks.append(Task.detached {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(10))
                    _ = try? queue.purgeExpired()
                }
            })
        }
        let router = RESTRouter(core: assembly.core, batches: assembly.batches, diagnostics: diagnostics,
                                readinessChecks: assembly.readinessChecks)
        // Every 30 s: cached answers past their TTL leave the caches (lookups already skip them; this
        // frees their budget when traffic moves on), then free heap pages go back to the kernel —
        // glibc keeps pages freed inside its arenas resident: under mixed load (large upstream
        // answers between small requests) RSS crept up ~2 MB/min in the soak while the live heap
        // stayed flat.
        workerTasks.append(Task.detached { [core = assembly.core] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(30))
                core.purgeExpiredCaches()
                _ = clinux_release_free_heap()
            }
        })
        let grpc = GRPCServer(core: assembly.core, maxMessageBytes: settings.grpcMaxMessageBytes)
        let graphQL = GraphQLServer(
            core: assembly.core,
            limits: GraphQLServer.Limits(maxDepth: settings.graphQLMaxDepth, maxAliases: settings.graphQLMaxAliases,
                                         maxCost: settings.graphQLMaxCost))
        let server: HTTPServer
        let ports: HTTPServer.BoundPorts
        do {
            let dispatch: @Sendable (Request, any ResponseWriter) async -> Void = { request, writer in
                if GRPCServer.accepts(request.head) {
                    await grpc.handle(request, writer)
                } else if GraphQLServer.accepts(request.head) {
                    await graphQL.handle(request, writer)
                } else {
                    await router.handle(request, writer)
                }
            }
            let accessLog = accessLog || Environment.current["GATEWAY_ACCESS_LOG"].map { ["1", "true", "yes"].contains($0) } == true
            var handler = dispatch
            if accessLog {
                let log = AccessLog()
                handler = { request, writer in await log.serve(request, writer, dispatch) }
            }
            server = try HTTPServer(configuration: settings.server, logger: logger, handler: handler)
            // Upstream calls made by request handlers run on the handler's own loop.
            assembly.upstream.attach(server.eventLoops)
            ports = try server.start()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        var meta: Logger.Metadata = [
            "host": "\(settings.server.host)", "port": "\(ports.port)",
            "event_loops": "\(settings.server.eventLoops)", "config": "\(settings.configFile ?? "none")",
        ]
        if let tlsPort = ports.tlsPort {
            meta["tls_port"] = "\(tlsPort)"
            meta["mutual_tls"] = "\(settings.server.tls?.clientCAPath != nil)"
        }
        logger.info("listening", metadata: meta)

        let sig = clinux_wait_termination_signal()
        logger.info("shutting down", metadata: ["signal": "\(sig)", "grace_seconds": "\(settings.shutdownTimeout)"])
        server.shutdown(gracePeriod: settings.shutdownTimeout)
        // Queued jobs stay in the journal (or in Redis) for the next start; in-flight batches are
        // claimed again then.
        for t in workerTasks { t.cancel() }
        assembly.embeddedQueue?.close()
        assembly.core.close()
        assembly.upstream.shutdown()
        assembly.redis?.shutdown()
        logger.info("stopped")
        LogWriter.standardError.flush()
    }
}
