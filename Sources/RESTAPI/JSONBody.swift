import GatewayCore
import JSON

/// Request bodies as JSON objects, with the spec's 400 (field "body") when they are not one.
enum JSONBody {
    /// Walks the object member by member with the pull reader (no tree): `member` reads or skips
    /// the value of each key. A `GatewayError` it throws passes through as it is, so a decoder
    /// names the exact field; anything the reader rejects is "not valid JSON" with its position.
    static func members(_ body: [UInt8], _ member: (String, inout JSONReader) throws -> Void) throws(GatewayError) {
        do {
            var r = JSONReader(body)
            guard try r.next() == .beginObject else {
                throw GatewayError.invalid("the body must be a JSON object", field: "body")
            }
            while case .key(let key) = try r.next() {
                try member(key, &r)
            }
            guard try r.next() == .end else { throw GatewayError.invalid("unexpected data after the JSON object", field: "body") }
        } catch let e as GatewayError {
            throw e
        } catch let e as JSONError {
            throw GatewayError(.invalidArgument, "the body is not valid JSON: \(e)", details: [("field", "body")])
        } catch {
            throw GatewayError(.invalidArgument, "the body could not be read", details: [("field", "body")])
        }
    }

    /// `[ "...", ... ]`, each element named in the error (`texts[3] must be a string`).
    static func strings(_ r: inout JSONReader, field: String) throws -> [String] {
        guard try r.next() == .beginArray else { throw GatewayError.invalid("\(field) must be an array of strings", field: field) }
        var list: [String] = []
        while true {
            let t = try r.next()
            if t == .endArray { return list }
            guard case .string(let s) = t else {
                throw GatewayError.invalid("\(field)[\(list.count)] must be a string", field: "\(field)[\(list.count)]")
            }
            list.append(s)
        }
    }

    /// Small bodies read as a tree.
    static func object(_ bytes: [UInt8]) throws(GatewayError) -> JSONObject {
        guard let value = try? JSON.parse(bytes), let o = value.objectValue else {
            throw GatewayError(.invalidArgument, "the body must be a JSON object", details: [("field", "body")])
        }
        return o
    }
}
