import Upstream

/// Which failed upstream attempts are worth another one, in Envoy's `retry_on` words, and how
/// many retries a request may spend. Pure: the pool asks it about each failure.
///
/// - `5xx`: any 5xx answer, and no answer at all (connect failure, reset, timeout).
/// - `gateway-error`: 502, 503 and 504 only.
/// - `connect-failure`: the connection could not be made.
/// - `reset`: the connection broke or timed out before a whole answer came.
/// - `retriable-status-codes`: the statuses in `retriableStatusCodes` (default 429).
///
/// A 4xx other than 408 and 429 is never retried, whatever the words say: the server refused
/// the request itself and would refuse it again.
public struct RetryPolicy: Sendable, Equatable {
    public struct Condition: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let fiveXX = Condition(rawValue: 1 << 0)
        public static let gatewayError = Condition(rawValue: 1 << 1)
        public static let connectFailure = Condition(rawValue: 1 << 2)
        public static let reset = Condition(rawValue: 1 << 3)
        public static let retriableStatusCodes = Condition(rawValue: 1 << 4)

        /// The configuration words, in the order they are listed back.
        public static let words: [(String, Condition)] = [
            ("5xx", .fiveXX), ("gateway-error", .gatewayError), ("connect-failure", .connectFailure),
            ("reset", .reset), ("retriable-status-codes", .retriableStatusCodes),
        ]
    }

    /// Spec §9's default: `connect-failure, reset, 5xx, retriable-status-codes` with 429.
    public static let defaultConditions: Condition = [.connectFailure, .reset, .fiveXX, .retriableStatusCodes]

    /// Qdrant's: its 500s are answers about the request, so only a gateway's errors are asked again.
    public static func vectorStore(maxRetries: Int) -> RetryPolicy {
        RetryPolicy(conditions: [.gatewayError, .connectFailure, .reset], retriableStatusCodes: [], maxRetries: maxRetries)
    }

    public var conditions: Condition
    public var retriableStatusCodes: Set<Int>
    /// Retries after the first attempt (PATTERN_RETRY_ATTEMPTS unless the model sets its own).
    public var maxRetries: Int

    public init(conditions: Condition = RetryPolicy.defaultConditions, retriableStatusCodes: Set<Int> = [429],
                maxRetries: Int = 3) {
        self.conditions = conditions
        self.retriableStatusCodes = retriableStatusCodes
        self.maxRetries = maxRetries
    }

    /// Whether an answer with `status` is asked again.
    public func retries(status: Int) -> Bool {
        if (400..<500).contains(status), status != 408, status != 429 { return false }
        if conditions.contains(.retriableStatusCodes), retriableStatusCodes.contains(status) { return true }
        if conditions.contains(.fiveXX), (500..<600).contains(status) { return true }
        if conditions.contains(.gatewayError), status == 502 || status == 503 || status == 504 { return true }
        return false
    }

    /// Whether an attempt that got no answer is made again.
    public func retries(_ kind: UpstreamError.Kind) -> Bool {
        switch kind {
        case .connect:
            return !conditions.isDisjoint(with: [.connectFailure, .fiveXX, .gatewayError])
        case .reset, .timeout:
            return !conditions.isDisjoint(with: [.reset, .fiveXX])
        case .cancelled, .tooLarge, .transport:
            return false
        }
    }

    /// The words as configured, comma-separated, for the status pages.
    public var description: String {
        Condition.words.filter { conditions.contains($0.1) }.map(\.0).joined(separator: ",")
    }

    /// Parses `retry_on` ("5xx,reset" or a list of words); nil names the first unknown word.
    public static func conditions(_ words: [String]) -> Result<Condition, UnknownWord> {
        var c: Condition = []
        for raw in words {
            let word = raw.trimmingASCIIWhitespace().lowercased()
            if word.isEmpty { continue }
            guard let found = Condition.words.first(where: { $0.0 == word }) else { return .failure(UnknownWord(word: word)) }
            c.insert(found.1)
        }
        return .success(c)
    }

    public struct UnknownWord: Error, Sendable {
        public var word: String
    }
}
