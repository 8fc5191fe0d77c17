import JSON

/// Reads a Batch API input file (JSONL, one request per line:
/// `{"custom_id","method":"POST","url","body":{...}}`) and checks what makes the whole batch
/// invalid: a line that is not a JSON object, a missing or repeated `custom_id`, a method other
/// than POST, a `url` other than the batch's endpoint, a `body` that is not an object, too many
/// lines, no line at all. Each problem names its line (1-based). Whether a body is a valid request
/// is decided per line later: such a line fails alone. No I/O.
/// Runs on: whichever task reads the file (the batch coordinator's, never an event loop).
public enum BatchInputParser {
    public struct Line: Sendable, Equatable {
        /// 1-based, counting blank lines too, as an editor would.
        public var number: Int
        public var customID: String
        /// The request body, re-serialized.
        public var body: [UInt8]
    }

    public struct Limits: Sendable, Equatable {
        public var maxLines: Int
        public var maxLineBytes: Int

        public init(maxLines: Int = 50_000, maxLineBytes: Int = 1 << 20) {
            self.maxLines = maxLines
            self.maxLineBytes = maxLineBytes
        }
    }

    public enum Outcome: Sendable, Equatable {
        case lines([Line])
        /// Every problem found, at most `reportAtMost` (a huge broken file must not make a huge
        /// batch object).
        case invalid([BatchObject.LineError])
    }

    public static func parse(_ bytes: [UInt8], endpoint: String, limits: Limits = Limits(),
                             reportAtMost: Int = 100) -> Outcome {
        var lines: [Line] = []
        var errors: [BatchObject.LineError] = []
        var seen: Set<String> = []
        var number = 0
        var requests = 0
        func problem(_ code: String, _ message: String, _ param: String? = nil) {
            if errors.count < reportAtMost { errors.append(.init(code: code, message: message, line: number, param: param)) }
        }
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var text = raw
            if text.last == UInt8(ascii: "\r") { text = text.dropLast() }
            if text.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            requests += 1
            guard requests <= limits.maxLines else {
                problem("too_many_lines", "the file has more than \(limits.maxLines) requests")
                break
            }
            guard text.count <= limits.maxLineBytes else {
                problem("line_too_long", "line \(number) is longer than \(limits.maxLineBytes) bytes")
                continue
            }
            guard let value = try? JSON.parse(Array(text)), let object = value.objectValue else {
                problem("invalid_json_line", "line \(number) is not a JSON object")
                continue
            }
            guard let customID = object["custom_id"]?.stringValue, !customID.isEmpty else {
                problem("missing_required_parameter", "line \(number) has no custom_id string", "custom_id")
                continue
            }
            guard seen.insert(customID).inserted else {
                problem("duplicate_custom_id", "line \(number) repeats custom_id \(customID)", "custom_id")
                continue
            }
            guard object["method"]?.stringValue == "POST" else {
                problem("invalid_method", "line \(number): method must be POST", "method")
                continue
            }
            guard let url = object["url"]?.stringValue, url == endpoint else {
                problem("mismatched_endpoint", "line \(number): url must be the batch's endpoint \(endpoint)", "url")
                continue
            }
            guard let body = object["body"], body.objectValue != nil else {
                problem("invalid_body", "line \(number): body must be an object", "body")
                continue
            }
            lines.append(Line(number: number, customID: customID, body: JSON.serialize(body)))
        }
        if errors.isEmpty && lines.isEmpty {
            number = 0
            errors.append(.init(code: "empty_file", message: "the file holds no request"))
        }
        return errors.isEmpty ? .lines(lines) : .invalid(errors)
    }
}
