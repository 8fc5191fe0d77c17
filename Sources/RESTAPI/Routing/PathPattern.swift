/// A route's path as written in the table, `/v1/models/{model}`: literal segments match
/// themselves exactly (case and percent-encoding included), a `{name}` segment matches any one
/// non-empty segment and hands it to the handler under that name.
struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    let description: String

    init(_ text: String) {
        precondition(text.hasPrefix("/"), "a route pattern starts with /: \(text)")
        description = text
        segments = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { s in
            s.hasPrefix("{") && s.hasSuffix("}") && s.count > 2
                ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
    }

    /// A request path cut at every `/` after the leading one; nil when it does not start with `/`.
    static func split(_ path: String) -> [Substring]? {
        guard path.utf8.first == UInt8(ascii: "/") else { return nil }
        return path.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { Substring($0) }
    }

    /// The parameters when `path` (as `split` cut it) matches, else nil.
    func match(_ path: [Substring]) -> PathParameters? {
        guard path.count == segments.count else { return nil }
        var found = PathParameters()
        for (segment, given) in zip(segments, path) {
            switch segment {
            case .literal(let s):
                guard given == s else { return nil }
            case .parameter(let name):
                guard !given.isEmpty else { return nil }
                found.values.append((name, String(given)))
            }
        }
        return found
    }

    /// Whether some path would match both patterns: the table refuses such pairs for one method,
    /// so the order of its entries never decides which route answers.
    func overlaps(_ other: PathPattern) -> Bool {
        guard segments.count == other.segments.count else { return false }
        return zip(segments, other.segments).allSatisfy { a, b in
            switch (a, b) {
            case (.literal(let x), .literal(let y)): x == y
            default: true
            }
        }
    }
}

/// The `{name}` segments of the path a route matched.
struct PathParameters: Sendable {
    var values: [(name: String, value: String)] = []

    /// The segment matched by `{name}`; empty when the route's pattern has no such parameter.
    subscript(name: String) -> String {
        values.first { $0.name == name }?.value ?? ""
    }
}
