/// Decides, per request, which path a model's pattern takes (spec §1).
public struct PatternRouter: Sendable, Equatable {
    public enum Path: Sendable, Equatable {
        case realTime
        case queue
    }

    /// `priority` at or above this makes a hybrid request urgent.
    public var urgentThreshold: Int

    public init(urgentThreshold: Int = 5) {
        self.urgentThreshold = urgentThreshold
    }

    public func isUrgent(urgent: Bool?, priority: Int?) -> Bool {
        urgent == true || (priority.map { $0 >= urgentThreshold } ?? false)
    }

    /// real_time always answers now, bulk_only always queues, hybrid answers now when urgent.
    /// `batch: true` asks a hybrid model to queue even an urgent request.
    public func path(for pattern: IntegrationPattern, urgent: Bool, batch: Bool = false) -> Path {
        switch pattern {
        case .realTime: .realTime
        case .bulkOnly: .queue
        case .hybrid: urgent && !batch ? .realTime : .queue
        }
    }
}
