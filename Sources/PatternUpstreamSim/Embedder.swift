/// Deterministic embeddings: the same (model, text) always gives the same unit-length vector
/// of the model's size, so tests can compare what the gateway returns with what the simulator
/// would compute, and caches can be checked for exactness.
enum Embedder {
    static func embedding(model: String, text: String, size: Int) -> [Float] {
        var state = seed(model: model, text: text)
        var v = [Float](repeating: 0, count: size)
        var norm: Double = 0
        for i in 0..<size {
            // splitmix64 → a uniform value in (-1, 1); cheap and well spread.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let x = Double(Int64(bitPattern: z)) / Double(Int64.max)
            v[i] = Float(x)
            norm += x * x
        }
        let scale = norm > 0 ? Float(1 / norm.squareRoot()) : 0
        for i in 0..<size { v[i] *= scale }
        return v
    }

    /// FNV-1a over the model name, a separator, and the text.
    static func seed(model: String, text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in model.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        h = (h ^ 0xFF) &* 0x100_0000_01B3
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }
}
