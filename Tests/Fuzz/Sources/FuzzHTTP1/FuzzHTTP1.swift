import GatewayHTTP
import HTTP1Codec

// The HTTP/1.1 request parser, fed the input twice under each of two sets of limits: all at once,
// and one byte per read. Invariants checked (a violation traps, which libFuzzer reports):
// - `consumed` never exceeds what was given;
// - events come as head, body*, end; a body event is never empty; a Content-Length body delivers
//   exactly that many bytes, a chunked one at most maxBodyBytes;
// - the parser never spins: an event or consumed bytes on every call that returns one;
// - split delivery yields the same heads, the same body bytes and the same outcome as one read
//   (a parser that disagrees with itself across packet boundaries is a smuggling risk); only
//   which error a rejected request reports may differ, when one of them is a size limit.

/// What one request of a parse amounted to, in a form that does not depend on read sizes.
private struct RequestRecord: Equatable {
    var method: String
    var target: String
    var version: String
    var headers: [String]
    var keepAlive: Bool
    var expectsContinue: Bool
    var body: HTTP1BodyKind
    var bodyBytes: [UInt8] = []
    var ended = false
}

private struct Outcome: Equatable {
    var requests: [RequestRecord] = []
    var error: HTTP1ParseError?
}

private func record(_ h: HTTP1RequestHeadFields) -> RequestRecord {
    RequestRecord(
        method: h.method, target: h.target, version: h.version.rawValue,
        headers: h.headers.fields.map { "\($0.name): \($0.value)" },
        keepAlive: h.keepAlive, expectsContinue: h.expectsContinue, body: h.body)
}

/// Feeds `bytes` to a fresh parser, `step` more bytes per read (0: all at once).
private func run(_ bytes: [UInt8], limits: HTTP1Limits, step: Int) -> Outcome {
    var parser = HTTP1RequestParser(limits: limits)
    var outcome = Outcome()
    var start = 0
    var available = step == 0 ? bytes.count : 0
    var inBody = false
    while true {
        // Parse what is available until the parser needs more.
        var idleCalls = 0
        while true {
            let input = bytes[start..<available]
            let result: (event: HTTP1ParseEvent?, consumed: Int)
            do {
                result = try parser.parse(input)
            } catch {
                outcome.error = error
                // A dead parser repeats its error and consumes nothing.
                do {
                    _ = try parser.parse(bytes[start..<available])
                    fatalError("parser accepted input after throwing \(error)")
                } catch let again {
                    precondition(again == error, "parser changed its error: \(error) then \(again)")
                }
                return outcome
            }
            precondition(result.consumed >= 0 && result.consumed <= input.count,
                         "consumed \(result.consumed) of \(input.count)")
            start += result.consumed
            guard let event = result.event else { break }
            idleCalls = result.consumed == 0 ? idleCalls + 1 : 0
            precondition(idleCalls < 4, "parser emits events without consuming input")
            switch event {
            case .head(let h):
                precondition(!inBody, "head before the previous request ended")
                outcome.requests.append(record(h))
                inBody = true
            case .body(let chunk):
                precondition(inBody, "body outside a request")
                precondition(!chunk.isEmpty, "empty body event")
                outcome.requests[outcome.requests.count - 1].bodyBytes += chunk
                let r = outcome.requests[outcome.requests.count - 1]
                switch r.body {
                case .none: preconditionFailure("body bytes for a request without a body")
                case .length(let n): precondition(r.bodyBytes.count <= n, "more body than Content-Length")
                case .chunked: precondition(r.bodyBytes.count <= limits.maxBodyBytes, "chunked body over the limit")
                }
            case .end:
                precondition(inBody, "end outside a request")
                let r = outcome.requests[outcome.requests.count - 1]
                switch r.body {
                case .none: precondition(r.bodyBytes.isEmpty)
                case .length(let n): precondition(r.bodyBytes.count == n, "Content-Length \(n), body \(r.bodyBytes.count)")
                case .chunked: break
                }
                outcome.requests[outcome.requests.count - 1].ended = true
                inBody = false
            }
        }
        if available == bytes.count { return outcome }
        available = min(bytes.count, available + step)
    }
}

/// A size limit is checked as bytes arrive, so it may stop a request before a syntax error
/// later in the same bytes is seen: which of the two a rejected request reports can depend on
/// how it was split (Regressions/http1/head-limit-before-bad-name). Both reject it.
private func isLimit(_ error: HTTP1ParseError?) -> Bool {
    guard let error else { return false }
    return error.status == 431 || error.status == 413 || error.reason == "chunk extension abuse"
}

private let limitSets = [
    HTTP1Limits(),
    // Small enough that inputs of a few hundred bytes reach every limit.
    HTTP1Limits(maxHeaderBytes: 256, maxBodyBytes: 300, maxChunkLineBytes: 16, maxHeaderCount: 6),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for limits in limitSets {
        let whole = run(bytes, limits: limits, step: 0)
        let split = run(bytes, limits: limits, step: 1)
        if whole.requests != split.requests || (whole.error == nil) != (split.error == nil)
            || (whole.error != split.error && !isLimit(whole.error) && !isLimit(split.error)) {
            fatalError("one read and byte-by-byte reads disagree:\n whole: \(whole)\n split: \(split)")
        }
    }
    return 0
}
