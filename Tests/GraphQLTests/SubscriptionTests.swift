import JSON
import Synchronization
import Testing

@testable import GraphQL

/// Subscribe (spec §6.2.3): CreateSourceEventStream's errors as one result without data, each
/// event executed as the root value of the selection set, a failing source as one thrown error,
/// and a reader that stops dropping the source.
@Suite("Executor: subscriptions")
struct SubscriptionTests {
    static let sdl = """
        type Query { a: Int }
        type Subscription {
          ticks(n: Int!): Tick!
          maybe(n: Int!): Tick
          refused(code: String = "permission_denied"): Int
          failsAfter(n: Int!): Tick
          unwired: Int
          endless: Int
        }
        type Tick { n: Int! double: Int! label: String strict: String! }
        """

    /// Records whether the `endless` stream was terminated (its reader stopped).
    final class Probe: Sendable {
        let terminated = Atomic<Bool>(false)
    }

    static func executor(_ probe: Probe = Probe()) throws -> Executor {
        var map = ResolverMap()
        for field in ["ticks", "maybe", "failsAfter", "endless"] {
            map["Subscription", field] = { event, _, _ in event }
        }
        map["Tick", "double"] = { parent, _, _ in
            .json(.number(JSONNumber(2 * (ExecutionContext.jsonObject(of: parent)?["n"]?.intValue ?? 0))))
        }
        map["Tick", "label"] = { _, _, _ in throw FieldError("no label", code: "upstream_error") }
        map["Tick", "strict"] = { _, _, _ in throw FieldError("strict failed", code: "internal") }
        map[subscribe: "Subscription", "ticks"] = { _, args, _ in
            let n = args["n"]?.intValue ?? 0
            return SourceEventStream { c in
                for i in 0..<n { c.yield(.json(["n": .number(JSONNumber(i))])) }
                c.finish()
            }
        }
        map[subscribe: "Subscription", "maybe"] = map[subscribe: "Subscription", "ticks"]
        map[subscribe: "Subscription", "refused"] = { _, args, _ in
            throw FieldError("no entry", code: args["code"]?.stringValue ?? "?")
        }
        map[subscribe: "Subscription", "failsAfter"] = { _, args, _ in
            let n = args["n"]?.intValue ?? 0
            return SourceEventStream { c in
                for i in 0..<n { c.yield(.json(["n": .number(JSONNumber(i))])) }
                c.finish(throwing: FieldError("the upstream broke off", code: "upstream_error"))
            }
        }
        map[subscribe: "Subscription", "endless"] = { _, _, _ in
            SourceEventStream { c in
                c.onTermination = { _ in probe.terminated.store(true, ordering: .relaxed) }
                c.yield(.json(1))
                // Never finishes: only a reader that goes away ends it.
            }
        }
        return Executor(schema: try SchemaBuilder.build(sdl: sdl), resolvers: map)
    }

    static func subscribe(_ executor: Executor, _ query: String, variables: JSONObject? = nil) async throws
        -> SubscriptionResult
    {
        let document = try Parser.parse(query)
        #expect(Validator.validate(document, schema: executor.schema).isEmpty)
        let prepared = try executor.prepare(document: document, operationName: nil)
        return await executor.subscribe(prepared: prepared, variables: variables, context: 0)
    }

    /// Every result of the stream as response JSON; `thrown` is the error that ended it, if any.
    static func drain(_ result: SubscriptionResult) async throws -> (results: [JSONValue], thrown: GraphQLError?) {
        guard case .stream(let stream) = result else {
            Issue.record("expected a stream, got \(result)")
            return ([], nil)
        }
        var events = stream.makeIterator()
        var results: [JSONValue] = []
        do throws(GraphQLError) {
            while let r = try await events.next() { results.append((try? JSON.parse(r.json())) ?? .null) }
        } catch {
            return (results, error)
        }
        return (results, nil)
    }

    @Test("each event is the root value of one execution of the selection set, aliases and fragments included")
    func eachEventIsExecuted() async throws {
        let result = try await Self.subscribe(
            try Self.executor(), "subscription S($n: Int!) { t: ticks(n: $n) { ...F double } } fragment F on Tick { n }",
            variables: ["n": 3])
        let (results, thrown) = try await Self.drain(result)
        #expect(thrown == nil)
        #expect(results == [0, 1, 2].map { i in ["data": ["t": ["n": .number(JSONNumber(i)), "double": .number(JSONNumber(2 * i))]]] })
    }

