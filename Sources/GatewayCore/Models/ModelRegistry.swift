/// The nine models and their settings. Names are canonical (lower-case, `yi34b`); `yi34` is
/// accepted as an alias everywhere a model is named.
public struct ModelRegistry: Sendable, Equatable {
    /// In the spec's order, which is also the order of the default ports 11400–11408.
    public private(set) var models: [ModelConfig]

    public static let aliases = ["yi34": "yi34b"]

    /// Spec §1's table; every endpoint on 127.0.0.1.
    public static let defaults: [ModelConfig] = {
        let rows: [(String, IntegrationPattern, Int, Int, Int, Int, Int)] = [
            ("mixtral", .bulkOnly, 4096, 50, 300, 16, 200),
            ("hermes", .hybrid, 4096, 75, 600, 16, 200),
            ("openchat", .hybrid, 4096, 50, 300, 16, 200),
            ("phi3", .realTime, 2048, 100, 900, 32, 400),
            ("yi34b", .bulkOnly, 4096, 50, 300, 16, 200),
            ("deepcoder", .bulkOnly, 1024, 200, 1200, 64, 800),
            ("imp", .bulkOnly, 2048, 100, 900, 32, 400),
            ("deepseek", .bulkOnly, 4096, 50, 300, 16, 200),
            ("general", .realTime, 384, 100, 900, 16, 200),
        ]
        return rows.enumerated().map { i, r in
            ModelConfig(name: r.0, pattern: r.1, vectorSize: r.2, batchSize: r.3, cacheTTL: r.4, timeout: 30,
                        indexM: r.5, indexEfConstruct: r.6, endpoints: ["http://127.0.0.1:\(11400 + i)"])
        }
    }()

    /// The environment variable naming each model's endpoints (comma-separated replicas).
    public static func endpointVariable(for model: String) -> String {
        model == "yi34b" ? "YI34_ENDPOINT" : model.uppercased() + "_ENDPOINT"
    }

    public init(models: [ModelConfig] = ModelRegistry.defaults) {
        self.models = models
    }

    public var names: [String] { models.map(\.name) }

    /// The model called `name` (or its alias), case-insensitively; nil when unknown.
    public func model(named name: String) -> ModelConfig? {
        let lower = name.lowercased()
        let canonical = Self.aliases[lower] ?? lower
        return models.first { $0.name == canonical }
    }

    public func models(with pattern: IntegrationPattern) -> [ModelConfig] {
        models.filter { $0.pattern == pattern }
    }

    mutating func update(_ name: String, _ change: (inout ModelConfig) -> Void) {
        if let i = models.firstIndex(where: { $0.name == name }) { change(&models[i]) }
    }
}
