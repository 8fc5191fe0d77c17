import JSON

/// What the executor needs about one field of one object type — its definition, the resolver
/// that runs it, how its value completes — looked up once per executor rather than once per
/// selection of every request.
final class FieldInfo: Sendable {
    let name: String
    let definition: GraphQLField
    let namedType: GraphQLNamedType?
    let leafKind: LeafSerialization.Kind?
    /// The caller's resolver; nil for the default resolver and for introspection fields.
    let resolver: FieldResolver?
    let introspectionResolver: IntrospectionResolver?

    init(definition: GraphQLField, schema: GraphQLSchema, resolver: FieldResolver?, introspectionResolver: IntrospectionResolver?)
    {
        self.name = definition.name
        self.definition = definition
        self.namedType = schema.namedType(of: definition.type)
        self.leafKind = namedType.flatMap(LeafSerialization.Kind.init)
        self.resolver = introspectionResolver == nil ? resolver : nil
        self.introspectionResolver = introspectionResolver
    }
}

/// `FieldInfo` for every field of every object type, and for `__schema` and `__type` on the
/// query root type (spec §4.2). `__typename` has none: the executor answers it itself.
final class FieldInfoTable: Sendable {
    private let byType: [String: [String: FieldInfo]]

    init(schema: GraphQLSchema, resolvers: ResolverMap) {
        var byType: [String: [String: FieldInfo]] = [:]
        for type in schema.types {
            guard case .object(let fields, _) = type.kind else { continue }
            var infos: [String: FieldInfo] = [:]
            for field in fields {
                infos[field.name] = FieldInfo(
                    definition: field, schema: schema, resolver: resolvers[type.name, field.name],
                    introspectionResolver: IntrospectionResolvers.resolver(type: type.name, field: field.name))
            }
            if type.name == schema.queryType {
                for name in ["__schema", "__type"] {
                    guard let meta = IntrospectionResolvers.metaField(named: name, onQueryRoot: true) else { continue }
                    infos[name] = FieldInfo(
                        definition: meta.definition, schema: schema, resolver: nil, introspectionResolver: meta.resolver)
                }
            }
            byType[type.name] = infos
        }
        self.byType = byType
    }

    func info(type: String, field: String) -> FieldInfo? {
        byType[type]?[field]
    }
}
