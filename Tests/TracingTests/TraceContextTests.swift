import Testing
@testable import Tracing

@Suite struct TraceContextTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func parsesTheSpecExample() throws {
        let t = try #require(TraceContext.parse(Self.valid))
        #expect(t.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(t.parentID == 0x00f0_67aa_0ba9_02b7)
        #expect(t.flags == 1)
        #expect(t.traceparent == Self.valid)
    }

    @Test(arguments: [
        ("uppercase trace id", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"),
        ("uppercase version", "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ("short trace id", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"),
        ("long trace id", "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01"),
        ("short parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01"),
        ("short flags", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"),
        ("zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        ("zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
        ("version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ("version 00 with more fields", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"),
        ("future version glued field", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"),
        ("wrong separator", "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ("inner space", "00-4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7-01"),
        ("non-hex", "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"),
        ("plus sign", "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        ("empty", ""),
    ])
    func refuses(_ name: String, _ header: String) {
        #expect(TraceContext.parse(header) == nil, "\(name)")
    }

    @Test(arguments: [
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "  00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\t",
    ])
    func acceptsFutureVersionsAndOuterWhitespace(_ header: String) throws {
        let t = try #require(TraceContext.parse(header))
        // Sent on as version 00, whatever came in.
        #expect(t.traceparent == Self.valid)
    }

    @Test func childKeepsTraceAndFlagsUnderANewSpan() throws {
        let parent = TraceContext.from(traceparent: Self.valid, tracestate: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        let a = parent.child(), b = parent.child()
        #expect(a.traceID == parent.traceID && b.traceID == parent.traceID)
        #expect(a.flags == 1)
        #expect(a.parentID != parent.parentID && a.parentID != b.parentID && a.parentID != 0)
        #expect(a.state == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE")
        let fields = a.traceparent.split(separator: "-")
        #expect(fields.count == 4 && fields[2].count == 16)
        #expect(TraceContext.parse(a.traceparent) == TraceContext(traceHigh: a.traceHigh, traceLow: a.traceLow,
                                                                    parentID: a.parentID, flags: 1, state: nil))
    }

    @Test func absentOrInvalidStartsAFreshTraceAndDropsTheState() throws {
        let none = TraceContext.from(traceparent: nil, tracestate: "a=1")
        let bad = TraceContext.from(traceparent: "00-XYZ", tracestate: "a=1")
        for t in [none, bad] {
            #expect(t.state == nil)
            #expect(t.flags == 0)
            #expect(TraceContext.parse(t.traceparent) != nil)
        }
        #expect(none.traceID != bad.traceID)
    }

    @Test(arguments: [
        ("a=1", true), ("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", true), ("a=1,,b=2", true), ("a=1, b=2", true),
        ("", false), ("novalue", false), ("=x", false), ("a=1,bad", false), ("a=\u{1}", false),
    ])
    func tracestateIsKeptOnlyWhenPlausible(_ state: String, _ kept: Bool) {
        let t = TraceContext.from(traceparent: Self.valid, tracestate: state)
        #expect((t.state == state) == kept)
    }

    @Test func tracestateOfMoreThan32MembersIsDropped() {
        let members = (0..<33).map { "k\($0)=v" }
        #expect(TraceContext.from(traceparent: Self.valid, tracestate: members.dropLast().joined(separator: ",")).state != nil)
        #expect(TraceContext.from(traceparent: Self.valid, tracestate: members.joined(separator: ",")).state == nil)
    }
}
