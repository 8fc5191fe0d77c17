import GatewayCore
import JSON
import Synchronization

/// `CoreValues.patternsStatus` and `CoreValues.queueStatus` remembered for the last report of
/// each: a dashboard polls both many times a second while they rarely change, and building and
/// freeing the trees costs more than comparing two reports. The tree is a function of the report
/// alone, so an equal report gets the same answer it would have got anyway.
final class StatusValues: Sendable {
    private let patterns = Mutex<(report: PatternsStatusReport, value: JSONValue)?>(nil)
    private let queue = Mutex<(report: QueueStatusReport, value: JSONValue)?>(nil)

    func patternsStatus(_ report: PatternsStatusReport) -> JSONValue {
        if let last = patterns.withLock({ $0 }), last.report == report { return last.value }
        let value = CoreValues.patternsStatus(report)
        patterns.withLock { $0 = (report, value) }
        return value
    }

    func queueStatus(_ report: QueueStatusReport) -> JSONValue {
        if let last = queue.withLock({ $0 }), last.report == report { return last.value }
        let value = CoreValues.queueStatus(report)
        queue.withLock { $0 = (report, value) }
        return value
    }
}
