import JSON
import Synchronization

/// One response key of a selection set after CollectFields (spec §6.3.2): the field nodes merged
/// under it and everything about them that does not change between the objects it is executed
/// on. A list of a hundred objects collects its subfields once; a `PreparedOperation` keeps the
/// whole tree for every request that runs the same document.
///
/// `@unchecked Sendable`: `nodes` changes only while `FieldCollector` builds the field, before
/// anyone else can see it; everything learnt later (subfields, arguments, whether the subtree is
/// synchronous) sits behind a lock or an atomic, and is the same whichever request learns it
/// first.
final class CollectedField: @unchecked Sendable {
    let responseKey: String
    /// `"responseKey":` as JSON, for `JSONWriter.key(encoded:)`.
    let encodedKey: [UInt8]
    let fieldName: String
    /// Every field node with this response key, in document order.
    var nodes: [Field]
    /// Nil for `__typename` (answered by the executor itself).
    let definition: GraphQLField?
    let resolver: FieldResolver?
    /// The introspection types' resolvers run synchronously and need no `ResolveInfo`.
    let introspectionResolver: IntrospectionResolver?
    /// The field's type; nil exactly when `definition` is.
    let returnType: GraphQLType?
    /// The innermost named type of the field's type, looked up once.
    let namedType: GraphQLNamedType?
    /// How a scalar or enum result is serialized, decided once instead of per value.
    let leafKind: LeafSerialization.Kind?
    /// A leaf read by the default resolver straight from its parent's member (a leaf type, no
    /// list, no introspection resolver): the JSON fast path writes such a member as it is
    /// when it is already valid output.
    let isPlainLeaf: Bool
    /// Coerced once: arguments depend only on the literals and the variables (a shared plan
    /// has no variables). Only successful coercions are kept, so an error is reported again by
    /// every execution that meets it.
    private let argumentMemo = Mutex<ArgumentValues?>(nil)
    /// `isSynchronous`: 0 not known yet, 1 false, 2 true.
    private let synchronous = Atomic<UInt8>(0)
    private let subfieldMemo = Mutex(SubfieldMemo())

    private struct SubfieldMemo {
        var lastType: GraphQLNamedType?
        var last: [CollectedField] = []
        var byType: [String: [CollectedField]] = [:]
    }

    init(responseKey: String, fieldName: String, node: Field, info: FieldInfo?) {
        self.responseKey = responseKey
        var writer = JSONWriter(capacity: responseKey.utf8.count + 3)
        writer.key(responseKey)
        self.encodedKey = writer.bytes
        self.fieldName = fieldName
        self.nodes = [node]
        self.definition = info?.definition
        self.resolver = info?.resolver
        self.introspectionResolver = info?.introspectionResolver
        self.returnType = info?.definition.type
        self.namedType = info?.namedType
        self.leafKind = info?.leafKind
        self.isPlainLeaf =
            info != nil && info?.introspectionResolver == nil && info?.leafKind != nil
            && info?.definition.type.isNamedOrNonNullNamed == true
    }

    var cachedArguments: ArgumentValues? {
        get { argumentMemo.withLock { $0 } }
        set { argumentMemo.withLock { $0 = newValue } }
    }

    /// CollectSubfields (spec §6.4.3) for an object of `objectType`, memoized per type. Collected
    /// outside the lock; when two executions race, the first stored list wins and both use it.
    func subfields(for objectType: GraphQLNamedType, in context: ExecutionContext) -> [CollectedField] {
        let known = subfieldMemo.withLock { memo -> [CollectedField]? in
            if memo.lastType === objectType { return memo.last }
            guard let cached = memo.byType[objectType.name] else { return nil }
            memo.lastType = objectType
            memo.last = cached
            return cached
        }
        if let known { return known }
        var builder = FieldCollector(context: context, objectType: objectType)
        for node in nodes {
            if let selectionSet = node.selectionSet { builder.collect(selectionSet) }
        }
        let collected = builder.fields
        return subfieldMemo.withLock { memo in
            let winner = memo.byType[objectType.name] ?? collected
            memo.byType[objectType.name] = winner
            memo.lastType = objectType
            memo.last = winner
            return winner
        }
    }

    /// True when every field below this one, for every object type its value may have, resolves
    /// with the default resolver or an introspection resolver: then the whole subtree is
    /// completed without suspending, which is most of the gateway's work (one async resolver at
    /// the root returns a JSON tree) and all of introspection.
    func isSynchronous(in context: ExecutionContext) -> Bool {
        switch synchronous.load(ordering: .relaxed) {
        case 1: return false
        case 2: return true
        default: break
        }
        var result = true
        if let namedType, namedType.isComposite {
            outer: for typeName in context.schema.possibleTypes(of: namedType.name) {
                guard let objectType = context.schema.type(named: typeName) else { continue }
                for subfield in subfields(for: objectType, in: context)
                where subfield.resolver != nil || !subfield.isSynchronous(in: context) {
                    result = false
                    break outer
                }
            }
        }
        synchronous.store(result ? 2 : 1, ordering: .relaxed)
        return result
    }
}
