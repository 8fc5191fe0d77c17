import Upstream

// The NDJSON line splitter. The first byte picks a read size, the second the line limit.
// Invariants (a violation traps):
// - splitting never crashes, whatever the bytes;
// - hitting the limit does not depend on how the bytes were split into reads, nor do the lines
//   of an input that stays within it;
// - no line is empty, holds a "\n", or is longer than the limit;
// - without a failure, the lines joined back with "\n" are the input without its blank lines and
//   without the "\r" before each "\n".

private struct Run: Equatable {
    var lines: [[UInt8]] = []
    var failed = false
}

private func run(_ bytes: ArraySlice<UInt8>, step: Int, limit: Int) -> Run {
    var d = NDJSONDecoder(maxLineBytes: limit)
    var out = Run()
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let end = step == 0 ? bytes.endIndex : min(bytes.endIndex, i + step)
        do {
            out.lines += try d.feed(bytes[i..<end])
        } catch {
            out.failed = true
            return out
        }
        i = end
    }
    if let last = d.finish() { out.lines.append(last) }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    let step = Int(all[0] % 13) + 1
    let limit = [8, 100, 1 << 20][Int(all[1] % 3)]
    let input = all[2...]
    let whole = run(input, step: 0, limit: limit)
    let stepped = run(input, step: step, limit: limit)
    let bytewise = run(input, step: 1, limit: limit)
    precondition(whole.failed == stepped.failed && whole.failed == bytewise.failed, "split reads changed the outcome")
    if !whole.failed {
        precondition(whole.lines == stepped.lines && whole.lines == bytewise.lines, "split reads changed the lines")
    }
    for line in whole.lines {
        precondition(!line.isEmpty && !line.contains(10) && line.count <= limit, "a malformed line")
    }
    if !whole.failed {
        var expected: [[UInt8]] = []
        for raw in input.split(separator: 10, omittingEmptySubsequences: false) {
            var line = Array(raw)
            if line.last == 13 { line.removeLast() }
            if !line.isEmpty { expected.append(line) }
        }
        precondition(expected == whole.lines, "lines lost or changed")
    }
    return 0
}
