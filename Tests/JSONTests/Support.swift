@testable import JSON
import GatewayTestSupport

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

typealias SeededGenerator = SplitMix64

