#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded store's directory (`<data dir>/vectors`):
///
///     store.lock                 flock'ed while a store has the directory open
///     snapshot.pgvs              every collection as of one log generation (may be absent)
///     log-<generation>.pgvl      the changes since then, in order (one or more files)
///     *.tmp                      a file being written; a leftover is deleted at open
///
/// Both file kinds use the journal's frames (`JournalFormat`) after a 16-byte header:
/// magic, version (u32le, 1), generation (u64le). A log's generation is in its name too; a
/// snapshot's is the first log generation it does not contain, so replay is the snapshot, then
/// each log from that generation on. A snapshot rotates the log first: the log it covers is
/// finished and fsynced, later changes go to the next generation while it is written.
///
/// Runs on: the thread that opens the store (startup) or rotates its log (`createLog`: a write and
/// two fsyncs; the blocking pool, for the store's own snapshots).
struct VectorStoreFiles: Sendable {
    let directory: String

    static let logMagic: [UInt8] = Array("PGVL".utf8)
    static let snapshotMagic: [UInt8] = Array("PGVS".utf8)
    static let headerSize = 16
    static let temporarySuffix = ".tmp"
    static let snapshotName = "snapshot.pgvs"

    init(directory: String) {
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    var lockPath: String { directory + "/store.lock" }
    var snapshotPath: String { directory + "/" + Self.snapshotName }

    func logPath(_ generation: UInt64) -> String {
        let digits = String(generation)
        return directory + "/log-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".pgvl"
    }

    /// The generation of a log file's name, or nil for any other name.
    static func generation(ofLog name: String) -> UInt64? {
        guard name.hasPrefix("log-"), name.hasSuffix(".pgvl") else { return nil }
        return UInt64(name.dropFirst(4).dropLast(5))
    }

    static func header(_ magic: [UInt8], generation: UInt64) -> [UInt8] {
        var w = JournalByteWriter(capacity: headerSize)
        for b in magic { w.u8(b) }
        w.u32(1)
        w.i64(Int64(bitPattern: generation))
        return w.bytes
    }

    /// Reads and checks a header; returns its generation.
    static func readHeader(_ fd: Int32, path: String, magic: [UInt8], kind: JournalFileKind) throws(GatewayError) -> UInt64 {
        var bytes = [UInt8](repeating: 0, count: headerSize)
        let n = try JournalIO.readFully(fd, into: &bytes, at: 0, path, kind: kind)
        guard n == headerSize, Array(bytes[0..<4]) == magic, bytes[4..<8] == [1, 0, 0, 0] else {
            throw GatewayError(.unavailable, "\(kind.file) \(path) is corrupt at offset 0: not a \(kind.file) "
                               + "(unknown header or version)", details: [("file", path), ("offset", "0")])
        }
        var r = JournalByteReader(Array(bytes[8..<16]))
        return UInt64(bitPattern: (try? r.i64()) ?? 0)
    }

    /// A new, empty log of `generation`, durable in the directory, open for appending.
    func createLog(generation: UInt64) throws(GatewayError) -> JournalDescriptor {
        let path = logPath(generation)
        var file = try JournalFileBuilder(temporary: path + Self.temporarySuffix,
                                          header: Self.header(Self.logMagic, generation: generation), kind: .vectorLog)
        do throws(GatewayError) {
            let descriptor = try file.finish(renamingTo: path)
            try JournalIO.syncDirectory(directory, kind: .vectorLog)
            return descriptor
        } catch {
            file.discard()
            throw error
        }
    }

    /// Logs a snapshot made obsolete. What fails to go is deleted at the next open.
    func removeLogs(before generation: UInt64, from oldest: UInt64) {
        var g = oldest
        while g < generation {
            unlink(logPath(g))
            g += 1
        }
    }
}
