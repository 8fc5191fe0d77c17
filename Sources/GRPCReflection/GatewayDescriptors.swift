/// Protos/gateway.proto and grpc/health/v1/health.proto as protoc describes them; the
/// GRPCReflectionTests comparison with protoc keeps these in step with the .proto text.
extension FileDescriptor {
    public static let gateway: FileDescriptor = {
        func m(_ name: String, _ fields: [FieldDescriptor]) -> MessageDescriptor {
            MessageDescriptor(name, fields: fields)
        }
        func f(_ name: String, _ number: Int32, _ type: FieldType) -> FieldDescriptor {
            FieldDescriptor(name, number, type)
        }
        func r(_ name: String, _ number: Int32, _ type: FieldType) -> FieldDescriptor {
            FieldDescriptor(name, number, type, label: .repeated)
        }
        let embedding = FieldType.message(".gateway.Embedding")
        let usage = FieldType.message(".gateway.Usage")

        var search = m("SearchRequest", [
            f("model", 1, .string), r("query_vector", 2, .float), f("query", 3, .string), f("limit", 4, .uint32),
        ])
        search.addMap("filter", 5, key: .string, value: .string, fullName: "gateway.SearchRequest")
        search.fields.append(f("score_threshold", 6, .float))
        search.fields.append(f("ef", 7, .int32))
        search.fields.append(f("exact", 8, .bool))

        var scored = m("ScoredPoint", [f("id", 1, .string), f("score", 2, .float)])
        scored.addMap("payload", 3, key: .string, value: .string, fullName: "gateway.ScoredPoint")

        var point = m("Point", [f("id", 1, .string), r("vector", 2, .float)])
        point.addMap("payload", 3, key: .string, value: .string, fullName: "gateway.Point")

        let messages = [
            m("EmbedRequest", [f("model", 1, .string), r("texts", 2, .string), f("urgent", 3, .bool), f("priority", 4, .int32)]),
            m("Embedding", [r("values", 1, .float)]),
            m("EmbedResponse", [
                f("model", 1, .string), f("pattern", 2, .string), f("processing_mode", 3, .string),
                f("status", 4, .string), r("embeddings", 5, embedding), f("batch_id", 6, .string),
                f("queue_position", 7, .int32), f("estimated_completion", 8, .string),
                f("processing_time_ms", 9, .double), f("cached", 10, .bool), f("endpoint", 11, .string),
                f("degraded", 12, .bool),
            ]),
            search,
            scored,
            m("SearchResponse", [
                f("model", 1, .string), r("results", 2, .message(".gateway.ScoredPoint")), f("cached", 3, .bool),
                f("took_ms", 4, .double),
            ]),
            point,
            m("IngestRequest", [f("model", 1, .string), r("points", 2, .message(".gateway.Point"))]),
            m("IngestResponse", [f("model", 1, .string), f("ingested", 2, .uint32), r("ids", 3, .string)]),
            m("GetBatchRequest", [f("batch_id", 1, .string)]),
            m("BatchStatus", [
                f("batch_id", 1, .string), f("model", 2, .string), f("status", 3, .string),
                f("items_count", 4, .uint32), f("completed_items", 5, .uint32), r("embeddings", 6, embedding),
                f("error", 7, .string), f("attempts", 8, .uint32), f("queued_at", 9, .string),
                f("completed_at", 10, .string), r("outputs", 11, .message(".gateway.GenerateResponse")),
            ]),
            m("PatternStatusRequest", []),
            m("ModelStatus", [
                f("name", 1, .string), f("pattern", 2, .string), f("breaker_state", 3, .string),
                f("failure_count", 4, .uint32), f("requests", 5, .uint64), f("success_rate", 6, .double),
                f("avg_response_time_ms", 7, .double), f("queue_depth", 8, .uint32),
                f("cache_hit_ratio", 9, .double),
            ]),
            m("PatternStatus", [r("models", 1, .message(".gateway.ModelStatus"))]),
            m("ChatMessage", [f("role", 1, .string), f("content", 2, .string)]),
            m("GenerateRequest", [
                f("model", 1, .string), f("prompt", 2, .string), r("messages", 3, .message(".gateway.ChatMessage")),
                f("max_tokens", 4, .uint32), f("temperature", 5, .float), f("top_p", 6, .float),
                r("stop", 7, .string), f("urgent", 8, .bool), f("priority", 9, .int32), f("seed", 10, .uint64),
            ]),
            m("Usage", [f("prompt_tokens", 1, .uint32), f("completion_tokens", 2, .uint32), f("total_tokens", 3, .uint32)]),
            m("GenerateResponse", [
                f("model", 1, .string), f("pattern", 2, .string), f("processing_mode", 3, .string),
                f("status", 4, .string), f("text", 5, .string), f("finish_reason", 6, .string), f("usage", 7, usage),
                f("batch_id", 8, .string), f("processing_time_ms", 9, .double), f("endpoint", 10, .string),
                f("cached", 11, .bool),
            ]),
            m("GenerateChunk", [f("text", 1, .string), f("finish_reason", 2, .string), f("usage", 3, usage)]),
        ]
        let service = ServiceDescriptor("PatternService", methods: [
            MethodDescriptor("Embed", ".gateway.EmbedRequest", ".gateway.EmbedResponse"),
            MethodDescriptor("SearchPattern", ".gateway.SearchRequest", ".gateway.SearchResponse"),
            MethodDescriptor("Ingest", ".gateway.IngestRequest", ".gateway.IngestResponse"),
            MethodDescriptor("IngestStream", ".gateway.IngestRequest", ".gateway.IngestResponse", clientStreaming: true),
            MethodDescriptor("GetBatch", ".gateway.GetBatchRequest", ".gateway.BatchStatus"),
            MethodDescriptor("WatchBatch", ".gateway.GetBatchRequest", ".gateway.BatchStatus", serverStreaming: true),
            MethodDescriptor("GetPatternStatus", ".gateway.PatternStatusRequest", ".gateway.PatternStatus"),
            MethodDescriptor("Generate", ".gateway.GenerateRequest", ".gateway.GenerateResponse"),
            MethodDescriptor("GenerateStream", ".gateway.GenerateRequest", ".gateway.GenerateChunk", serverStreaming: true),
        ])
        return FileDescriptor(name: "gateway.proto", package: "gateway", messages: messages, services: [service])
    }()

