import GraphQL
import Synchronization

/// Parsed and validated documents by their query text. Dashboards send the same few queries
/// over and over, so parsing and validating once per distinct text takes both off the hot path.
/// Invalid documents are remembered too: a client retrying a broken query costs a lookup.
///
/// Two generations instead of a true LRU: entries are looked up in `current`, then in
/// `previous` (and promoted); when `current` fills up it becomes `previous` and the old
/// `previous` is dropped. Texts in use survive, one-offs age out, and a hit never reorders a list.
final class PreparedDocuments: Sendable {
    enum Entry: Sendable {
        case valid(PreparedDocument)
        case invalid([GraphQLError])
    }

    struct Generations: Sendable {
        var current: [String: Entry] = [:]
        var previous: [String: Entry] = [:]
    }

    private let schema: GraphQLSchema
    private let limits: QueryLimits
    private let parseOptions: ParseOptions
    private let generationSize: Int
    private let generations = Mutex(Generations())

    init(schema: GraphQLSchema, limits: QueryLimits, parseOptions: ParseOptions, capacity: Int = 1_000) {
        self.schema = schema
        self.limits = limits
        self.parseOptions = parseOptions
        self.generationSize = max(1, capacity / 2)
    }

    func prepare(_ query: String) -> Entry {
        if let hit = lookup(query) { return hit }
        let entry: Entry
        do {
            let document = try Parser.parse(query, options: parseOptions)
            let errors = Validator.validate(document, schema: schema, limits: limits)
            entry = errors.isEmpty ? .valid(PreparedDocument(document)) : .invalid(errors)
        } catch {
            entry = .invalid([error])
        }
        store(query, entry)
        return entry
    }

    var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    private func lookup(_ query: String) -> Entry? {
        generations.withLock { g in
            if let e = g.current[query] { return e }
            guard let e = g.previous.removeValue(forKey: query) else { return nil }
            insert(&g, query, e)
            return e
        }
    }

    private func store(_ query: String, _ entry: Entry) {
        generations.withLock { insert(&$0, query, entry) }
    }

    private func insert(_ g: inout Generations, _ query: String, _ entry: Entry) {
        if g.current.count >= generationSize {
            g.previous = g.current
            g.current = [:]
        }
        g.current[query] = entry
    }
}
