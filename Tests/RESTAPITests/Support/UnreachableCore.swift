import BatchAPI
import Foundation
import GatewayCore
import RESTAPI
import Upstream

/// A core over the nine models at an address nothing listens on: no test call reaches an
/// upstream, and a real-time call fails as an outage does. `keys` turns API keys on.
func unreachableCore(keys: [APIKey] = []) throws -> PatternCore {
    let models = ModelRegistry.defaults.map { m -> ModelConfig in
        var m = m
        m.endpoints = ["http://127.0.0.1:9"]
        m.timeout = 2
        return m
    }
    var c = CoreConfiguration(registry: ModelRegistry(models: models))
    c.retryAttempts = 0
    c.security = SecurityConfiguration(keys: keys, defaultRate: 1000, defaultBurst: 1000)
    let metrics = MetricsRegistry()
    let pool = UpstreamPool(configuration: c, client: try UpstreamClient(), metrics: metrics)
    return PatternCore(configuration: c, pool: pool, cache: EmbeddingCache(), queue: NoQueue(), metrics: metrics)
}

/// A Batch API over embedded stores in a fresh directory under /tmp, for tests that list or
/// call its routes; nothing runs its lines (no coordinator).
func batchesInTemporaryDirectory(core: PatternCore) throws -> BatchService {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rest-batches-\(UUID().uuidString)").path
    return BatchService(core: core, files: try EmbeddedFileStore(directory: dir + "/files"),
                        batches: try EmbeddedBatchStore(directory: dir + "/batches"), codec: OpenAIBatchCodec(core: core))
}
