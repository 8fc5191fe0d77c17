#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import JSON
import Synchronization

/// Files under `<data dir>/files`: `<id>.data` holds the bytes, `<id>.json` what the API shows of
/// them. Each is written to a temporary name, fsynced and renamed, and the directory fsynced, on
/// the blocking pool, so a file the API has acknowledged survives a crash and an event loop never
/// waits on the disk. The index of what exists is in memory, read once at start.
/// Runs on: the blocking pool for reads and writes; the index under a short lock from any task.
public final class EmbeddedFileStore: FileStore {
    private let directory: String
    private let pool: BlockingPool
    private let index: Mutex<[String: StoredFile]>

    /// Reads the index synchronously: it runs at start, before any loop serves.
    public init(directory: String, pool: BlockingPool = .shared) throws(GatewayError) {
        self.directory = directory
        self.pool = pool
        try Self.makeDirectory(directory)
        var found: [String: StoredFile] = [:]
        for name in Self.names(in: directory) {
            guard name.hasSuffix(".json"), let bytes = WholeFile.read(directory + "/" + name),
                  let file = Self.decode(bytes) else { continue }
            // Metadata is written after the data: a file with both is complete.
            if access(directory + "/" + file.id + ".data", F_OK) == 0 { found[file.id] = file }
        }
        index = Mutex(found)
    }

    public func create(filename: String, purpose: String, content: [UInt8], now: UnixTime) async throws(GatewayError) -> StoredFile {
        let file = StoredFile(id: StoredFile.newID(prefix: "file-"), bytes: content.count,
                              createdAt: now.nanosecondsSinceEpoch / 1_000_000_000, filename: filename, purpose: purpose)
        let directory = self.directory
        try await pool.run(.long) { () throws(GatewayError) in
            try Self.writeDurably(directory + "/" + file.id + ".data", content)
            try Self.writeDurably(directory + "/" + file.id + ".json", Self.encode(file))
            try Self.syncDirectory(directory)
        }
        index.withLock { $0[file.id] = file }
        return file
    }

    public func file(id: String) async throws(GatewayError) -> StoredFile? {
        index.withLock { $0[id] }
    }

    public func content(id: String) async throws(GatewayError) -> [UInt8]? {
        guard index.withLock({ $0[id] }) != nil else { return nil }
        let path = directory + "/" + id + ".data"
        return try await pool.run(.long) { () throws(GatewayError) -> [UInt8]? in WholeFile.read(path) }
    }

    public func delete(id: String) async throws(GatewayError) -> Bool {
        guard index.withLock({ $0.removeValue(forKey: id) }) != nil else { return false }
        let directory = self.directory
        try await pool.run(.short) { () throws(GatewayError) in
            // The metadata first: without it the data is not a file any more.
            unlink(directory + "/" + id + ".json")
            unlink(directory + "/" + id + ".data")
            try Self.syncDirectory(directory)
        }
        return true
    }

    // MARK: disk

    static func encode(_ f: StoredFile) -> [UInt8] {
        JSON.serialize(["id": .string(f.id), "bytes": .number(JSONNumber(f.bytes)),
                        "created_at": .number(JSONNumber(Int(f.createdAt))), "filename": .string(f.filename),
                        "purpose": .string(f.purpose)])
    }

    static func decode(_ bytes: [UInt8]) -> StoredFile? {
        guard let v = try? JSON.parse(bytes), let id = v["id"]?.stringValue, let size = v["bytes"]?.intValue,
              let created = v["created_at"]?.intValue, let name = v["filename"]?.stringValue,
              let purpose = v["purpose"]?.stringValue else { return nil }
        return StoredFile(id: id, bytes: size, createdAt: Int64(created), filename: name, purpose: purpose)
    }

    static func makeDirectory(_ path: String) throws(GatewayError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw GatewayError(.unavailable, "cannot create the Batch API's directory (\(String(cString: strerror(errno))))")
            }
        }
    }

    static func names(in directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            out.append(withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) })
        }
        return out
    }

    /// Temporary name, write, fsync, rename: a reader sees the old file or the whole new one.
    static func writeDurably(_ path: String, _ bytes: [UInt8]) throws(GatewayError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("open") }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let e = failure("write")
                close(fd)
                throw e
            }
            done += n
        }
        guard fsync(fd) == 0 else {
            let e = failure("fsync")
            close(fd)
            throw e
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw failure("rename") }
    }

    static func syncDirectory(_ path: String) throws(GatewayError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open directory") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync directory") }
    }

    /// Names the operation and the OS reason, never the server's paths.
    private static func failure(_ operation: String) -> GatewayError {
        let code: ErrorCode = errno == ENOSPC || errno == EDQUOT ? .unavailable : .internalError
        return GatewayError(code, "storing a file failed: \(operation): \(String(cString: strerror(errno)))",
                            retryAfter: code == .unavailable ? 30 : nil)
    }
}