    /// grpc-proto's health.proto with the Check and Watch methods the gateway serves (the newer
    /// List method and its messages are left out: a described method must be callable).
    public static let health: FileDescriptor = {
        let status = EnumDescriptor("ServingStatus", values: [
            ("UNKNOWN", 0), ("SERVING", 1), ("NOT_SERVING", 2), ("SERVICE_UNKNOWN", 3),
        ])
        let messages = [
            MessageDescriptor("HealthCheckRequest", fields: [FieldDescriptor("service", 1, .string)]),
            MessageDescriptor(
                "HealthCheckResponse",
                fields: [FieldDescriptor("status", 1, .enumeration(".grpc.health.v1.HealthCheckResponse.ServingStatus"))],
                enums: [status]),
        ]
        let service = ServiceDescriptor("Health", methods: [
            MethodDescriptor("Check", ".grpc.health.v1.HealthCheckRequest", ".grpc.health.v1.HealthCheckResponse"),
            MethodDescriptor(
                "Watch", ".grpc.health.v1.HealthCheckRequest", ".grpc.health.v1.HealthCheckResponse",
                serverStreaming: true),
        ])
        let options = FileOptions(
            javaPackage: "io.grpc.health.v1", javaOuterClassname: "HealthProto", javaMultipleFiles: true,
            goPackage: "google.golang.org/grpc/health/grpc_health_v1", objcClassPrefix: "GrpcHealthV1",
            csharpNamespace: "Grpc.Health.V1")
        return FileDescriptor(
            name: "grpc/health/v1/health.proto", package: "grpc.health.v1", messages: messages, services: [service],
            options: options)
    }()
}
