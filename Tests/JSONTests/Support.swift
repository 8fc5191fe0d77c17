@testable import JSON

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A number value from its exact text, for expected trees.
func number(_ text: String) -> JSONValue {
    .number(JSONNumber(text: text)!)
}

func serialized(_ value: JSONValue) -> String {
    String(decoding: JSON.serialize(value), as: UTF8.self)
}

/// Runs a document through the reader to `.end`, returning the tokens or the first error.
func readAllTokens(_ input: [UInt8], limits: JSONLimits = .init()) -> Result<[JSONReader.Token], JSONError> {
    var reader = JSONReader(input, limits: limits)
    var tokens: [JSONReader.Token] = []
    do {
        while true {
            let token = try reader.next()
            tokens.append(token)
            if token == .end { return .success(tokens) }
        }
    } catch {
        return .failure(error)
    }
}

/// SplitMix64: a tiny seeded generator, so generated documents are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
