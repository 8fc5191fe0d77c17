import Testing
@testable import GatewayCore

@Suite("Configuration: health checks and retry policy (spec §9)")
struct UpstreamPolicyConfigurationTests {
    private func load(_ section: ModelsFileSection?, _ env: [String: String] = [:]) throws(ConfigurationError) -> CoreConfiguration {
        try CoreConfiguration.load(file: section, fileName: "g.yaml", environment: env)
    }

    private func health(_ interval: Double? = nil, timeout: Double? = nil, unhealthy: Int? = nil,
                        healthy: Int? = nil) -> ModelsFileSection.HealthCheckSection {
        var h = ModelsFileSection.HealthCheckSection()
        h.interval = interval
        h.timeout = timeout
        h.unhealthyThreshold = unhealthy
        h.healthyThreshold = healthy
        return h
    }

    @Test func defaultsAreTheSpecs() throws {
        let c = try load(nil)
        for m in c.registry.models {
            #expect(m.healthCheck == HealthCheck.Settings(interval: 10, timeout: 2, unhealthyThreshold: 3, healthyThreshold: 2))
            #expect(m.retry.conditions == [.connectFailure, .reset, .fiveXX, .retriableStatusCodes])
            #expect(m.retry.retriableStatusCodes == [429] && m.retry.maxRetries == 3)
        }
    }

    @Test func aModelsOwnSettingsWinOverPatternsAndTheEnvironmentOverBoth() throws {
        var section = ModelsFileSection()
        var patterns = ModelsFileSection.Patterns()
        patterns.healthCheck = health(5, timeout: 1, unhealthy: 4)
        patterns.retryOn = .init(["gateway-error", "connect-failure"])
        patterns.retryAttempts = 2
        section.patterns = patterns
        var phi3 = ModelsFileSection.Model()
        phi3.healthCheck = health(healthy: 5)
        phi3.retryOn = .init(["5xx"])
        phi3.retriableStatusCodes = [408, 503]
        phi3.retryAttempts = 6
        section.models = ["phi3": phi3]

        let file = try load(section)
        let general = try #require(file.registry.model(named: "general"))
        #expect(general.healthCheck == HealthCheck.Settings(interval: 5, timeout: 1, unhealthyThreshold: 4, healthyThreshold: 2))
        #expect(general.retry.conditions == [.gatewayError, .connectFailure] && general.retry.maxRetries == 2)
        let p = try #require(file.registry.model(named: "phi3"))
        #expect(p.healthCheck == HealthCheck.Settings(interval: 5, timeout: 1, unhealthyThreshold: 4, healthyThreshold: 5))
        #expect(p.retry.conditions == [.fiveXX] && p.retry.retriableStatusCodes == [408, 503] && p.retry.maxRetries == 6)

        let env = try load(section, ["PATTERN_HEALTH_INTERVAL": "0.5", "PATTERN_RETRY_ON": "reset",
                                     "PATTERN_RETRY_ATTEMPTS": "1"])
        #expect(env.registry.models.allSatisfy {
            $0.healthCheck.interval == 0.5 && $0.retry.conditions == [.reset] && $0.retry.maxRetries == 1
        })
        #expect(env.registry.model(named: "phi3")?.healthCheck.healthyThreshold == 5)
        #expect(try load(nil, ["PATTERN_HEALTH_INTERVAL": "0"]).registry.models.allSatisfy { !$0.healthCheck.enabled })
    }

    @Test("bad values name the key", arguments: [
        ("PATTERN_HEALTH_INTERVAL", "-1", "must be between 0 (off) and 3600"),
        ("PATTERN_HEALTH_TIMEOUT", "0", "must be greater than 0"),
        ("PATTERN_HEALTH_UNHEALTHY_THRESHOLD", "0", "must be between 1 and 100"),
        ("PATTERN_RETRY_ON", "5xx,retriable-4xx", "unknown retry condition retriable-4xx"),
    ])
    func badEnvironment(_ variable: String, _ value: String, _ reason: String) {
        do {
            _ = try load(nil, [variable: value])
            Issue.record("\(variable)=\(value) must be refused")
        } catch {
            #expect(error.file == "environment" && error.key == variable)
            #expect(error.reason.contains(reason))
        }
    }

    @Test func aClientErrorCannotBeMadeRetriable() {
        var section = ModelsFileSection()
        var m = ModelsFileSection.Model()
        m.retriableStatusCodes = [429, 404]
        section.models = ["general": m]
        do {
            _ = try load(section)
            Issue.record("404 must be refused")
        } catch {
            #expect(error.key == "models.general.retriable_status_codes")
            #expect(error.reason.contains("404 is not retriable"))
        }
    }

    @Test func aBadHealthCheckKeyInTheFileIsNamed() {
        var section = ModelsFileSection()
        var m = ModelsFileSection.Model()
        m.healthCheck = health(healthy: 0)
        section.models = ["hermes": m]
        do {
            _ = try load(section)
            Issue.record("healthy_threshold 0 must be refused")
        } catch {
            #expect(error.key == "models.hermes.health_check.healthy_threshold")
        }
    }
}
