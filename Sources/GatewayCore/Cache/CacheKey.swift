/// Cache keys: `pattern:{model}:{operation}:{sha256 hex of the canonical input}`. The model is in
/// clear so one model's entries can be dropped by prefix (L1 `removeAll(prefix:)`, Redis SCAN
/// MATCH); the input is hashed so keys stay short whatever the body size.
public enum CacheKey {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex of the SHA-256 of `bytes`, 64 characters.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(bytes))
    }

    /// `pattern:{model}:embed:{sha256 hex}`. The model must be the canonical name (`yi34b`, not
    /// the alias) so both spellings share entries.
    public static func embedKey(model: String, canonicalInput: [UInt8]) -> String {
        key(model: model, operation: "embed", canonicalInput: canonicalInput)
    }

    /// The same shape for other cached operations (e.g. "search").
    public static func key(model: String, operation: String, canonicalInput: [UInt8]) -> String {
        "pattern:\(model):\(operation):\(sha256Hex(canonicalInput))"
    }

    /// `pattern:{model}:`: every key of one model, and of no other (the colon stops `phi3`
    /// from matching `phi3x`).
    public static func modelPrefix(_ model: String) -> String {
        "pattern:\(model):"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (i, byte) in bytes.enumerated() {
                buffer[2 * i] = hexDigits[Int(byte >> 4)]
                buffer[2 * i + 1] = hexDigits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }
}
