import Upstream

// The Server-Sent Events decoder. The first input byte picks a read size for the split run and
// the second the size limit; the rest is the stream. Invariants (a violation traps):
// - decoding never crashes, whatever the bytes;
// - whether the limit is hit does not depend on how the bytes were split into reads (one read,
//   the chosen size, one byte at a time), and neither do the events of a stream that stays
//   within it (a read that fails gives no events, so a failed run's events depend on the split);
// - no event's data or name holds a line break other than the "\n" between data lines, no
//   event is bigger than the limit (counting each invalid UTF-8 byte as its replacement
//   character), and an event's name is never empty.

private struct Run: Equatable {
    var events: [SSEDecoder.Event] = []
    var failure: SSEDecoder.Failure?
}

private func run(_ bytes: ArraySlice<UInt8>, step: Int, limit: Int) -> Run {
    var d = SSEDecoder(maxEventBytes: limit)
    var out = Run()
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let end = step == 0 ? bytes.endIndex : min(bytes.endIndex, i + step)
        do {
            out.events += try d.feed(bytes[i..<end])
        } catch {
            out.failure = error
            return out
        }
        i = end
    }
    d.finish()
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    let step = Int(all[0] % 17) + 1
    let limit = [16, 64, 1 << 20][Int(all[1] % 3)]
    let stream = all[2...]
    let whole = run(stream, step: 0, limit: limit)
    let stepped = run(stream, step: step, limit: limit)
    let bytewise = run(stream, step: 1, limit: limit)
    precondition(whole.failure == stepped.failure && whole.failure == bytewise.failure, "split reads changed the outcome")
    if whole.failure == nil {
        precondition(whole.events == stepped.events && whole.events == bytewise.events, "split reads changed the events")
    }
    for e in whole.events {
        precondition(!e.name.isEmpty, "an event without a name")
        precondition(!e.name.contains("\n") && !e.name.contains("\r"), "a line break in a name")
        precondition(!e.data.contains("\r"), "a CR in data")
        // Each byte of invalid UTF-8 becomes U+FFFD, three bytes.
        precondition(e.data.utf8.count <= 3 * limit, "an event over the limit")
    }
    return 0
}
