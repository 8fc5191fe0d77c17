import GatewayHTTP
import Testing

@testable import HTTP1Codec
import GatewayTestSupport

/// One request as the parser reported it, in a form tests can compare and print.
struct ParsedRequest: Equatable, CustomStringConvertible {
    var method: String
    var target: String
    var version: HTTPVersion
    /// "Name: value", in arrival order.
    var headers: [String]
    var keepAlive: Bool
    var expectsContinue: Bool
    var body: HTTP1BodyKind
    /// Every `.body` event of the request, concatenated.
    var bodyBytes: [UInt8]
    var ended: Bool

    init(
        _ method: String, _ target: String, _ version: HTTPVersion = .http1_1, headers: [String],
        keepAlive: Bool = true, expectsContinue: Bool = false, body: HTTP1BodyKind = .none,
        bodyBytes: String = "", ended: Bool = true
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.body = body
        self.bodyBytes = Array(bodyBytes.utf8)
        self.ended = ended
    }

    init(_ head: HTTP1RequestHeadFields) {
        self.init(
            head.method, head.target, head.version, headers: head.headers.map { "\($0.name): \($0.value)" },
            keepAlive: head.keepAlive, expectsContinue: head.expectsContinue, body: head.body, ended: false)
    }

    var description: String {
        "\(method) \(target) \(version.rawValue) \(headers) keepAlive=\(keepAlive) "
            + "continue=\(expectsContinue) \(body) body=\(String(decoding: bodyBytes, as: UTF8.self)) ended=\(ended)"
    }
}

/// Everything a connection would have seen: the requests, and the error that closed it.
struct Transcript: Equatable {
    var requests: [ParsedRequest] = []
    var error: HTTP1ParseError?
    /// Bytes left in the buffer when the input ran out.
    var leftover = 0
}

/// How the bytes of one test row reach the parser.
enum Feed: Sendable, CustomTestStringConvertible {
    case whole
    case byteByByte
    case randomSplits(seed: UInt64)

    static let all: [Feed] = [.whole, .byteByByte] + (1...4).map { .randomSplits(seed: $0) }

    var testDescription: String {
        switch self {
        case .whole: "whole"
        case .byteByByte: "byte by byte"
        case .randomSplits(let seed): "random splits #\(seed)"
        }
    }

    func pieces(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        switch self {
        case .whole:
            return [bytes[...]]
        case .byteByByte:
            return bytes.indices.map { bytes[$0...$0] }
        case .randomSplits(let seed):
            var random = SplitMix64(seed: seed)
            let cutCount = bytes.count < 2 ? 0 : Int.random(in: 1...min(8, bytes.count - 1), using: &random)
            let cuts = Set((0..<cutCount).map { _ in Int.random(in: 1..<bytes.count, using: &random) }).sorted()
            let bounds = [0] + cuts + [bytes.count]
            return zip(bounds, bounds.dropFirst()).map { bytes[$0..<$1] }
        }
    }
}

/// Drives the parser the way the event loop does: append what arrived, parse until no event,
/// drop what was consumed. Slices handed to the parser usually do not start at index 0, as in
/// the event loop, which compacts its buffer only when new bytes arrive.
func drive(_ bytes: [UInt8], feed: Feed, limits: HTTP1Limits = HTTP1Limits()) -> Transcript {
    var parser = HTTP1RequestParser(limits: limits)
    var transcript = Transcript()
    var buffer: [UInt8] = []
    var readIndex = 0
    // Generous bound on calls: a parser that stops consuming must fail the test, not hang it.
    var callsLeft = 4 * bytes.count + 100
    for piece in feed.pieces(of: bytes) {
        buffer.removeFirst(readIndex)
        readIndex = 0
        buffer.append(contentsOf: piece)
        while callsLeft > 0 {
            callsLeft -= 1
            let result: (event: HTTP1ParseEvent?, consumed: Int)
            do {
                result = try parser.parse(buffer[readIndex...])
            } catch {
                transcript.error = error
                return transcript
            }
            #expect(result.consumed >= 0 && result.consumed <= buffer.count - readIndex)
            readIndex += result.consumed
            guard let event = result.event else { break }
            record(event, in: &transcript)
        }
    }
    #expect(callsLeft > 0, "parser kept returning events without making progress")
    transcript.leftover = buffer.count - readIndex
    return transcript
}

private func record(_ event: HTTP1ParseEvent, in transcript: inout Transcript) {
    let current = transcript.requests.indices.last
    let isOpen = current.map { !transcript.requests[$0].ended } ?? false
    switch event {
    case .head(let head):
        #expect(!isOpen, "head before the previous request ended")
        transcript.requests.append(ParsedRequest(head))
    case .body(let bytes):
        #expect(!bytes.isEmpty, "empty body event")
        #expect(isOpen, "body outside a request")
        if let current, isOpen { transcript.requests[current].bodyBytes += bytes }
    case .end:
        #expect(isOpen, "end outside a request")
        if let current, isOpen { transcript.requests[current].ended = true }
    }
}

/// The UTF-8 bytes of `text`; rows read best as strings with explicit "\r\n".
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
