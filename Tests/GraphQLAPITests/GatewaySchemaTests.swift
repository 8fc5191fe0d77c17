import Foundation
import GraphQL
import Testing

@testable import GraphQLAPI

@Suite("The served schema is Schema/gateway.graphql")
struct GatewaySchemaTests {
    static let schemaFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schema/gateway.graphql")

    @Test("the embedded text is the file, byte for byte (run scripts/embed-graphql-schema after editing it)")
    func embeddedEqualsFile() throws {
        let file = try String(contentsOf: Self.schemaFile, encoding: .utf8)
        #expect(GatewaySchema.sdl + "\n" == file)
    }

    @Test("the running schema prints back as the file's definitions")
    func runningSchemaIsTheFile() throws {
        let fromFile = try SchemaBuilder.build(sdl: try String(contentsOf: Self.schemaFile, encoding: .utf8))
        let served = try SchemaBuilder.build(sdl: GatewaySchema.sdl)
        #expect(SchemaPrinter.print(served) == SchemaPrinter.print(fromFile))
        #expect(served.queryType == "Query" && served.mutationType == "Mutation"
                && served.subscriptionType == "Subscription")
        for name in ["Model", "PatternStatus", "QueueStatus", "Batch", "EmbedResult", "SearchResult", "PointInput", "JSON",
                     "GenerateResult", "Generation", "GenerationChunk", "Usage", "ChatMessageInput", "ChatMessage"] {
            #expect(served.type(named: name) != nil, "\(name)")
        }
    }
}
