/// `Server-Timing: gateway;dur=<ms>, upstream;dur=<ms>` (spec §2), so a client sees how much of
/// the answer's time the gateway itself took.
public enum ServerTiming {
    public static func header(since started: ContinuousClock.Instant, upstreamMilliseconds: Double) -> String {
        "gateway;dur=\(milliseconds(since: started)), upstream;dur=\(milliseconds(micros: Int64((upstreamMilliseconds * 1000).rounded())))"
    }

    /// The time since `started`, as `milliseconds(micros:)` writes it.
    public static func milliseconds(since started: ContinuousClock.Instant) -> String {
        let d = ContinuousClock.now - started
        return milliseconds(micros: d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000)
    }

    /// "1.234" from 1234 µs: fixed-point, because formatting a Double costs more than the rest
    /// of a cached answer.
    public static func milliseconds(micros: Int64) -> String {
        let m = max(0, micros)
        let frac = m % 1000
        let fracText = frac < 10 ? "00\(frac)" : frac < 100 ? "0\(frac)" : "\(frac)"
        return "\(m / 1000).\(fracText)"
    }
}
