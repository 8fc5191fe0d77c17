#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import HTTP1Codec
import TLS
import Transport
import Upstream

/// The process environment, read once.
struct Environment {
    let values: [String: String]

    static var current: Environment {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") {
                out[String(s[..<eq])] = String(s[s.index(after: eq)...])
            }
            p += 1
        }
        return Environment(values: out)
    }

    subscript(_ name: String) -> String? { values[name] }
}

/// The effective settings: built-in defaults, then the YAML file, then the environment, then
/// command-line flags — each later one wins.
struct GatewaySettings {
    var server = ServerConfiguration()
    var upstreamTLS = UpstreamTLS()
    var shutdownTimeout: Double = 10
    var dataDir = "./data"
    var grpcMaxMessageBytes = 4 << 20
    /// GraphQL validation limits (spec §4); the standard introspection query needs depth 15.
    var graphQLMaxDepth = 15
    var graphQLMaxAliases = 30
    var graphQLMaxCost = 5_000
    var configFile: String?
    var core = CoreConfiguration()

    static let defaultConfigPath = "config/gateway.yaml"

    static func resolve(command c: PatternGatewayCommand, environment env: Environment) throws(ConfigurationError) -> GatewaySettings {
        var s = GatewaySettings()
        let path = c.config ?? (fileExists(defaultConfigPath) ? defaultConfigPath : nil)
        var file = FileConfiguration()
        if let path {
            guard let text = readFile(path) else {
                throw ConfigurationError(file: path, key: "", reason: "cannot be read")
            }
            file = try FileConfiguration.parse(text, file: path)
            s.configFile = path
        }
        let f = file.server
        let where_ = path ?? "defaults"

        s.server.host = c.host ?? f?.host ?? s.server.host
        var port = f?.port ?? s.server.port
        if let e = env["GATEWAY_PORT"] {
            guard let p = Int(e) else { throw ConfigurationError(file: "environment", key: "GATEWAY_PORT", reason: "not a port number: \(e)") }
            port = p
        }
        s.server.port = c.port ?? port
        s.server.tlsPort = c.tlsPort ?? f?.tlsPort ?? s.server.tlsPort
        try checkPort(s.server.port, key: "server.port", file: where_)
        try checkPort(s.server.tlsPort, key: "server.tls_port", file: where_)

        let cert = c.tlsCert ?? f?.tlsCert
        let key = c.tlsKey ?? f?.tlsKey
        let clientCA = c.tlsClientCA ?? f?.tlsClientCA
        switch (cert, key) {
        case let (cert?, key?):
            s.server.tls = TLSConfiguration(certificatePath: cert, privateKeyPath: key, clientCAPath: clientCA)
        case (nil, nil):
            if clientCA != nil {
                throw ConfigurationError(file: where_, key: "server.tls_client_ca", reason: "needs tls_cert and tls_key")
            }
        default:
            throw ConfigurationError(file: where_, key: cert == nil ? "server.tls_cert" : "server.tls_key",
                                     reason: "tls_cert and tls_key go together")
        }

        s.upstreamTLS = try resolveUpstreamTLS(command: c, file: f, fileName: where_, environment: env)

        s.server.eventLoops = c.eventLoops ?? f?.eventLoops ?? s.server.eventLoops
        guard (1...256).contains(s.server.eventLoops) else {
            throw ConfigurationError(file: where_, key: "server.event_loops", reason: "must be between 1 and 256")
        }
        s.server.headerReadTimeout = try positive(c.headerReadTimeout ?? f?.headerReadTimeout ?? s.server.headerReadTimeout,
                                                  key: "server.header_read_timeout", file: where_)
        s.server.idleTimeout = try positive(c.idleTimeout ?? f?.idleTimeout ?? s.server.idleTimeout,
                                            key: "server.idle_timeout", file: where_)
        s.shutdownTimeout = c.shutdownTimeout ?? f?.shutdownTimeout ?? s.shutdownTimeout
        guard s.shutdownTimeout >= 0 else {
            throw ConfigurationError(file: where_, key: "server.shutdown_timeout", reason: "must not be negative")
        }
        let headerBytes = c.maxHeaderBytes ?? f?.maxHeaderBytes ?? s.server.http1Limits.maxHeaderBytes
        let bodyBytes = c.maxBodyBytes ?? f?.maxBodyBytes ?? s.server.http1Limits.maxBodyBytes
        guard headerBytes >= 1024 else {
            throw ConfigurationError(file: where_, key: "server.max_header_bytes", reason: "must be at least 1024")
        }
        guard bodyBytes >= 0 else {
            throw ConfigurationError(file: where_, key: "server.max_body_bytes", reason: "must not be negative")
        }
        s.server.http1Limits = HTTP1Limits(maxHeaderBytes: headerBytes, maxBodyBytes: bodyBytes)
        s.grpcMaxMessageBytes = c.grpcMaxMessageBytes ?? f?.grpcMaxMessageBytes ?? s.grpcMaxMessageBytes
        guard s.grpcMaxMessageBytes >= 1024 else {
            throw ConfigurationError(file: where_, key: "server.grpc_max_message_bytes", reason: "must be at least 1024")
        }
        s.graphQLMaxDepth = c.graphqlMaxDepth ?? f?.graphqlMaxDepth ?? s.graphQLMaxDepth
        s.graphQLMaxAliases = c.graphqlMaxAliases ?? f?.graphqlMaxAliases ?? s.graphQLMaxAliases
        s.graphQLMaxCost = c.graphqlMaxCost ?? f?.graphqlMaxCost ?? s.graphQLMaxCost
        for (value, key) in [(s.graphQLMaxDepth, "graphql_max_depth"), (s.graphQLMaxAliases, "graphql_max_aliases"),
                             (s.graphQLMaxCost, "graphql_max_cost")] where value < 1 {
            throw ConfigurationError(file: where_, key: "server.\(key)", reason: "must be at least 1")
        }
        s.dataDir = c.dataDir ?? env["GATEWAY_DATA_DIR"] ?? f?.dataDir ?? s.dataDir
        s.core = try CoreConfiguration.load(file: file.coreSection, fileName: where_, environment: env.values)
        s.core.simulatedUpstreams = c.simulatedUpstreams
        return s
    }

    private static func checkPort(_ p: Int, key: String, file: String) throws(ConfigurationError) {
        guard (0...65535).contains(p) else { throw ConfigurationError(file: file, key: key, reason: "not a port number: \(p)") }
    }

    private static func positive(_ v: Double, key: String, file: String) throws(ConfigurationError) -> Double {
        guard v > 0 else { throw ConfigurationError(file: file, key: key, reason: "must be greater than 0") }
        return v
    }

    static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func readFile(_ path: String) -> String? {
        guard let fp = fopen(path, "rb") else { return nil }
        defer { fclose(fp) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, fp)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