    @Test("field errors in an event are that event's errors; a non-null one nulls up to the nearest nullable field")
    func fieldErrorsPerEvent() async throws {
        let (results, _) = try await Self.drain(
            try await Self.subscribe(try Self.executor(), "subscription { maybe(n: 2) { n label } }"))
        #expect(results.count == 2)
        #expect(results[1]["data"] == ["maybe": ["n": 1, "label": nil]])
        #expect(results[1]["errors"]?[0]?["message"] == "no label")
        #expect(results[1]["errors"]?[0]?["path"] == ["maybe", "label"])
        let (strict, _) = try await Self.drain(
            try await Self.subscribe(try Self.executor(), "subscription { maybe(n: 1) { strict } }"))
        #expect(strict == [["errors": [["message": "strict failed", "locations": [["line": 1, "column": 30]],
                                        "path": ["maybe", "strict"], "extensions": ["code": "internal"]]],
                            "data": ["maybe": nil]]])
        let (root, _) = try await Self.drain(
            try await Self.subscribe(try Self.executor(), "subscription { ticks(n: 1) { strict } }"))
        #expect(root.first?["data"] == .null)
    }

    @Test("a subscribe resolver that throws fails the subscription with one located error and no data")
    func subscribeResolverError() async throws {
        let result = try await Self.subscribe(try Self.executor(), "subscription {\n  refused(code: \"not_found\")\n}")
        guard case .failed(let errors) = result else { Issue.record("expected failure"); return }
        #expect(errors.map(\.json) == [["message": "no entry", "locations": [["line": 2, "column": 3]], "path": ["refused"],
                                        "extensions": ["code": "not_found"]]])
    }

    @Test("variables that do not coerce are request errors; a field with no subscribe resolver is graphql-js's error")
    func requestErrors() async throws {
        let e = try Self.executor()
        guard case .failed(let errors) = try await Self.subscribe(e, "subscription S($n: Int!) { ticks(n: $n) { n } }") else {
            Issue.record("expected failure"); return
        }
        #expect(errors.count == 1 && errors[0].message.contains("$n"))
        guard case .failed(let unwired) = try await Self.subscribe(e, "subscription { unwired }") else {
            Issue.record("expected failure"); return
        }
        #expect(unwired.map(\.message) == ["Subscription field must return Async Iterable. Received: undefined."])
        let query = try e.prepare(document: try Parser.parse("{ a }"), operationName: nil)
        guard case .failed = await e.subscribe(prepared: query, variables: nil, context: 0) else {
            Issue.record("a query is not subscribed to"); return
        }
    }

    @Test("a source stream that fails ends the response stream with that error, located at the root field")
    func sourceFailure() async throws {
        let (results, thrown) = try await Self.drain(
            try await Self.subscribe(try Self.executor(), "subscription { f: failsAfter(n: 2) { n } }"))
        #expect(results.count == 2)
        #expect(thrown?.json == ["message": "the upstream broke off", "locations": [["line": 1, "column": 16]], "path": ["f"],
                                 "extensions": ["code": "upstream_error"]])
    }

    @Test("a reader that stops drops the source stream, which terminates it")
    func droppingTheReaderTerminatesTheSource() async throws {
        let probe = Probe()
        do {
            let result = try await Self.subscribe(try Self.executor(probe), "subscription { endless }")
            guard case .stream(let stream) = result else { Issue.record("expected a stream"); return }
            var events = stream.makeIterator()
            let first = try await events.next()
            #expect(first.map { try? JSON.parse($0.json()) } == ["data": ["endless": 1]])
        }
        let terminated = probe.terminated.load(ordering: .relaxed)
        #expect(terminated)
    }

    @Test("a cancelled reader ends the stream and terminates the source")
    func cancellingTheReader() async throws {
        let probe = Probe()
        let executor = try Self.executor(probe)
        let reader = Task {
            let result = try await Self.subscribe(executor, "subscription { endless }")
            guard case .stream(let stream) = result else { return -1 }
            var events = stream.makeIterator()
            var count = 0
            while (try await events.next()) != nil { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        #expect(try await reader.value == 1)
        let terminated = probe.terminated.load(ordering: .relaxed)
        #expect(terminated)
    }
}
