#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import TLS
import Upstream

extension GatewaySettings {
    /// Where one upstream TLS file came from, so an error names the flag, variable or YAML key the
    /// operator actually wrote.
    private struct Source {
        let path: String
        let file: String
        let key: String
    }

    /// The CA and client identity for https upstreams: flags, then environment, then `server:` in the
    /// YAML file. Every file is loaded once here the way curl will load it, so a wrong path, a
    /// certificate without its key or a key of another certificate stops the start instead of
    /// turning every upstream call into a 502.
    static func resolveUpstreamTLS(
        command c: PatternGatewayCommand, file f: FileConfiguration.Server?, fileName: String, environment env: Environment
    ) throws(ConfigurationError) -> UpstreamTLS {
        func pick(_ flag: String?, _ flagName: String, _ variable: String, _ yaml: String?, _ yamlKey: String) -> Source? {
            if let flag { return Source(path: flag, file: "command line", key: flagName) }
            if let value = env[variable], !value.isEmpty { return Source(path: value, file: "environment", key: variable) }
            return yaml.map { Source(path: $0, file: fileName, key: "server.\(yamlKey)") }
        }
        let ca = pick(c.upstreamCA, "--upstream-ca", "UPSTREAM_TLS_CA", f?.upstreamCA, "upstream_ca")
        let cert = pick(c.upstreamClientCert, "--upstream-client-cert", "UPSTREAM_TLS_CERT",
                        f?.upstreamClientCert, "upstream_client_cert")
        let key = pick(c.upstreamClientKey, "--upstream-client-key", "UPSTREAM_TLS_KEY",
                       f?.upstreamClientKey, "upstream_client_key")
        for source in [ca, cert, key].compactMap({ $0 }) where access(source.path, R_OK) != 0 {
            throw ConfigurationError(file: source.file, key: source.key, reason: "cannot read \(source.path)")
        }
        if let ca {
            do {
                _ = try TLSContext(clientTrusting: ca.path)
            } catch {
                throw ConfigurationError(file: ca.file, key: ca.key, reason: "not a PEM CA bundle: \(error)")
            }
        }
        if let key, cert == nil {
            throw ConfigurationError(file: key.file, key: key.key, reason: "needs a client certificate to go with it")
        }
        if let cert {
            do {
                _ = try TLSContext(clientTrusting: nil, certificatePath: cert.path, privateKeyPath: key?.path)
            } catch {
                // Without a key setting curl reads the key from the certificate file; say so, or the
                // "cannot load private key" names the certificate and puzzles.
                let hint = key == nil ? " (no client key given, so the key must be in this file)" : ""
                throw ConfigurationError(file: cert.file, key: cert.key, reason: "\(error)\(hint)")
            }
        }
        return UpstreamTLS(caPath: ca?.path, clientCertificatePath: cert?.path, clientKeyPath: key?.path)
    }
}
