import Foundation

/// The PKI from certs/generate.sh, made once per test run in a fresh temporary directory so the
/// tests never depend on (or clobber) a developer's certs/out. (TLSTests' helper, made async.)
struct TestCertificates: Sendable {
    let directory: String

    func path(_ file: String) -> String { directory + "/" + file }
    var caCertificate: String { path("ca.crt") }
    var serverCertificate: String { path("server.crt") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.crt") }
    var clientKey: String { path("client.key") }
    var rogueCACertificate: String { path("rogue-ca.crt") }
    var rogueClientCertificate: String { path("rogue-client.crt") }
    var rogueClientKey: String { path("rogue-client.key") }

    struct GenerationFailed: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// Suites run in parallel; a static let makes the first one generate and the rest wait.
    static func shared() async throws(GenerationFailed) -> TestCertificates {
        try await generated.value.get()
    }

    /// openssl runs for about a second and Process waits by blocking; on a dedicated thread that
    /// wait cannot starve the cooperative pool, whose delays the timing tests would measure.
    private static let generated = Task { () -> Result<TestCertificates, GenerationFailed> in
        await withCheckedContinuation { done in
            Thread {
                done.resume(returning: Result { () throws(GenerationFailed) in try generate() })
            }.start()
        }
    }

    private static let scratchDirectory = FileManager.default.temporaryDirectory
        .appendingPathComponent("pattern-gateway-upstream-tests-\(UUID().uuidString)").path

    private static func generate() throws(GenerationFailed) -> TestCertificates {
        let directory = scratchDirectory
        // Private keys should not pile up in /tmp, one set per test run.
        atexit { try? FileManager.default.removeItem(atPath: TestCertificates.scratchDirectory) }
        let script = packageRoot().appendingPathComponent("certs/generate.sh").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, directory]
        let stderr = Pipe()
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw GenerationFailed(description: "cannot run \(script): \(error)")
        }
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GenerationFailed(description: "\(script) exited \(process.terminationStatus): \(log)")
        }
        return TestCertificates(directory: directory)
    }

    private static func packageRoot() -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/",
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path)
        {
            directory.deleteLastPathComponent()
        }
        return directory
    }
}
