import JSON

/// How each server words a failed call.
enum ErrorBodies {
    /// vLLM's error object: the body of an error answer, and the `error` of a mid-stream event.
    static func vLLMObject(_ message: String, status: Int) -> JSONObject {
        let type = switch status {
        case 400: "BadRequestError"
        case 404: "NotFoundError"
        case 429: "RateLimitError"
        case 500: "InternalServerError"
        default: "ServiceUnavailableError"
        }
        return ["object": "error", "message": .string(message), "type": .string(type), "param": .null,
                "code": .number(JSONNumber(status))]
    }

    static func vLLM(_ message: String, status: Int) -> [UInt8] {
        JSON.serialize(.object(vLLMObject(message, status: status)))
    }

    /// Ollama's `{"error": "…"}`: its error body, and a failed stream's last line.
    static func ollama(_ message: String) -> [UInt8] {
        JSON.serialize(["error": .string(message)])
    }
}
