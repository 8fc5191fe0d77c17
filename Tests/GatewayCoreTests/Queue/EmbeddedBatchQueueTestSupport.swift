#if canImport(Glibc)
import Glibc
#endif
@testable import GatewayCore

/// A fresh directory under /tmp for one test, removed (with everything in it) afterwards.
func withEmbeddedQueueDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    var template = Array("/tmp/embedded-queue-test-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(made != nil, "mkdtemp failed")
    let path = String(cString: made!)
    defer { removeEmbeddedQueueTree(path) }
    return try await body(path)
}

/// rm -rf, for the test's own temporary directory only.
func removeEmbeddedQueueTree(_ path: String) {
    if let dir = opendir(path) {
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            removeEmbeddedQueueTree(path + "/" + name)
        }
        closedir(dir)
        rmdir(path)
    } else {
        unlink(path)
    }
}

/// Raw file access, to damage a journal the way a crash or a bad disk would.
enum EmbeddedQueueRawFile {
    static func size(_ path: String) -> Int64 {
        var st = stat()
        precondition(stat(path, &st) == 0, "stat \(path)")
        return Int64(st.st_size)
    }

    static func read(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        precondition(fd >= 0, "open \(path)")
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(size(path)))
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        precondition(n == bytes.count, "read \(path)")
        return bytes
    }

    static func write(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0o644)
        precondition(fd >= 0, "open \(path)")
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
        precondition(n == bytes.count, "write \(path)")
    }

    static func truncate(_ path: String, by n: Int64) {
        precondition(Glibc.truncate(path, off_t(size(path) - n)) == 0, "truncate \(path)")
    }

    /// Offsets of each frame in a journal: the header (8 bytes for the queue's, 16 for the
    /// vector store's files), then [len][~len][crc][payload].
    static func frameOffsets(_ bytes: [UInt8], headerSize: Int = JournalFormat.header.count) -> [Int] {
        var offsets: [Int] = []
        var at = headerSize
        while at + JournalFormat.frameHeaderSize <= bytes.count {
            offsets.append(at)
            let length = Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
            at += JournalFormat.frameHeaderSize + length
        }
        return offsets
    }
}

/// Jobs and embeddings for queue tests.
enum EmbeddedQueueFixture {
    static func job(_ n: Int, model: String = "mixtral", texts: Int = 1, at time: UnixTime = UnixTime(secondsSinceEpoch: 1_752_589_800))
        -> BatchJob
    {
        BatchJob(id: "batch_\(model)_\(n)", model: model, texts: (0..<texts).map { "text \(n).\($0) ünïcødé" },
                 pattern: n % 2 == 0 ? .bulkOnly : .hybrid, urgent: false, degraded: n % 3 == 0,
                 queuedAt: time + .milliseconds(n), requestID: "req-\(n)")
    }

    /// Distinct, exactly representable values, so a round trip is checked bit for bit.
    static func embeddings(for job: BatchJob, dimensions: Int = 4) -> [[Float]] {
        job.texts.indices.map { row in (0..<dimensions).map { Float(row * 1000 + $0) + 0.25 } }
    }
}
