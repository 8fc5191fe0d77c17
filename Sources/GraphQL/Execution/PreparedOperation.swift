import JSON
import Synchronization

/// One operation of a valid document, ready to run again and again: the operation and its
/// fragments picked out once, and — when nothing in it can depend on the request — the executor's
/// plan (the collected fields of every selection set, which subtrees complete synchronously, the
/// coerced argument literals) kept and shared by every request that runs it. Make one with
/// `Executor.prepare(document:operationName:)`, keep it with the document, run it with
/// `Executor.execute(prepared:variables:context:)`; safe to run on several threads at once.
///
/// An operation with variable definitions gets a fresh plan per execution: @skip/@include and
/// argument values may read the variables, so a shared plan would be keyed on their values.
public final class PreparedOperation: Sendable {
    public let document: Document
    public let operation: OperationDefinition
    let fragments: [String: FragmentDefinition]
    /// Whether the plan can be shared: no variables, so nothing in it depends on the request.
    let sharesPlan: Bool
    let isIntrospectionOnly: Bool
    /// The root selection set's fields, once a first execution collected them (shared plans only).
    private let rootFields = Mutex<[CollectedField]?>(nil)
    private let lastSize = Atomic<Int>(256)
    /// The previous result's size, to reserve for the next one.
    var expectedSize: Int {
        get { lastSize.load(ordering: .relaxed) }
        set { lastSize.store(newValue, ordering: .relaxed) }
    }
    /// The `IntrospectionResultCache` key when it depends on nothing else (no variables).
    private let fixedIntrospectionKey: String?

    init(document: Document, operation: OperationDefinition, shared: Bool) {
        self.document = document
        self.operation = operation
        var fragments: [String: FragmentDefinition] = [:]
        for case .fragment(let fragment) in document.definitions where fragments[fragment.name.value] == nil {
            fragments[fragment.name.value] = fragment
        }
        self.fragments = fragments
        self.sharesPlan = shared && operation.variableDefinitions.isEmpty
        self.isIntrospectionOnly =
            operation.operation == .query
            && IntrospectionResultCache.isIntrospectionOnly(operation.selectionSet, fragments: fragments)
        self.fixedIntrospectionKey =
            isIntrospectionOnly && operation.variableDefinitions.isEmpty
            ? IntrospectionResultCache.key(operation: operation, document: document, variables: [:]) : nil
    }

    func introspectionKey(variables: [String: JSONValue]) -> String {
        fixedIntrospectionKey ?? IntrospectionResultCache.key(operation: operation, document: document, variables: variables)
    }

    /// CollectFields (spec §6.3.2) on the root type: remembered when the plan is shared.
    func rootFields(rootType: GraphQLNamedType, context: ExecutionContext) -> [CollectedField] {
        if sharesPlan, let known = rootFields.withLock({ $0 }) { return known }
        var collector = FieldCollector(context: context, objectType: rootType)
        collector.collect(operation.selectionSet)
        let collected = collector.fields
        guard sharesPlan else { return collected }
        return rootFields.withLock { stored in
            if let stored { return stored }
            stored = collected
            return collected
        }
    }
}
