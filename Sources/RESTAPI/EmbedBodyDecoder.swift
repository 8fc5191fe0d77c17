import GatewayCore
import JSON

/// Reads `{"text": "...", "texts": [...], "urgent": bool, "priority": int, "batch": bool}` with
/// the pull reader (no tree), so a bad field is named exactly and a good body costs little.
enum EmbedBodyDecoder {
    struct Fields {
        var texts: [String] = []
        var single = false
        var urgent: Bool?
        var priority: Int?
        var batch = false
    }

    static func decode(_ body: [UInt8]) throws(GatewayError) -> Fields {
        var f = Fields()
        var sawText = false
        var sawTexts = false
        try JSONBody.members(body) { key, r in
            switch key {
            case "text":
                guard case .string(let s) = try r.next() else { throw GatewayError.invalid("text must be a string", field: "text") }
                f.texts = [s]
                sawText = true
            case "texts":
                f.texts = try JSONBody.strings(&r, field: "texts")
                sawTexts = true
            case "urgent":
                guard case .bool(let b) = try r.next() else { throw GatewayError.invalid("urgent must be true or false", field: "urgent") }
                f.urgent = b
            case "batch":
                guard case .bool(let b) = try r.next() else { throw GatewayError.invalid("batch must be true or false", field: "batch") }
                f.batch = b
            case "priority":
                guard case .number(let n) = try r.next(), let i = n.int else {
                    throw GatewayError.invalid("priority must be an integer", field: "priority")
                }
                f.priority = i
            default:
                try r.skipValue()
            }
        }
        if sawText && sawTexts { throw .invalid("send either text or texts, not both", field: "texts") }
        if !sawText && !sawTexts { throw .invalid("text or texts is required", field: "text") }
        f.single = sawText
        return f
    }
}
