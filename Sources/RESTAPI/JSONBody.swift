import GatewayCore
import JSON

/// Small bodies read as a tree, with the spec's 400 when they are not a JSON object.
enum JSONBody {
    static func object(_ bytes: [UInt8]) throws(GatewayError) -> JSONObject {
        guard let value = try? JSON.parse(bytes), let o = value.objectValue else {
            throw GatewayError(.invalidArgument, "the body must be a JSON object", details: [("field", "body")])
        }
        return o
    }
}
