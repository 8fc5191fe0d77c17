import Foundation
import GatewayProto
import Protobuf
import Testing
import GatewayTestSupport

/// Our codec against Python's google.protobuf (upb), which compiles Protos/gateway.proto itself:
/// what we encode it must decode to the same values, and what it encodes we must decode to the
/// same values. Both sides are compared as MessageToDict-style JSON.
@Suite("Differential against Python protobuf", .serialized)
struct DifferentialTests {
    static let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/differential.py").path
    static let perType = 200

    static func runHelper(_ arguments: [String], input: String = "[]") throws -> JSON {
        try JSON.parse(try PythonHelper.run([helper] + arguments, stdin: Array(input.utf8)))
    }

    @Test func pythonDecodesOurEncodings() throws {
        var g = SeededRandom(seed: 0xD1FF)
        var messages: [(MessageKind, any GatewayMessage)] = []
        for kind in MessageKind.gateway {
            for _ in 0..<Self.perType { messages.append((kind, kind.random(&g))) }
        }
        let input = "[" + messages.map { #"{"type":"\#($0.0)","hex":"\#(hex($0.1.encoded()))"}"# }.joined(separator: ",") + "]"
        guard case .array(let answers) = try Self.runHelper(["decode"], input: input) else {
            Issue.record("differential.py decode did not answer a list")
            return
        }
        try #require(answers.count == messages.count)
        var failures = 0
        for ((kind, message), answer) in zip(messages, answers) where failures < 10 {
            guard let json = answer["json"] else {
                Issue.record("Python rejected our \(kind) \(hex(message.encoded())): \(answer["error"] ?? .null)")
                failures += 1
                continue
            }
            if let diff = Canon.of(message).mismatch(json) {
                Issue.record("\(kind) \(hex(message.encoded())): \(diff)")
                failures += 1
            }
        }
    }

    @Test func weDecodePythonEncodings() throws {
        guard case .array(let entries) = try Self.runHelper(["encode", "\(Self.perType)", "20240601"]) else {
            Issue.record("differential.py encode did not answer a list")
            return
        }
        try #require(entries.count == Self.perType * MessageKind.gateway.count)
        var failures = 0
        for entry in entries where failures < 10 {
            let kind = try #require(entry["type"]?.stringValue.flatMap(MessageKind.init(rawValue:)))
            let bytes = try #require(entry["hex"]?.stringValue.flatMap(unhex))
            let json = try #require(entry["json"])
            do {
                let message = try kind.decode(bytes)
                if let diff = Canon.of(message).mismatch(json) {
                    Issue.record("\(kind) \(hex(bytes)): \(diff)")
                    failures += 1
                }
                // Maps aside (upb writes an entry's empty key or value, and in its own order),
                // both encoders agree byte for byte.
                let hasMap = [.searchRequest, .scoredPoint, .searchResponse, .point, .ingestRequest].contains(kind)
                if !hasMap && message.encoded() != bytes {
                    Issue.record("\(kind): Python wrote \(hex(bytes)), we write \(hex(message.encoded()))")
                    failures += 1
                }
            } catch {
                Issue.record("we rejected Python's \(kind) \(hex(bytes)): \(error)")
                failures += 1
            }
        }
    }
}
