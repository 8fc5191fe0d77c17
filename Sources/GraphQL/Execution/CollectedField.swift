import JSON

/// One response key of a selection set after CollectFields (spec §6.3.2): the field nodes merged
/// under it and everything about them that does not change between the objects it is executed
/// on. Kept per execution, so a list of a hundred objects collects its subfields once.
final class CollectedField {
    let responseKey: String
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
    /// Coerced once: arguments depend only on the literals and the variables.
    var cachedArguments: ArgumentValues?
    /// Whether nothing at or below this field calls a caller's resolver, so its value completes
    /// synchronously (see `isSynchronous(in:)`).
    private var synchronous: Bool?
    private var lastSubfieldType: GraphQLNamedType?
    private var lastSubfields: [CollectedField] = []
    private var subfieldsByType: [String: [CollectedField]] = [:]

    init(responseKey: String, fieldName: String, node: Field, info: FieldInfo?) {
        self.responseKey = responseKey
        self.fieldName = fieldName
        self.nodes = [node]
        self.definition = info?.definition
        self.resolver = info?.resolver
        self.introspectionResolver = info?.introspectionResolver
        self.returnType = info?.definition.type
        self.namedType = info?.namedType
        self.leafKind = info?.leafKind
    }

    /// CollectSubfields (spec §6.4.3) for an object of `objectType`, memoized per type.
    func subfields(for objectType: GraphQLNamedType, in context: ExecutionContext) -> [CollectedField] {
        if lastSubfieldType === objectType { return lastSubfields }
        let collected: [CollectedField]
        if let cached = subfieldsByType[objectType.name] {
            collected = cached
        } else {
            var builder = FieldCollector(context: context, objectType: objectType)
            for node in nodes {
                if let selectionSet = node.selectionSet { builder.collect(selectionSet) }
            }
            collected = builder.fields
            subfieldsByType[objectType.name] = collected
        }
        lastSubfieldType = objectType
        lastSubfields = collected
        return collected
    }

    /// True when every field below this one, for every object type its value may have, resolves
    /// with the default resolver or an introspection resolver: then the whole subtree is
    /// completed without suspending, which is most of the gateway's work (one async resolver at
    /// the root returns a JSON tree) and all of introspection.
    func isSynchronous(in context: ExecutionContext) -> Bool {
        if let synchronous { return synchronous }
        synchronous = false
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
        synchronous = result
        return result
    }
}
