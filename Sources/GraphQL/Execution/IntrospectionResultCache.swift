import JSON
import Synchronization

/// Results of introspection-only queries, which depend on nothing but the document and the
/// variables (the schema never changes): a client asking for the full introspection again gets
/// the stored `data` (as JSON text) instead of another few thousand resolved fields. Bounded, and shared by
/// every copy of the `Executor` it was made for.
final class IntrospectionResultCache: Sendable {
    static let capacity = 64
    private let results = Mutex<[String: [UInt8]]>([:])

    func result(for key: String) -> [UInt8]? {
        results.withLock { $0[key] }
    }

    func store(_ data: [UInt8], for key: String) {
        results.withLock { results in
            if results.count >= Self.capacity { results.removeAll(keepingCapacity: true) }
            results[key] = data
        }
    }

    /// Whether every root field is `__schema`, `__type` or `__typename` (looking through the
    /// root's fragments), so the result cannot depend on a resolver.
    static func isIntrospectionOnly(_ selectionSet: SelectionSet, fragments: [String: FragmentDefinition], depth: Int = 0) -> Bool
    {
        guard depth < 16 else { return false }
        for selection in selectionSet.selections {
            switch selection {
            case .field(let field):
                guard field.name.value == "__schema" || field.name.value == "__type" || field.name.value == "__typename" else {
                    return false
                }
            case .inlineFragment(let fragment):
                guard isIntrospectionOnly(fragment.selectionSet, fragments: fragments, depth: depth + 1) else { return false }
            case .fragmentSpread(let spread):
                guard let fragment = fragments[spread.name.value],
                    isIntrospectionOnly(fragment.selectionSet, fragments: fragments, depth: depth + 1)
                else { return false }
            }
        }
        return true
    }

    /// Everything the result depends on: the operation, every fragment and the coerced variables.
    static func key(operation: OperationDefinition, document: Document, variables: [String: JSONValue]) -> String {
        var writer = DocumentSignature()
        writer.write(operation.selectionSet)
        for case .fragment(let fragment) in document.definitions {
            writer.text += " fragment " + fragment.name.value + " on " + fragment.typeCondition.value
            writer.write(fragment.directives)
            writer.write(fragment.selectionSet)
        }
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            writer.text += " $" + name + "=" + value.description
        }
        return writer.text
    }
}

/// A compact, unambiguous spelling of selections for `IntrospectionResultCache` keys.
struct DocumentSignature {
    var text = ""

    mutating func write(_ selectionSet: SelectionSet) {
        text += "{"
        for selection in selectionSet.selections {
            switch selection {
            case .field(let field):
                if let alias = field.alias { text += alias.value + ":" }
                text += field.name.value
                if !field.arguments.isEmpty {
                    text += "("
                    for argument in field.arguments { text += argument.name.value + ":" + Printer.print(argument.value) + "," }
                    text += ")"
                }
                write(field.directives)
                if let selectionSet = field.selectionSet { write(selectionSet) }
            case .inlineFragment(let fragment):
                text += "..." + (fragment.typeCondition.map { "on " + $0.value } ?? "")
                write(fragment.directives)
                write(fragment.selectionSet)
            case .fragmentSpread(let spread):
                text += "..." + spread.name.value
                write(spread.directives)
            }
            text += " "
        }
        text += "}"
    }

    mutating func write(_ directives: [Directive]) {
        for directive in directives {
            text += "@" + directive.name.value + "("
            for argument in directive.arguments { text += argument.name.value + ":" + Printer.print(argument.value) + "," }
            text += ")"
        }
    }
}
