import GatewayCore
import JSON

/// A `POST /v1/embeddings` body (spec §8): `model`, `input` (a string or an array of strings),
/// `encoding_format` (`float` or `base64`), `dimensions` (only the model's own size) and `user`
/// (ignored). Token arrays are refused: the nine models do not share OpenAI's tokenizers, so the
/// numbers would mean nothing to them.
struct OpenAIEmbeddingsRequest: Sendable, Equatable {
    enum Encoding: String, Sendable {
        case float
        /// Each vector as its little-endian float32 bytes, base64-encoded: a third of the size.
        case base64
    }

    var model: String
    var texts: [String]
    /// `input` was one string rather than an array.
    var single: Bool
    var encoding: Encoding
    var dimensions: Int?

    static func decode(_ body: [UInt8]) throws(GatewayError) -> OpenAIEmbeddingsRequest {
        var model: String?
        var input: (texts: [String], single: Bool)?
        var encoding = Encoding.float
        var dimensions: Int?
        try JSONBody.members(body) { key, r in
            switch key {
            case "model":
                model = try OpenAIFieldReader.string(&r, "model")
            case "input":
                input = try texts(&r)
            case "encoding_format":
                switch try r.next() {
                case .null: encoding = .float
                case .string(let s) where Encoding(rawValue: s) != nil: encoding = Encoding(rawValue: s)!
                default: throw GatewayError.invalid("encoding_format must be \"float\" or \"base64\"", field: "encoding_format")
                }
            case "dimensions":
                dimensions = try OpenAIFieldReader.optionalInt(&r, "dimensions")
            default:
                try r.skipValue()
            }
        }
        guard let model else { throw .invalid("model is required", field: "model") }
        guard let input else { throw .invalid("input is required", field: "input") }
        guard !input.texts.isEmpty else { throw .invalid("input must not be empty", field: "input") }
        for (i, t) in input.texts.enumerated() where t.isEmpty {
            throw .invalid(input.single ? "input must not be empty" : "input[\(i)] must not be empty",
                           field: input.single ? "input" : "input[\(i)]")
        }
        return OpenAIEmbeddingsRequest(model: model, texts: input.texts, single: input.single, encoding: encoding,
                                       dimensions: dimensions)
    }

    private static func texts(_ r: inout JSONReader) throws -> (texts: [String], single: Bool) {
        switch try r.next() {
        case .string(let s):
            return ([s], true)
        case .beginArray:
            var list: [String] = []
            while true {
                let field = "input[\(list.count)]"
                switch try r.next() {
                case .endArray: return (list, false)
                case .string(let s): list.append(s)
                case .number, .beginArray: throw tokenArrays(field: list.isEmpty ? "input" : field)
                default: throw GatewayError.invalid("\(field) must be a string", field: field)
                }
            }
        default:
            throw GatewayError.invalid("input must be a string or an array of strings", field: "input")
        }
    }

    private static func tokenArrays(field: String) -> GatewayError {
        .unsupported("token arrays are not supported: send input as text (a string or an array of strings); the "
                     + "gateway's models do not share OpenAI's tokenizers", field: field)
    }
}
