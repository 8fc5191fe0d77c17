#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Thin POSIX calls the journal needs, each turning a failure into a `GatewayError` that names
/// the file and the system's reason. `unavailable`: the queue (or the vector store, by `kind`)
/// cannot store anything right now.
///
/// Runs on: the caller's thread, every call blocking it; the callers decide which calls may
/// run where (appends anywhere, fsyncs and rewrites on the blocking pool, opening at startup).
enum JournalIO {
    /// Tests learn here which thread ran each fsync (the path is the file's or directory's).
    /// Unset in the gateway, where it costs one uncontended lock per fsync.
    static let fsyncWatcher = Mutex<(@Sendable (_ path: String) -> Void)?>(nil)

    /// Names the file by its last component only: these errors reach clients (a full disk
    /// refuses a request), and a client has no business learning the server's directory layout.
    static func failure(_ what: String, _ path: String, errno code: Int32, kind: JournalFileKind = .queue) -> GatewayError {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return GatewayError(.unavailable, "\(kind.file): cannot \(what) \(name): \(String(cString: strerror(code)))",
                            details: [("file", name)])
    }

    /// mkdir -p, each level 0755.
    static func makeDirectories(_ path: String, kind: JournalFileKind = .queue) throws(GatewayError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw failure("create directory", prefix, errno: errno, kind: kind)
            }
            prefix += "/"
        }
    }

    static func openFile(_ path: String, _ flags: Int32, kind: JournalFileKind = .queue) throws(GatewayError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, 0o644)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("open", path, errno: errno, kind: kind) }
        }
    }

    /// One process per data directory: two writers appending to one journal would interleave
    /// their records. The lock goes when the descriptor closes, so a killed process frees it.
    static func lockExclusively(_ fd: Int32, _ path: String, kind: JournalFileKind = .queue) throws(GatewayError) {
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK {
                throw GatewayError(.unavailable, "\(kind.file): \(path) is locked by another open \(kind.owner) "
                                   + "(another gateway on the same data directory?)", details: [("file", path)])
            }
            throw failure("lock", path, errno: errno, kind: kind)
        }
    }

    static func size(_ fd: Int32, _ path: String, kind: JournalFileKind = .queue) throws(GatewayError) -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure("stat", path, errno: errno, kind: kind) }
        return Int64(st.st_size)
    }

    /// Writes every byte at `offset` (short writes and EINTR continue).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64, _ path: String, kind: JournalFileKind = .queue)
        throws(GatewayError)
    {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + Int64(done)))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("write", path, errno: errno, kind: kind)
            }
            done += n
        }
    }

    /// Fills `buffer` from `offset`; returns how many bytes there were (fewer at end of file).
    static func readFully(_ fd: Int32, into buffer: inout [UInt8], at offset: Int64, _ path: String,
                          kind: JournalFileKind = .queue) throws(GatewayError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + Int64(done)))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure("read", path, errno: errno, kind: kind)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func syncFile(_ fd: Int32, _ path: String, kind: JournalFileKind = .queue) throws(GatewayError) {
        if let watch = fsyncWatcher.withLock({ $0 }) { watch(path) }
        while fsync(fd) != 0 {
            if errno != EINTR { throw failure("fsync", path, errno: errno, kind: kind) }
        }
    }

    static func truncateFile(_ fd: Int32, to size: Int64, _ path: String, kind: JournalFileKind = .queue) throws(GatewayError) {
        while ftruncate(fd, off_t(size)) != 0 {
            if errno != EINTR { throw failure("truncate", path, errno: errno, kind: kind) }
        }
    }

    /// Makes a create or rename inside `directory` durable (the entry lives in the directory).
    static func syncDirectory(_ directory: String, kind: JournalFileKind = .queue) throws(GatewayError) {
        let fd = try openFile(directory, O_RDONLY | O_DIRECTORY, kind: kind)
        defer { close(fd) }
        try syncFile(fd, directory, kind: kind)
    }

    static func renameFile(_ from: String, over to: String, kind: JournalFileKind = .queue) throws(GatewayError) {
        guard rename(from, to) == 0 else { throw failure("rename \(from) to", to, errno: errno, kind: kind) }
    }

    /// The names in `directory` (not `.` and `..`).
    static func listDirectory(_ directory: String, kind: JournalFileKind = .queue) throws(GatewayError) -> [String] {
        guard let dir = opendir(directory) else { throw failure("list", directory, errno: errno, kind: kind) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// An open descriptor (the journal, its lock file), closed when the last reference goes. Shared so a
/// group-commit fsync racing with compaction (which swaps in a new file) never hits a closed
/// or reused descriptor number: it syncs the old file, which is harmless.
final class JournalDescriptor: Sendable {
    let fd: Int32

    init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(fd)
    }
}
