#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files scripts/bench-ann.py writes: a 12-byte header (magic `PGVF` for float32 rows or
/// `PGVI` for int32 rows, then rows and columns as little-endian u32), then the rows.
struct Matrix<Element: BitwiseCopyable> {
    let rows: Int
    let columns: Int
    let values: [Element]

    func row(_ i: Int) -> ArraySlice<Element> { values[(i * columns)..<((i + 1) * columns)] }

    /// Runs on: the bench's main thread, before anything is timed.
    static func read(_ path: String, magic: String) -> Matrix {
        guard let file = fopen(path, "rb") else { fail("cannot open \(path)") }
        defer { fclose(file) }
        var header = [UInt8](repeating: 0, count: 12)
        guard fread(&header, 1, 12, file) == 12, Array(header[0..<4]) == Array(magic.utf8) else {
            fail("\(path): not a \(magic) file")
        }
        func u32(_ at: Int) -> Int {
            Int(UInt32(header[at]) | UInt32(header[at + 1]) << 8 | UInt32(header[at + 2]) << 16 | UInt32(header[at + 3]) << 24)
        }
        let rows = u32(4), columns = u32(8)
        let values = [Element](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            let want = rows * columns
            let got = fread(buffer.baseAddress, MemoryLayout<Element>.stride, want, file)
            guard got == want else { fail("\(path): \(got) of \(want) values") }
            initialized = want
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }
}

func fail(_ message: String) -> Never {
    var err = StandardError()
    print("pattern-ann-bench: \(message)", to: &err)
    exit(2)
}

struct StandardError: TextOutputStream {
    /// Straight to fd 2: the C `stderr` global is shared mutable state to Swift 6.
    mutating func write(_ string: String) { writeToFD2(string) }
}

private func writeToFD2(_ string: String) {
    var s = string
    s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Seconds on the monotonic clock.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// This process's resident set, from /proc/self/statm (pages), in bytes; 0 where there is none.
func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var size = 0, resident = 0
    guard withUnsafeMutablePointer(to: &size, { s in
        withUnsafeMutablePointer(to: &resident) { r in readTwo(file, s, r) }
    }) else { return 0 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

private func readTwo(_ file: UnsafeMutablePointer<FILE>, _ a: UnsafeMutablePointer<Int>, _ b: UnsafeMutablePointer<Int>) -> Bool {
    var line = [CChar](repeating: 0, count: 128)
    guard fgets(&line, 128, file) != nil else { return false }
    let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: " ")
    guard fields.count >= 2, let x = Int(fields[0]), let y = Int(fields[1]) else { return false }
    a.pointee = x
    b.pointee = y
    return true
}

/// The whole file, or nil when it cannot be opened.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
        initialized = fread(buffer.baseAddress, 1, size, file)
    }
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    guard let file = fopen(path, "wb") else { fail("cannot write \(path)") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { fail("short write to \(path)") }
}
