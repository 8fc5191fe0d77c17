import Testing
import Upstream
@testable import GatewayCore

@Suite("Retry policy: Envoy's retry_on words")
struct RetryPolicyTests {
    @Test("statuses under the default policy (connect-failure, reset, 5xx, retriable-status-codes: 429)", arguments: [
        (500, true), (502, true), (503, true), (504, true), (501, true), (429, true),
        (400, false), (401, false), (403, false), (404, false), (408, false), (409, false), (413, false), (422, false),
    ])
    func defaultStatuses(_ status: Int, _ retried: Bool) {
        #expect(RetryPolicy().retries(status: status) == retried)
    }

    @Test("transport failures under the default policy", arguments: [
        (UpstreamError.Kind.connect, true), (.reset, true), (.timeout, true),
        (.cancelled, false), (.tooLarge, false), (.transport, false),
    ])
    func defaultKinds(_ kind: UpstreamError.Kind, _ retried: Bool) {
        #expect(RetryPolicy().retries(kind) == retried)
    }

    @Test func gatewayErrorAloneLeavesA500Alone() {
        let p = RetryPolicy(conditions: [.gatewayError], retriableStatusCodes: [429])
        #expect(!p.retries(status: 500))
        #expect(p.retries(status: 503))
        #expect(!p.retries(status: 429))  // retriable-status-codes is not on
        #expect(p.retries(.connect))
        #expect(!p.retries(.reset))
    }

    @Test func a4xxIsNeverRetriedEvenWhenListed() {
        let p = RetryPolicy(conditions: [.retriableStatusCodes], retriableStatusCodes: [404, 408, 429])
        #expect(!p.retries(status: 404))
        #expect(p.retries(status: 408))
        #expect(p.retries(status: 429))
        #expect(!p.retries(status: 500))
    }

    @Test func nothingConfiguredRetriesNothing() {
        let p = RetryPolicy(conditions: [], retriableStatusCodes: [429])
        for status in [429, 500, 503] { #expect(!p.retries(status: status)) }
        for kind in [UpstreamError.Kind.connect, .reset, .timeout] { #expect(!p.retries(kind)) }
    }

    @Test func wordsParseAndPrintBack() throws {
        guard case .success(let c) = RetryPolicy.conditions(["5xx", " Reset", "connect-failure", ""]) else {
            Issue.record("known words must parse"); return
        }
        #expect(c == [.fiveXX, .reset, .connectFailure])
        #expect(RetryPolicy(conditions: c).description == "5xx,connect-failure,reset")
        guard case .failure(let e) = RetryPolicy.conditions(["5xx", "retriable-4xx"]) else {
            Issue.record("an unknown word must be named"); return
        }
        #expect(e.word == "retriable-4xx")
    }
}
