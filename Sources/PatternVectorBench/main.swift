#if canImport(Glibc)
import Glibc
#endif
import GatewayCore

// pattern-vector-bench: the embedded store's exact search timed in process, as one JSON line.
//
//   pattern-vector-bench [--dims 384] [--points 50000] [--queries 200] [--limit 10] [--seed 1]
//                        [--dump DIR] [--dir DIR]
//
// Builds a collection of --points seeded random vectors (uniform in [-1, 1]), runs --queries
// single searches one after another (after a few untimed ones) and prints their p50/p90/p99 and
// the scan rate: the matrix's bytes over a search's time. --dump writes the same matrix and
// queries as raw little-endian float32 (DIR/matrix.f32, DIR/queries.f32; row-major) so numpy
// can time `X @ q` on identical data. --dir persists the store there and also times the ingest
// (every call fsynced), the closing snapshot and the reopen.

struct Options {
    var dims = 384
    var points = 50_000
    var queries = 200
    var limit = 10
    var seed: UInt64 = 1
    var dump: String?
    var dir: String?

    init(_ args: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < args.count else { fail("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--dims": dims = Self.number(value())
            case "--points": points = Self.number(value())
            case "--queries": queries = Self.number(value())
            case "--limit": limit = Self.number(value())
            case "--seed": seed = UInt64(Self.number(value()))
            case "--dump": dump = value()
            case "--dir": dir = value()
            case "-h", "--help":
                print("usage: pattern-vector-bench [--dims N] [--points N] [--queries N] [--limit N] [--seed N] [--dump DIR] [--dir DIR]")
                exit(0)
            default: fail("unknown argument \(args[i])")
            }
            i += 1
        }
    }

    static func number(_ s: String) -> Int {
        guard let n = Int(s), n > 0 else { fail("\(s) is not a positive whole number") }
        return n
    }
}

func fail(_ message: String) -> Never {
    var line = "pattern-vector-bench: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
}

/// xorshift64*: seeded, fast, and easy to reproduce elsewhere; the data's exact values matter
/// only in that numpy gets the same ones (through --dump).
struct Generator {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func unit() -> Float {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        // The top 24 bits as a float in [-1, 1).
        return Float((state &* 0x2545_F491_4F6C_DD1D) >> 40) / Float(1 << 23) - 1
    }

    mutating func vector(_ d: Int) -> [Float] { (0..<d).map { _ in unit() } }
}

func seconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func writeRaw(_ rows: [[Float]], to path: String) {
    guard let f = fopen(path, "wb") else { fail("cannot write \(path)") }
    defer { fclose(f) }
    for row in rows {
        _ = row.withUnsafeBufferPointer { fwrite($0.baseAddress, MemoryLayout<Float>.size, $0.count, f) }
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}

func format(_ x: Double, _ digits: Int = 3) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (x * scale).rounded() / scale
    return String(r)
}

let options = Options(CommandLine.arguments)
var generator = Generator(seed: options.seed)
let matrix = (0..<options.points).map { _ in generator.vector(options.dims) }
let queries = (0..<options.queries).map { _ in generator.vector(options.dims) }
if let dump = options.dump {
    writeRaw(matrix, to: dump + "/matrix.f32")
    writeRaw(queries, to: dump + "/queries.f32")
}

let collection = VectorCollection(name: "bench", dimensions: options.dims)
var fields: [(String, String)] = [
    ("dims", String(options.dims)), ("points", String(options.points)), ("queries", String(options.queries)),
    ("limit", String(options.limit)),
]
do {
    var store = try EmbeddedVectorStore(directory: options.dir)
    let started = seconds()
    for start in stride(from: 0, to: options.points, by: 10_000) {
        let end = min(start + 10_000, options.points)
        try await store.upsert((start..<end).map { VectorPoint(id: "p\($0)", vector: matrix[$0]) }, into: collection)
    }
    fields.append(("ingest_s", format(seconds() - started)))
    if let dir = options.dir {
        let closing = seconds()
        store.close()
        fields.append(("close_s", format(seconds() - closing)))
        let opening = seconds()
        store = try EmbeddedVectorStore(directory: dir)
        fields.append(("reopen_s", format(seconds() - opening)))
    }
    fields.append(("memory_bytes", String(store.memoryBytes(collection: "bench") ?? 0)))

    for q in queries.prefix(5) { _ = try await store.search(StoreSearch(vector: q, limit: options.limit), in: collection) }
    var times: [Double] = []
    var found = 0
    for q in queries {
        let t = seconds()
        let hits = try await store.search(StoreSearch(vector: q, limit: options.limit), in: collection)
        times.append(seconds() - t)
        found += hits.count
    }
    guard found == options.queries * min(options.limit, options.points) else { fail("searches came back short") }
    times.sort()
    let bytes = Double(options.points * options.dims * MemoryLayout<Float>.size)
    let p50 = percentile(times, 0.5)
    fields += [
        ("p50_ms", format(p50 * 1000)), ("p90_ms", format(percentile(times, 0.9) * 1000)),
        ("p99_ms", format(percentile(times, 0.99) * 1000)),
        ("scan_gbps", format(bytes / p50 / 1e9, 2)), ("matrix_bytes", String(Int(bytes))),
    ]
    store.close()
} catch {
    fail("\(error)")
}
print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
