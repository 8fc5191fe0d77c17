import Foundation
import GRPCReflection
import Testing

/// The acceptance check: our FileDescriptorProtos equal protoc's for the same .proto text
/// (source_code_info aside), compared by Resources/compare_descriptors.py in the repo's venv.
@Suite("Descriptors equal protoc's")
struct ProtocComparisonTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repoRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    @Test("gateway.proto, health.proto and both reflection.protos match protoc")
    func matchesProtoc() throws {
        let python = Self.repoRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("no \(python.path): run `make test` (it creates the venv with grpcio-tools) first")
            return
        }
        let files: [FileDescriptor] = [.gateway, .health, .reflectionV1Alpha, .reflectionV1]
        let input = files.map { file in
            file.name + " " + file.encoded().map { String(format: "%02x", $0) }.joined()
        }.joined(separator: "\n") + "\n"

        let process = Process()
        process.executableURL = python
        process.arguments = [
            Self.testsDirectory.appendingPathComponent("Resources/compare_descriptors.py").path, Self.repoRoot.path,
        ]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 0, "\(output)")
        for file in files {
            #expect(output.contains("OK \(file.name)\n"), "\(output)")
        }
    }
}
