#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file read into memory, or nil when it is missing or cannot be read whole: what the
/// stored batch files and the saved vector graphs are loaded with.
/// Runs on: the caller's thread, blocking it (callers are on the blocking pool, or starting up).
public enum WholeFile {
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        guard let n = try? JournalIO.readFully(fd, into: &bytes, at: 0, path), n == bytes.count else { return nil }
        return bytes
    }
}
