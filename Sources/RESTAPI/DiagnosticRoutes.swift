import GatewayCore
import GatewayHTTP
import JSON
import Synchronization

/// Routes for the live tests, off unless `--diagnostics` is given: a slow answer (to have
/// requests in flight during a shutdown or a stream reset), an echo (to move bodies both ways),
/// counters that show whether a reset really cancelled the handler's work, and the search body
/// decoder on its own (to measure and test the parse of a 384-float body apart from any store).
/// Runs on: the request's handler task (see `RESTRouter`).
struct DiagnosticRoutes: Sendable {
    static let maxSleepMilliseconds = 60_000

    final class Counters: Sendable {
        let started = Atomic<Int>(0)
        let completed = Atomic<Int>(0)
        let cancelled = Atomic<Int>(0)
    }

    let counters = Counters()

    func sleep(_ request: Request, _ context: RequestContext) async -> Reply {
        let given = QueryString.value("ms", in: request.head.query)
        let ms = given.map { Int($0) ?? -1 } ?? 100
        guard ms >= 0, ms <= Self.maxSleepMilliseconds else {
            return .error(.invalidArgument("ms must be between 0 and \(Self.maxSleepMilliseconds)", field: "ms"), context)
        }
        counters.started.add(1, ordering: .relaxed)
        do {
            try await Task.sleep(for: .milliseconds(ms))
        } catch {
            counters.cancelled.add(1, ordering: .relaxed)
            return .error(APIError(code: "unavailable", message: "cancelled"), context)
        }
        counters.completed.add(1, ordering: .relaxed)
        return .json(200, "{\"slept_ms\":\(ms)}")
    }

    func stats(_ request: Request, _ context: RequestContext) async -> Reply {
        let c = counters
        return .json(200, "{\"sleeps_started\":\(c.started.load(ordering: .relaxed)),\"sleeps_completed\":\(c.completed.load(ordering: .relaxed)),\"sleeps_cancelled\":\(c.cancelled.load(ordering: .relaxed))}")
    }

    func echo(_ request: Request, _ context: RequestContext) async -> Reply {
        do {
            let body = try await request.body.collect(upTo: 64 << 20)
            var r = Reply(status: 200, headers: [:], body: body)
            r.headers.add("Content-Type", request.head.headers["content-type"] ?? "application/octet-stream")
            return r
        } catch {
            return .error(APIError(code: "invalid_argument", message: "request body could not be read"), context)
        }
    }

    /// Answers what was read: the vector's length and Euclidean norm (every element counts toward
    /// it, so a test can check the parse against its own arithmetic), and the other fields.
    func decodeSearch(_ request: Request, _ context: RequestContext) async -> Reply {
        do {
            let body = try await request.routeBody()
            let f = try SearchBodyDecoder.decode(body)
            var w = JSONWriter(capacity: 128)
            w.beginObject()
            if let v = f.queryVector {
                var sum: Double = 0
                for x in v { sum += Double(x) * Double(x) }
                w.key("dimensions"); w.number(v.count)
                w.key("norm"); w.number(sum.squareRoot())
            }
            if let q = f.query { w.key("query"); w.string(q) }
            w.key("limit"); w.number(f.limit)
            w.key("filter_keys"); w.number(f.filter.count)
            if let t = f.scoreThreshold { w.key("score_threshold"); w.number(t) }
            w.endObject()
            return .json(200, w.bytes)
        } catch {
            return .error(APIError(error), context)
        }
    }
}
