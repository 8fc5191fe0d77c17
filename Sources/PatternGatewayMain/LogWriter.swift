#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import Synchronization

/// Where log lines go: appended to a buffer at once and written to stderr by a thread of its own,
/// so an event loop that logs (an access line per request) never waits on a pipe that a log
/// shipper is slow to read. Error lines, and everything before them, are written before `log`
/// returns: the process may be about to exit.
/// Runs on: callers append from any thread; the `pg-log` thread writes; `flush` writes on its caller.
final class LogWriter: Sendable {
    static let standardError = LogWriter(fileDescriptor: 2)

    /// Unwritten bytes past this are dropped and counted (a line says how many once the writer
    /// catches up): memory stays bounded when stderr stalls.
    static let limit = 8 << 20

    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
        var scheduled = false
    }

    private let fileDescriptor: Int32
    private let pending = Mutex(Pending())
    /// Held while writing, so two drains (the thread's and a `flush`) keep lines in order.
    private let writing = Mutex(())
    private let thread = BlockingPool(threads: 1, name: "pg-log")

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    func append(_ line: [UInt8]) {
        let schedule = pending.withLock { p -> Bool in
            guard p.bytes.count + line.count <= Self.limit else {
                p.dropped += 1
                return false
            }
            p.bytes += line
            guard !p.scheduled else { return false }
            p.scheduled = true
            return true
        }
        if schedule {
            thread.submit(.short) { [self] in
                // Lines that come meanwhile go out in the same write: under load one write (and
                // one wake-up of this thread) carries many lines instead of one each.
                usleep(Self.gatherMicroseconds)
                drain()
            }
        }
    }

    /// How long the thread waits for more lines before it writes; short enough for `tail -f`.
    static let gatherMicroseconds: UInt32 = 20_000

    /// Writes everything appended so far before returning.
    func flush() { drain() }

    private func drain() {
        writing.withLock { _ in
            while true {
                let (bytes, dropped) = pending.withLock { p in
                    defer {
                        p.bytes.removeAll(keepingCapacity: p.bytes.count <= 1 << 16)
                        p.dropped = 0
                    }
                    if p.bytes.isEmpty && p.dropped == 0 { p.scheduled = false }
                    return (p.bytes, p.dropped)
                }
                if bytes.isEmpty && dropped == 0 { return }
                if dropped > 0 {
                    writeAll(Array("{\"level\":\"warning\",\"logger\":\"pattern-gateway\",\"message\":\"log lines dropped: stderr was not keeping up\",\"dropped\":\(dropped)}\n".utf8))
                }
                writeAll(bytes)
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
