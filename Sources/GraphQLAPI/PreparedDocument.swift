import GraphQL
import Synchronization

/// A valid document of `PreparedDocuments` and its operations as the executor prepared them,
/// one per operation name asked for, so requests repeating a text reuse the executor's plan too.
final class PreparedDocument: Sendable {
    let document: Document
    /// By operation name; "" for none (an operation name is never empty).
    private let operations = Mutex<[String: PreparedOperation]>([:])

    init(_ document: Document) {
        self.document = document
    }

    /// GetOperation (spec §6.1) through `executor`, remembered: its errors are not (they are
    /// cheap to find again, and an unbounded set of wrong names must not grow the map).
    func operation(named name: String?, executor: Executor) throws(GraphQLError) -> PreparedOperation {
        let key = name ?? ""
        if let known = operations.withLock({ $0[key] }) { return known }
        let prepared = try executor.prepare(document: document, operationName: name)
        return operations.withLock { operations in
            if let stored = operations[key] { return stored }
            operations[key] = prepared
            return prepared
        }
    }
}
