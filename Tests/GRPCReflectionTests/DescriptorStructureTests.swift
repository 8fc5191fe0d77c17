import GRPCReflection
import Protobuf
import Testing

@Suite("FileDescriptorProto bytes")
struct DescriptorStructureTests {
    static let allFiles: [FileDescriptor] = [.gateway, .health, .reflectionV1Alpha, .reflectionV1]

    @Test("gateway.proto: file header, nineteen messages, one service")
    func gatewayHeader() throws {
        let file = try DecodedFile(FileDescriptor.gateway.encoded())
        #expect(file.name == "gateway.proto")
        #expect(file.package == "gateway")
        #expect(file.syntax == "proto3")
        #expect(file.dependencies.isEmpty)
        #expect(file.messages.compactMap(\.name) == [
            "EmbedRequest", "Embedding", "EmbedResponse", "SearchRequest", "ScoredPoint", "SearchResponse", "Point",
            "IngestRequest", "IngestResponse", "GetBatchRequest", "BatchStatus", "PatternStatusRequest",
            "ModelStatus", "PatternStatus", "ChatMessage", "GenerateRequest", "Usage", "GenerateResponse",
            "GenerateChunk",
        ])
        #expect(file.services.map(\.name) == ["PatternService"])
    }

    @Test("every field has number, label, type and a lowerCamelCase json_name")
    func fieldsComplete() throws {
        for descriptor in Self.allFiles {
            let file = try DecodedFile(descriptor.encoded())
            var stack = file.messages
            while let m = stack.popLast() {
                stack += m.nested
                for f in m.fields {
                    #expect(f.number != nil && f.label != nil && f.type != nil, "\(m.name ?? "?").\(f.name ?? "?")")
                    #expect(f.jsonName != nil && !(f.jsonName ?? "_").contains("_"))
                    if f.type == 11 || f.type == 14 {
                        #expect(f.typeName?.hasPrefix(".") == true, "\(f.name ?? "?") type name")
                    } else {
                        #expect(f.typeName == nil)
                    }
                }
            }
        }
    }

    @Test("a map field is a repeated message of a nested map_entry XxxEntry{key=1, value=2}")
    func mapFields() throws {
        let file = try DecodedFile(FileDescriptor.gateway.encoded())
        let cases = [
            ("SearchRequest", "filter", "FilterEntry"), ("ScoredPoint", "payload", "PayloadEntry"),
            ("Point", "payload", "PayloadEntry"),
        ]
        for (message, field, entry) in cases {
            let m = try #require(file.message(message))
            let f = try #require(m.field(field))
            #expect(f.label == 3)
            #expect(f.type == 11)
            #expect(f.typeName == ".gateway.\(message).\(entry)")
            let nested = try #require(m.nested.first)
            #expect(m.nested.count == 1)
            #expect(nested.name == entry)
            #expect(nested.mapEntry == true)
            #expect(nested.fields.map(\.name) == ["key", "value"])
            #expect(nested.fields.map(\.number) == [1, 2])
            #expect(nested.fields.map(\.type) == [9, 9])
        }
    }

    @Test("scalar and repeated fields of EmbedResponse and ModelStatus")
    func scalarFields() throws {
        let file = try DecodedFile(FileDescriptor.gateway.encoded())
        let embed = try #require(file.message("EmbedResponse"))
        #expect(embed.fields.count == 12)
        let time = try #require(embed.field("processing_time_ms"))
        #expect(time.number == 9 && time.type == 1 && time.label == 1 && time.jsonName == "processingTimeMs")
        let embeddings = try #require(embed.field("embeddings"))
        #expect(embeddings.label == 3 && embeddings.typeName == ".gateway.Embedding")
        let status = try #require(file.message("ModelStatus"))
        #expect(status.field("requests")?.type == 4)
        #expect(status.field("failure_count")?.type == 13)
        #expect(try #require(file.message("SearchRequest")).field("query_vector")?.type == 2)
        #expect(try #require(file.message("EmbedRequest")).field("priority")?.type == 5)
        #expect(try #require(file.message("PatternStatusRequest")).fields.isEmpty)
    }

    @Test("PatternService methods, with the streaming flags only where `stream` is written")
    func patternService() throws {
        let service = try #require(try DecodedFile(FileDescriptor.gateway.encoded()).services.first)
        #expect(service.methods.compactMap(\.name) == [
            "Embed", "SearchPattern", "Ingest", "IngestStream", "GetBatch", "WatchBatch", "GetPatternStatus",
            "Generate", "GenerateStream",
        ])
        let ingest = try #require(service.method("IngestStream"))
        #expect(ingest.input == ".gateway.IngestRequest" && ingest.output == ".gateway.IngestResponse")
        #expect(ingest.clientStreaming == true && ingest.serverStreaming == nil)
        let watch = try #require(service.method("WatchBatch"))
        #expect(watch.clientStreaming == nil && watch.serverStreaming == true)
        let embed = try #require(service.method("Embed"))
        #expect(embed.clientStreaming == nil && embed.serverStreaming == nil)
        let generate = try #require(service.method("Generate"))
        #expect(generate.input == ".gateway.GenerateRequest" && generate.output == ".gateway.GenerateResponse")
        #expect(generate.clientStreaming == nil && generate.serverStreaming == nil)
        let stream = try #require(service.method("GenerateStream"))
        #expect(stream.input == ".gateway.GenerateRequest" && stream.output == ".gateway.GenerateChunk")
        #expect(stream.clientStreaming == nil && stream.serverStreaming == true)
    }

    @Test("generation messages: a singular Usage (optional label, message type), outputs repeated in BatchStatus")
    func generationMessages() throws {
        let file = try DecodedFile(FileDescriptor.gateway.encoded())
        let response = try #require(file.message("GenerateResponse"))
        #expect(response.fields.count == 11)
        let usage = try #require(response.field("usage"))
        #expect(usage.number == 7 && usage.label == 1 && usage.type == 11 && usage.typeName == ".gateway.Usage")
        let chunk = try #require(file.message("GenerateChunk"))
        #expect(chunk.field("usage")?.number == 3 && chunk.field("finish_reason")?.jsonName == "finishReason")
        let request = try #require(file.message("GenerateRequest"))
        #expect(request.field("messages")?.label == 3 && request.field("messages")?.typeName == ".gateway.ChatMessage")
        #expect(request.field("seed")?.type == 4 && request.field("temperature")?.type == 2)
        #expect(request.field("stop")?.label == 3 && request.field("stop")?.type == 9)
        let outputs = try #require(file.message("BatchStatus")?.field("outputs"))
        #expect(outputs.number == 11 && outputs.label == 3 && outputs.typeName == ".gateway.GenerateResponse")
    }

    @Test("health.proto: nested ServingStatus enum with UNKNOWN=0 written explicitly")
    func health() throws {
        let file = try DecodedFile(FileDescriptor.health.encoded())
        #expect(file.name == "grpc/health/v1/health.proto")
        #expect(file.package == "grpc.health.v1")
        #expect(file.hasOptions)
        let response = try #require(file.message("HealthCheckResponse"))
        let status = try #require(response.field("status"))
        #expect(status.type == 14 && status.typeName == ".grpc.health.v1.HealthCheckResponse.ServingStatus")
        let e = try #require(response.enums.first)
        #expect(e.name == "ServingStatus")
        #expect(e.values.map(\.name) == ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"])
        #expect(e.values.map(\.number) == [0, 1, 2, 3])
        let service = try #require(file.services.first)
        #expect(service.name == "Health")
        #expect(service.method("Check")?.serverStreaming == nil)
        #expect(service.method("Watch")?.serverStreaming == true)
    }

    @Test("reflection protos: oneof members carry oneof_index 0 (present) and a oneof_decl", arguments: ["v1alpha", "v1"])
    func reflection(version: String) throws {
        let descriptor: FileDescriptor = version == "v1" ? .reflectionV1 : .reflectionV1Alpha
        let file = try DecodedFile(descriptor.encoded())
        #expect(file.name == "grpc/reflection/\(version)/reflection.proto")
        #expect(file.package == "grpc.reflection.\(version)")
        let request = try #require(file.message("ServerReflectionRequest"))
        #expect(request.oneofs == ["message_request"])
        #expect(request.field("host")?.oneofIndex == nil)
        #expect(request.fields.dropFirst().allSatisfy { $0.oneofIndex == 0 })
        let ext = try #require(request.field("file_containing_extension"))
        #expect(ext.typeName == ".grpc.reflection.\(version).ExtensionRequest")
        let response = try #require(file.message("ServerReflectionResponse"))
        #expect(response.oneofs == ["message_response"])
        #expect(response.fields.map(\.number) == [1, 2, 4, 5, 6, 7])
        let method = try #require(file.services.first?.methods.first)
        #expect(method.name == "ServerReflectionInfo")
        #expect(method.clientStreaming == true && method.serverStreaming == true)
    }
}
