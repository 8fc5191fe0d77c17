import GatewayHTTP
import WebSocket

// The RFC 6455 frame decoder (server role: client frames, masked). The first input byte picks a
// read size for the split run, the second the message limit; the rest is the stream.
// Invariants (a violation traps):
// - decoding never crashes, whatever the bytes;
// - the events and the error do not depend on how the bytes were split into reads (one read,
//   the chosen size, one byte at a time);
// - an error names 1002, 1007 or 1009; a close event's code is one the wire allows;
// - a message is within the limit, a control payload within 125 bytes, and re-encoding the
//   events as client frames decodes to the same events (text stays text: it was valid UTF-8);
// - the close state machine, fed the run, ends with a code and only sends codes the wire allows;
// - UTF8Validator agrees with the standard library on the stream as a whole.

private struct Run: Equatable {
    var events: [WebSocketFrameDecoder.Event] = []
    var failure: WebSocketProtocolError?
}

private func run(_ bytes: ArraySlice<UInt8>, step: Int, limit: Int) -> Run {
    var d = WebSocketFrameDecoder(configuration: .init(role: .server, maxMessageBytes: limit))
    var out = Run()
    var i = bytes.startIndex
    repeat {
        let end = step == 0 ? bytes.endIndex : min(bytes.endIndex, i + step)
        d.receive(bytes[i..<end])
        i = end
        do {
            while let e = try d.nextEvent() { out.events.append(e) }
        } catch {
            out.failure = error
            return out
        }
    } while i < bytes.endIndex
    return out
}

private func encode(_ event: WebSocketFrameDecoder.Event) -> [UInt8] {
    let key: [UInt8] = [1, 2, 3, 4]
    switch event {
    case .message(let m): return WebSocketFrameEncoder.message(m, maskingKey: key)
    case .ping(let p): return WebSocketFrameEncoder.ping(p, maskingKey: key)
    case .pong(let p): return WebSocketFrameEncoder.pong(p, maskingKey: key)
    case .close(let code, let reason): return WebSocketFrameEncoder.close(code: code, reason: reason, maskingKey: key)
    }
}

private func checkMachine(_ r: Run) {
    var m = WebSocketStateMachine(now: 0)
    var actions: [WebSocketStateMachine.Action] = []
    for (i, e) in r.events.enumerated() { actions += m.received(e, now: UInt64(i)) }
    if let failure = r.failure { actions += m.failed(failure) }
    m.connectionLost()
    precondition(m.closeCode != nil, "the machine is not closed after the connection was lost")
    for case .sendClose(let code?, _) in actions {
        precondition(code.isAllowedOnWire, "the machine would send close code \(code)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    let step = Int(all[0] % 23) + 1
    let limit = [16, 125, 1000, 1 << 20][Int(all[1] % 4)]
    let stream = all[2...]
    let whole = run(stream, step: 0, limit: limit)
    let stepped = run(stream, step: step, limit: limit)
    let bytewise = run(stream, step: 1, limit: limit)
    precondition(whole == stepped && whole == bytewise, "split reads changed the outcome")
    if let f = whole.failure {
        precondition([1002, 1007, 1009].contains(f.closeCode.rawValue), "error with close code \(f.closeCode)")
    }
    var reencoded: [UInt8] = []
    for e in whole.events {
        switch e {
        case .message(.text(let s)): precondition(s.utf8.count <= limit, "a text message over the limit")
        case .message(.binary(let b)): precondition(b.count <= limit, "a binary message over the limit")
        case .ping(let p), .pong(let p): precondition(p.count <= 125, "a control payload over 125 bytes")
        case .close(let code, let reason):
            precondition(code?.isAllowedOnWire ?? true, "close event with code \(String(describing: code))")
            precondition(reason.utf8.count <= 123, "a close reason over 123 bytes")
        }
        reencoded += encode(e)
    }
    let again = run(reencoded[...], step: 0, limit: limit)
    precondition(again == Run(events: whole.events), "re-encoded events decode differently")
    checkMachine(whole)
    precondition(UTF8Validator.isValid(stream) == (String(validating: stream, as: UTF8.self) != nil),
                 "UTF8Validator disagrees with the standard library")
    return 0
}
