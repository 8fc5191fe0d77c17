import Foundation

/// Runs a Python helper of a differential test with the package's `.venv` interpreter (which
/// `make test` creates with protobuf, grpcio-tools and graphql-core). Input and output go through
/// files rather than pipes, so a large answer cannot fill a pipe while the question is still
/// being written.
public enum PythonHelper {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The package root, from a test file's `#filePath` (Tests/<Suite>/<File>.swift).
    public static func packageRoot(testFile: String = #filePath) -> URL {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static func interpreter(testFile: String = #filePath) -> String {
        packageRoot(testFile: testFile).appendingPathComponent(".venv/bin/python").path
    }

    /// `python arguments...` with `stdin` as its standard input; its standard output, or a
    /// `Failure` with its standard error when it exits non-zero.
    public static func run(_ arguments: [String], stdin: [UInt8] = [], testFile: String = #filePath) throws -> [UInt8] {
        let python = interpreter(testFile: testFile)
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "\(python) not found: run `make test`, which creates .venv with the Python tools")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pyhelper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in")
        let output = dir.appendingPathComponent("out")
        let errors = dir.appendingPathComponent("err")
        try Data(stdin).write(to: input)
        try Data().write(to: output)
        try Data().write(to: errors)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let err = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw Failure(description: "python \(arguments.first ?? "") exited \(process.terminationStatus): \(err)")
        }
        return [UInt8](try Data(contentsOf: output))
    }
}
