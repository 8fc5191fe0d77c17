import Foundation
import GatewayCore
import Redis

#if canImport(Glibc)
import Glibc
#endif

// Copied from Tests/RedisTests/RedisServer.swift (test targets cannot share files), renamed so
// it cannot clash with another copy in this target.

/// A real redis-server on a free loopback port, private to one test: no persistence, killed at
/// the end. `kill` and `start` again on the same port play an outage.
final class QueueRedisServer: @unchecked Sendable {
    let port: Int
    // Touched only by the test that owns the server, one call at a time.
    private var process: Process?

    init() throws {
        port = try QueueRedisServer.freePort()
        try start()
    }

    deinit { kill() }

    var url: String { "redis://127.0.0.1:\(port)/0" }

    /// Launches redis-server and waits (at most 5 s) until it answers on its port.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if !process.isRunning { throw Failure("redis-server exited at start (port \(port) taken?)") }
            if QueueRedisServer.accepts(port: port) { return }
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

    /// A new client of this server, as another gateway instance would have.
    func client() throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: url))
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
