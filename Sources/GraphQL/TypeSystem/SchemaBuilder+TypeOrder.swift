/// The order of `GraphQLSchema.typeNames`: graphql-core's `GraphQLSchema.__init__` collects
/// types into an insertion-ordered set. It seeds the set with the SDL's types, then for each
/// one removes it and re-adds it followed by every not-yet-collected type it references
/// (depth first: interfaces, then each field's type and its arguments' types; union members;
/// input fields). Then come the root types, the directives' argument types, and `__Schema`
/// with everything it reaches. Introspection clients show types in this order, so we keep it.
extension SchemaBuilder {
    static func typeOrder(
        sdlTypes: [String], roots: [String], directives: [GraphQLDirective], types: [String: GraphQLNamedType]
    ) -> [String] {
        var collector = TypeCollector(types: types, order: sdlTypes)
        for name in sdlTypes {
            collector.remove(name)
            collector.collect(name)
        }
        for root in roots { collector.collect(root) }
        for directive in directives {
            for argument in directive.arguments { collector.collect(argument.type.namedType) }
        }
        collector.collect("__Schema")
        return collector.order
    }
}

private struct TypeCollector {
    let types: [String: GraphQLNamedType]
    var order: [String]
    var members: Set<String>

    init(types: [String: GraphQLNamedType], order: [String]) {
        self.types = types
        self.order = order
        self.members = Set(order)
    }

    mutating func remove(_ name: String) {
        members.remove(name)
        if let index = order.firstIndex(of: name) { order.remove(at: index) }
    }

    mutating func collect(_ name: String) {
        guard !members.contains(name), let type = types[name] else { return }
        members.insert(name)
        order.append(name)
        switch type.kind {
        case .union(let memberNames):
            for member in memberNames { collect(member) }
        case .object(let fields, let interfaces), .interface(let fields, let interfaces):
            for interface in interfaces { collect(interface) }
            for field in fields {
                collect(field.type.namedType)
                for argument in field.arguments { collect(argument.type.namedType) }
            }
        case .inputObject(let fields):
            for field in fields { collect(field.type.namedType) }
        case .scalar, .enumeration:
            break
        }
    }
}
