/// The media type of a GraphQL answer, chosen from the client's `Accept` (GraphQL over HTTP §
/// "Accept"): `application/graphql-response+json` when acceptable (and when there is no Accept),
/// `application/json` when only that is, neither → 406.
enum ResponseMediaType: Sendable, Equatable {
    case graphQLResponse
    case json

    var contentType: String {
        switch self {
        case .graphQLResponse: "application/graphql-response+json; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        }
    }

    /// Nil when the client accepts neither. Ties in `q` go to graphql-response+json, whose
    /// status codes tell request errors from field errors.
    static func negotiate(accept: String?) -> ResponseMediaType? {
        guard let accept, !accept.allSatisfy({ $0 == " " || $0 == "\t" }) else { return .graphQLResponse }
        var best: (type: ResponseMediaType, q: Double)?
        for range in accept.split(separator: ",") {
            let params = range.split(separator: ";").map { $0.trimmingSpaces().lowercased() }
            guard let type = params.first else { continue }
            var q = 1.0
            for p in params.dropFirst() where p.hasPrefix("q=") {
                q = Double(p.dropFirst(2)) ?? 0
            }
            guard q > 0 else { continue }
            let candidates: [ResponseMediaType]
            switch type {
            case "application/graphql-response+json": candidates = [.graphQLResponse]
            case "application/json": candidates = [.json]
            case "*/*", "application/*": candidates = [.graphQLResponse, .json]
            default: candidates = []
            }
            for c in candidates {
                if let b = best, b.q > q || (b.q == q && b.type == .graphQLResponse) { continue }
                best = (c, q)
            }
        }
        return best?.type
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
