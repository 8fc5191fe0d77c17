/// Where the Redis queue keeps its state. Every key starts with `pattern:`, like the cache's.
///
/// - `pattern:queue:{model}`: a stream of `id` (job id) and `n` (its text count) entries, read
///   by the consumer group `workers`. Only unfinished jobs have an entry: finishing deletes it.
/// - `pattern:batch:{id}`: the job's hash (see `RedisJobFields`), expiring `resultRetention`
///   after it finishes.
/// - `pattern:counts:{model}`: a hash of `queued` and `processing` counters, kept by the scripts
///   in the same step as each state change, so counts and the queue limit are O(1).
/// - `pattern:completed:{model}`, `pattern:failed:{model}`: finished job ids scored by finish time
///   (ms); counted from `now - retention`, so counts drop when records expire, as embedded ones do.
enum RedisQueueKeys {
    static let group = "workers"

    static func stream(_ model: String) -> String { "pattern:queue:\(model)" }
    static func job(_ id: String) -> String { "pattern:batch:\(id)" }
    static func counts(_ model: String) -> String { "pattern:counts:\(model)" }
    static func completed(_ model: String) -> String { "pattern:completed:\(model)" }
    static func failed(_ model: String) -> String { "pattern:failed:\(model)" }
}
