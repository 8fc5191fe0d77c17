import GatewayCore
import GraphQL
import JSON

/// `Subscription`'s fields (spec §7): each has a subscribe resolver that makes the source stream
/// and an identity resolver, since every event already is the field's value. The state streams
/// poll the core, as gRPC's WatchBatch does: the queue has no change feed in Redis mode, and a
/// poll every `batchPollInterval` costs one lookup.
/// Runs on: the task that reads the subscription (the SSE request's or the WebSocket operation's).
extension GatewayResolvers {
    /// How often `batch(id:)` looks at its job.
    static let batchPollInterval = Duration.milliseconds(100)
    /// `patternStatus` sends at most one message in this time.
    static let statusInterval = Duration.seconds(1)

    static func addSubscriptions(_ map: inout ResolverMap, core: PatternCore, status: StatusValues) {
        for field in ["generate", "batch", "patternStatus"] {
            map["Subscription", field] = { event, _, _ in event }
        }
        map[subscribe: "Subscription", "generate"] = { _, args, info in try await generateStream(core, args, info) }
        map[subscribe: "Subscription", "batch"] = { _, args, _ in
            let id = try args.string("id")
            return watch(every: batchPollInterval) { () async throws -> (value: ResolvedValue, last: Bool) in
                let record = try await coreCall { () async throws(GatewayError) in try await core.batch(id: id) }
                guard let record else { return (.null, true) }
                return (.json(CoreValues.batch(record)), record.state == .completed || record.state == .failed)
            }
        }
        map[subscribe: "Subscription", "patternStatus"] = { _, _, _ in
            watch(every: statusInterval) { () async throws -> (value: ResolvedValue, last: Bool) in
                // The per-model numbers ride in the event, so a change in any of them is a message.
                guard case .object(var value) = status.patternsStatus(await core.patternsStatus()) else {
                    preconditionFailure("CoreValues.patternsStatus makes an object")
                }
                value.set("models", CoreValues.modelStatuses(await core.modelStatus()))
                return (.json(.object(value)), false)
            }
        }
    }

    /// A stream of `read()`'s values: the first at once, then each one that differs from the one
    /// before, looking every `interval`; it ends after a value `read` calls the last. The reads
    /// happen as the stream is read (nothing runs for a subscriber that stopped), and a cancelled
    /// reader ends the stream at its next sleep.
    static func watch(every interval: Duration, _ read: @escaping @Sendable () async throws -> (value: ResolvedValue, last: Bool))
        -> SourceEventStream
    {
        let watcher = ChangeWatcher(interval: interval, read: read)
        return SourceEventStream(unfolding: { try await watcher.next() })
    }
}

/// The state behind `GatewayResolvers.watch`: the last value sent and whether the stream is over.
/// Only the one task reading the stream calls `next`, one call at a time.
final class ChangeWatcher: @unchecked Sendable {
    private let interval: Duration
    private let read: @Sendable () async throws -> (value: ResolvedValue, last: Bool)
    private var sent: JSONValue??
    private var over = false

    init(interval: Duration, read: @escaping @Sendable () async throws -> (value: ResolvedValue, last: Bool)) {
        self.interval = interval
        self.read = read
    }

    func next() async throws -> ResolvedValue? {
        guard !over else { return nil }
        while true {
            if sent != nil {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    over = true  // the reader was cancelled: it wants nothing more
                    return nil
                }
            }
            let (value, last) = try await read()
            let json: JSONValue? = if case .json(let j) = value { j } else { nil }
            if let previous = sent, previous == json, !last { continue }
            sent = .some(json)
            over = last
            return value
        }
    }
}
