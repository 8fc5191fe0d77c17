import Foundation
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// A real redis-server on a free loopback port, private to one test: no persistence, killed at
/// the end. `kill` and `start` again on the same port play an outage.
final class RedisServer: @unchecked Sendable {
    let port: Int
    private let extraArguments: [String]
    // Touched only by the test that owns the server, one call at a time.
    private var process: Process?

    init(arguments: [String] = []) throws {
        port = try RedisServer.freePort()
        extraArguments = arguments
        try start()
    }

    deinit { kill() }

    func url(_ userInfo: String = "", database: Int = 0) -> String {
        "redis://\(userInfo)127.0.0.1:\(port)/\(database)"
    }

    /// Launches redis-server and waits (at most 5 s) until it answers on its port.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no",
        ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if !process.isRunning { throw Failure("redis-server exited at start (port \(port) taken?)") }
            if RedisServer.accepts(port: port) { return }
            usleep(20_000)
        }
        kill()
        throw Failure("redis-server did not listen on \(port) within 5 s")
    }

    /// SIGKILL: no goodbye to clients, as in a crash.
    func kill() {
        guard let process else { return }
        self.process = nil
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure("bind failed: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// Runs `body` with a fresh server and a client for it, and tears both down even when it throws.
func withRedis(
    serverArguments: [String] = [],
    configure: (inout RedisConfiguration) -> Void = { _ in },
    _ body: (RedisClient, RedisServer) async throws -> Void
) async throws {
    let server = try RedisServer(arguments: serverArguments)
    var configuration = try RedisConfiguration(url: server.url())
    configure(&configuration)
    let client = RedisClient(configuration: configuration)
    do {
        try await body(client, server)
    } catch {
        client.shutdown()
        server.kill()
        throw error
    }
    client.shutdown()
    server.kill()
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; true if it held.
func eventually(within seconds: Double, _ condition: () async -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
    while clock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// Seconds `body` took.
func elapsed(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let duration = clock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

extension RedisClient {
    /// Runs a command expected to fail and returns its error (nil if it succeeded).
    func failure(_ arguments: [String]) async -> RedisError? {
        do throws(RedisError) {
            _ = try await command(arguments)
            return nil
        } catch {
            return error
        }
    }
}
