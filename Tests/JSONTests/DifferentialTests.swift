import Foundation
import Testing

@testable import JSON
import GatewayTestSupport

/// Compares the parser with Python's json module on generated documents. Python is run once for
/// the whole batch; documents travel hex-encoded, one per line, so no byte is ever reinterpreted.
@Suite("Differential against Python's json")
struct DifferentialTests {
    /// Python's json is laxer than RFC 8259 in three ways, closed here: NaN/Infinity (a
    /// parse_constant that raises), duplicate keys (an object_pairs_hook that raises) and lone
    /// surrogate escapes (rejected after parsing). Input is decoded as strict UTF-8 first.
    static let script = #"""
        import json, sys

        def no_constants(name):
            raise ValueError("constant " + name)

        def unique_pairs(pairs):
            seen = set()
            for key, _ in pairs:
                if key in seen:
                    raise ValueError("duplicate key")
                seen.add(key)
            return dict(pairs)

        def has_surrogate(value):
            if isinstance(value, str):
                return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
            if isinstance(value, list):
                return any(has_surrogate(v) for v in value)
            if isinstance(value, dict):
                return any(has_surrogate(k) or has_surrogate(v) for k, v in value.items())
            return False

        for line in open(sys.argv[1]):
            try:
                text = bytes.fromhex(line.strip()).decode("utf-8")
                value = json.loads(text, parse_constant=no_constants, object_pairs_hook=unique_pairs)
                if has_surrogate(value):
                    raise ValueError("lone surrogate")
            except (ValueError, RecursionError):
                print("ERR")
                continue
            try:
                out = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=False, allow_nan=False)
                print("OK " + out.encode("utf-8").hex())
            except ValueError:
                print("OK")  # accepted, but a number overflowed to infinity, which JSON cannot print
        """#

    enum Verdict {
        case rejected
        /// Python's re-serialization, or nil when a number became infinite (1e999), which
        /// Python accepts but cannot write back as JSON.
        case accepted([UInt8]?)
    }

    static func python(_ documents: [[UInt8]]) throws -> [Verdict] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("json-differential-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputFile = directory.appendingPathComponent("documents.hex")
        let lines = documents.map { $0.map { String(format: "%02x", $0) }.joined() }
        try (lines.joined(separator: "\n") + "\n").write(to: inputFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, inputFile.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        let results = String(decoding: data, as: UTF8.self).split(separator: "\n").map { line -> Verdict in
            if line == "ERR" { return .rejected }
            return .accepted(line.hasPrefix("OK ") ? hexDecode(line.dropFirst(3)) : nil)
        }
        #expect(results.count == documents.count)
        return results
    }

    static func hexDecode(_ hex: Substring) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }

    /// Number text differs between implementations (Python prints 1E+2 as 100.0), so both sides
    /// are compared with integers as written (minus the sign of -0) and other numbers as the
    /// text of their double.
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let number):
            if number.isInteger { return number.text == "-0" ? 0 : value }
            return .number(JSONNumber(number.double)!)
        case .array(let elements):
            return .array(elements.map(canonical))
        case .object(let object):
            return .object(JSONObject(object.fields.map { (key: $0.key, value: canonical($0.value)) }))
        default:
            return value
        }
    }

    @Test("300 generated documents: same tree as Python, and as the generator intended")
    func validDocuments() throws {
        var generator = DocumentGenerator(seed: 2024)
        var documents: [[UInt8]] = []
        var intended: [JSONValue] = []
        var integerOnly: [Bool] = []
        for index in 0..<300 {
            generator.integersOnly = index % 3 == 0
            let (text, value) = generator.document()
            documents.append(bytes(text))
            intended.append(value)
            integerOnly.append(generator.integersOnly)
        }
        let verdicts = try Self.python(documents)
        try #require(verdicts.count == documents.count)
        for index in documents.indices {
            let ours = try JSON.parse(documents[index])
            #expect(ours == intended[index])
            guard case .accepted(let theirs?) = verdicts[index] else {
                Issue.record("Python rejected \(String(decoding: documents[index], as: UTF8.self))")
                continue
            }
            #expect(Self.canonical(try JSON.parse(theirs)) == Self.canonical(ours))
            if integerOnly[index] {
                // Without floats both serializers must agree byte for byte, escapes included.
                #expect(JSON.serialize(ours) == theirs)
            }
        }
    }

    /// Bytes that matter to the grammar, plus invalid UTF-8 and control characters.
    static let interestingBytes =
        Array(#",:[]{}"\/u0123456789-+.eEtfnaxD "#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xEF, 0xFF]

    static func mutate(_ document: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = document
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0...bytes.count, using: &random)
            let byte = interestingBytes.randomElement(using: &random)!
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where position < bytes.count: bytes.remove(at: position)
            case 1 where position < bytes.count: bytes[position] = byte
            case 2 where position < bytes.count:
                let end = min(bytes.count, position + Int.random(in: 1...6, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default: bytes.insert(byte, at: position)
            }
        }
        return bytes
    }

    @Test("120 mutated documents: accepted or rejected exactly when Python does")
    func mutatedDocuments() throws {
        var generator = DocumentGenerator(seed: 99)
        var random = SeededGenerator(seed: 5)
        let documents = (0..<120).map { _ in Self.mutate(bytes(generator.document().text), using: &random) }
        let verdicts = try Self.python(documents)
        try #require(verdicts.count == documents.count)
        var rejected = 0
        for (document, verdict) in zip(documents, verdicts) {
            let ours = try? JSON.parse(document)
            let shown = document.map { String(format: "%02x", $0) }.joined()
            let pythonAccepted = if case .accepted = verdict { true } else { false }
            #expect((ours != nil) == pythonAccepted, "document \(shown)")
            if let ours, case .accepted(let theirs?) = verdict {
                #expect(Self.canonical(try JSON.parse(theirs)) == Self.canonical(ours), "document \(shown)")
            }
            if ours == nil { rejected += 1 }
        }
        // The mix should exercise both sides.
        #expect(rejected > 30 && rejected < 115)
    }
}
