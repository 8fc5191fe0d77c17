import BatchAPI
import GatewayCore

extension RouteTable {
    /// Every route the gateway answers over HTTP besides gRPC and GraphQL. A route is one line:
    /// methods, path pattern, who may call it (spec §6), handler. `Tests/RESTAPITests/RouteTableTests`
    /// holds the same list, so a route added here without a look at its role fails a test.
    static func gateway(core: PatternCore?, batches: BatchService? = nil, diagnostics: DiagnosticRoutes?,
                        readinessChecks: [@Sendable () async -> (name: String, problem: String?)]) -> RouteTable {
        var routes = [Route(["GET", "HEAD"], "/health", .open, HealthRoute.answer)]
        if let core {
            let operations = OperationsRoutes(core: core, readinessChecks: readinessChecks)
            let external = ExternalRoutes(core: core)
            let generation = GenerationRoutes(core: core)
            let patterns = PatternRoutes(core: core)
            let vectors = VectorRoutes(core: core)
            let openAI = OpenAIRoutes(core: core)
            let dashboard = DashboardRoutes()
            routes += [
                // The dashboard page: static files without data; its GraphQL calls carry the key.
                Route(["GET", "HEAD"], "/", .open, dashboard.page),
                Route(["GET", "HEAD"], "/dashboard/app.js", .open, dashboard.script),
                Route(["GET", "HEAD"], "/dashboard/style.css", .open, dashboard.style),
                // Probes and scrapers carry no keys.
                Route(["GET", "HEAD"], "/ready", .open, operations.ready),
                Route(["GET", "HEAD"], "/metrics", .open, operations.metrics),
                // Spec §3, external model integration, and §7, generation.
                Route(["POST"], "/api/v1/external/{model}/embed", .role(.write), external.embed),
                Route(["POST"], "/api/v1/external/{model}/generate", .role(.write), generation.generate),
                Route(["POST"], "/api/v1/external/{model}/chat", .role(.write), generation.chat),
                Route(["GET"], "/api/v1/external/batch/{batch_id}", .role(.read), external.batch),
                Route(["GET"], "/api/v1/external/batch/queue/status", .role(.read), external.queueStatus),
                Route(["GET"], "/api/v1/external/patterns/status", .role(.read), external.patternsStatus),
                Route(["GET"], "/api/v1/external/patterns/metrics", .role(.read), external.patternMetrics),
                Route(["POST"], "/api/v1/external/test/failover", .role(.admin), external.failover),
                // Spec §3, vector patterns.
                Route(["POST"], "/api/v1/patterns/{model}/ingest", .role(.write), vectors.ingest),
                Route(["POST"], "/api/v1/patterns/{model}/search", .role(.read), vectors.search),
                Route(["POST"], "/api/v1/models/{model}/search", .role(.read), vectors.search),
                Route(["GET", "HEAD"], "/api/v1/patterns/status", .role(.read), patterns.status),
                Route(["GET", "HEAD"], "/api/v1/patterns/health", .role(.read), patterns.health),
                Route(["GET", "HEAD"], "/api/v1/patterns/metrics", .role(.read), patterns.metrics),
                Route(["POST"], "/api/v1/patterns/test/all-models", .role(.admin), patterns.selfTest),
                Route(["GET", "HEAD"], "/api/v1/optimizations/status", .role(.read), patterns.optimizations),
                // Spec §8, the OpenAI-compatible API.
                Route(["GET"], "/v1/models", .role(.read), openAI.models),
                Route(["GET"], "/v1/models/{model}", .role(.read), openAI.model),
                Route(["POST"], "/v1/embeddings", .role(.write), openAI.embeddings),
                Route(["POST"], "/v1/completions", .role(.write), openAI.completions),
                Route(["POST"], "/v1/chat/completions", .role(.write), openAI.chatCompletions),
            ]
        }
        if let batches {
            let batch = OpenAIBatchRoutes(service: batches)
            routes += [
                // Spec §8, the Batch API over the durable bulk queue.
                Route(["POST"], "/v1/files", .role(.write), batch.uploadFile),
                Route(["GET"], "/v1/files/{file_id}", .role(.read), batch.file),
                Route(["DELETE"], "/v1/files/{file_id}", .role(.write), batch.deleteFile),
                Route(["GET"], "/v1/files/{file_id}/content", .role(.read), batch.fileContent),
                Route(["POST"], "/v1/batches", .role(.write), batch.createBatch),
                Route(["GET"], "/v1/batches", .role(.read), batch.list),
                Route(["GET"], "/v1/batches/{batch_id}", .role(.read), batch.batch),
                Route(["POST"], "/v1/batches/{batch_id}/cancel", .role(.write), batch.cancel),
            ]
        }
        routes.append(OpenAPIDocument.route(documenting: routes,
                                            models: core?.configuration.registry.models.map(\.name) ?? []))
        if let diagnostics {
            // Off unless --diagnostics; for the live tests, which carry no keys.
            routes += [
                Route(["GET"], "/debug/sleep", .open, diagnostics.sleep),
                Route(["GET"], "/debug/stats", .open, diagnostics.stats),
                Route(["POST"], "/debug/echo", .open, diagnostics.echo),
                Route(["POST"], "/debug/decode-search", .open, diagnostics.decodeSearch),
            ]
        }
        return RouteTable(routes)
    }
}
