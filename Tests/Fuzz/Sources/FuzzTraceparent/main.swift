import Tracing

// The W3C `traceparent`/`tracestate` reader every request goes through. The input's first line is
// the traceparent, the rest the tracestate. Invariants (a violation traps):
// - reading never crashes, whatever the bytes;
// - an accepted traceparent has a non-zero trace id and span id, and is written back as a
//   55-character version-00 header that reads back as the same ids and flags;
// - a version-00 header that was accepted is written back exactly as it came (less outer OWS);
// - the tracestate is passed on unchanged or dropped, never altered, and only with a valid parent;
// - a child keeps the trace id, flags and state, and has a span id of its own.

private func trimmed(_ s: Substring) -> Substring {
    var s = s
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return s
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    let parent = String(lines.first ?? "")
    let state = lines.count > 1 ? String(lines[1]) : nil

    let parsed = TraceContext.parse(parent)
    let context = TraceContext.from(traceparent: parent, tracestate: state)
    if let parsed {
        precondition(parsed.traceHigh != 0 || parsed.traceLow != 0, "accepted an all-zero trace id")
        precondition(parsed.parentID != 0, "accepted an all-zero span id")
        let written = parsed.traceparent
        precondition(written.utf8.count == 55 && written.hasPrefix("00-"), "wrote a malformed traceparent")
        precondition(TraceContext.parse(written) == parsed, "written back, it reads differently")
        let given = trimmed(Substring(parent))
        if given.hasPrefix("00") {
            precondition(written == given, "a version-00 header was not written back as it came")
        }
        precondition(context.traceID == parsed.traceID && context.parentID == parsed.parentID, "from() disagrees with parse()")
        precondition(context.state == nil || context.state == state, "the tracestate was altered")
    } else {
        precondition(context.state == nil, "a tracestate kept without a valid traceparent")
        precondition(TraceContext.parse(context.traceparent) != nil, "a fresh trace does not read back")
    }
    let child = context.child()
    precondition(child.traceID == context.traceID && child.flags == context.flags && child.state == context.state,
                 "a child changed the trace")
    precondition(child.parentID != 0, "a child with a zero span id")
    return 0
}
