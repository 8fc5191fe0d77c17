/// `batch_{model}_{yyyyMMdd_HHmmss}_{8 hex}`: readable, sortable by time, unique even for two
/// requests in the same second (32 random bits).
public enum BatchID {
    public static func make(model: String, at time: UnixTime) -> String {
        var rng = SystemRandomNumberGenerator()
        let suffix = String(UInt32.random(in: .min ... .max, using: &rng), radix: 16)
        let padded = String(repeating: "0", count: 8 - suffix.count) + suffix
        return "batch_\(model)_\(UTCDateTime(time).compactStamp)_\(padded)"
    }

    /// A request line's job in a batch of requests: the same every time it is made, so a
    /// coordinator that restarts after a crash finds the jobs it already queued instead of
    /// queueing them twice.
    public static func forLine(model: String, batch: String, line: Int, at time: UnixTime) -> String {
        let suffix = batch.filter { $0.isLetter || $0.isNumber }
        return "batch_\(model)_\(UTCDateTime(time).compactStamp)_\(suffix)l\(line)"
    }
}
