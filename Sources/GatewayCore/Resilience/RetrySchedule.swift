/// When to retry a failed upstream attempt: exponential backoff with full jitter
/// (delay uniform in [0, min(maxDelay, baseDelay × 2^(n-1))]), so replicas that failed together
/// are not hit again together. Pure: the caller supplies the randomness and the time left.
public struct RetrySchedule: Sendable, Equatable {
    /// Retries after the first attempt (PATTERN_RETRY_ATTEMPTS).
    public var maxRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxRetries: Int = 3, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(2)) {
        precondition(maxRetries >= 0, "maxRetries must not be negative")
        precondition(baseDelay >= .zero && maxDelay >= .zero, "delays must not be negative")
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before retry number `n` (1 = the first retry), or nil to stop: retries are
    /// spent, or waiting would use up the request's deadline (`remaining`) and leave no time for
    /// the attempt itself. An upstream Retry-After is a floor, not a cap: the server knows when
    /// it will be back.
    public func delay(
        beforeRetry n: Int, retryAfter: Duration?, remaining: Duration,
        random: inout some RandomNumberGenerator
    ) -> Duration? {
        precondition(n >= 1, "retries are numbered from 1")
        guard n <= maxRetries else { return nil }
        let capNs = ceiling(beforeRetry: n).nanosecondsClamped
        var delay = Duration.nanoseconds(capNs > 0 ? Int64.random(in: 0...capNs, using: &random) : 0)
        if let retryAfter, retryAfter > delay { delay = retryAfter }
        guard delay < remaining else { return nil }
        return delay
    }

    /// The upper bound of the jitter range for retry `n`: min(maxDelay, baseDelay × 2^(n-1)).
    public func ceiling(beforeRetry n: Int) -> Duration {
        let base = baseDelay.nanosecondsClamped
        let cap = maxDelay.nanosecondsClamped
        let shift = n - 1
        // Past 62 doublings any positive base exceeds every cap; skip the overflowing multiply.
        guard shift < 62 else { return base == 0 ? .zero : .nanoseconds(cap) }
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << Int64(shift))
        return .nanoseconds(overflow ? cap : min(scaled, cap))
    }

    /// Retry-After as delta-seconds ("120"). HTTP-dates are rare from model servers and would
    /// need the wall clock, so they (and anything else) are ignored: nil.
    public static func parseRetryAfter(_ header: String) -> Duration? {
        var seconds: Int64 = 0
        var sawDigit = false
        var trailingSpace = false
        for byte in header.utf8 {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                if sawDigit { trailingSpace = true }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !trailingSpace else { return nil }
                let (times10, o1) = seconds.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
                guard !o1, !o2 else { return nil }
                seconds = next
                sawDigit = true
            default:
                return nil
            }
        }
        return sawDigit ? .seconds(seconds) : nil
    }

    /// The upstream statuses worth another attempt: the server (or a proxy in front of it) is
    /// overloaded or restarting. Other 4xx/5xx would fail the same way again.
    public static func isRetryable(status: Int) -> Bool {
        status == 502 || status == 503 || status == 504
    }
}
