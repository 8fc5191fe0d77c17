import GatewayCore
import YAMLConfig

/// The YAML configuration file. Only the `server:` section belongs to this layer; the model
/// registry reads its own sections.
struct FileConfiguration: Decodable {
    struct Server: Decodable {
        var host: String?
        var port: Int?
        var tlsPort: Int?
        var tlsCert: String?
        var tlsKey: String?
        var tlsClientCA: String?
        var upstreamCA: String?
        var upstreamClientCert: String?
        var upstreamClientKey: String?
        var eventLoops: Int?
        var headerReadTimeout: Double?
        var idleTimeout: Double?
        var shutdownTimeout: Double?
        var maxHeaderBytes: Int?
        var maxBodyBytes: Int?
        var grpcMaxMessageBytes: Int?
        var graphqlMaxDepth: Int?
        var graphqlMaxAliases: Int?
        var graphqlMaxCost: Int?
        var dataDir: String?

        enum CodingKeys: String, CodingKey {
            case host, port
            case tlsPort = "tls_port"
            case tlsCert = "tls_cert"
            case tlsKey = "tls_key"
            case tlsClientCA = "tls_client_ca"
            case upstreamCA = "upstream_ca"
            case upstreamClientCert = "upstream_client_cert"
            case upstreamClientKey = "upstream_client_key"
            case eventLoops = "event_loops"
            case headerReadTimeout = "header_read_timeout"
            case idleTimeout = "idle_timeout"
            case shutdownTimeout = "shutdown_timeout"
            case maxHeaderBytes = "max_header_bytes"
            case maxBodyBytes = "max_body_bytes"
            case grpcMaxMessageBytes = "grpc_max_message_bytes"
            case graphqlMaxDepth = "graphql_max_depth"
            case graphqlMaxAliases = "graphql_max_aliases"
            case graphqlMaxCost = "graphql_max_cost"
            case dataDir = "data_dir"
        }
    }

    var server: Server?
    var models: [String: ModelsFileSection.Model]?
    var patterns: ModelsFileSection.Patterns?
    var security: ModelsFileSection.Security?

    /// The sections the core validates.
    var coreSection: ModelsFileSection {
        var s = ModelsFileSection()
        s.models = models
        s.patterns = patterns
        s.security = security
        return s
    }

    /// Parses `text`; a failure names the file, the key path and the reason.
    static func parse(_ text: String, file: String) throws(ConfigurationError) -> FileConfiguration {
        do {
            if text.allSatisfy({ $0.isWhitespace }) { return FileConfiguration() }
            return try YAMLDecoder().decode(FileConfiguration.self, from: text)
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx),
            let DecodingError.dataCorrupted(ctx) {
            throw ConfigurationError(file: file, key: ctx.codingPath.map(\.stringValue).joined(separator: "."),
                                     reason: ctx.debugDescription)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ConfigurationError(file: file, key: (ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."),
                                     reason: "missing")
        } catch {
            throw ConfigurationError(file: file, key: "", reason: "\(error)")
        }
    }

    init() {}
}
