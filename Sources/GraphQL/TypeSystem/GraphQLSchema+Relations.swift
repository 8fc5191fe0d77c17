/// Type relations the validator and the schema checks need (spec §3.6.1 IsValidImplementation,
/// §5.5.2.3 "Fragment spread is possible", §5.8.5 AreTypesCompatible), as graphql-js's
/// `isSubType`, `isTypeSubTypeOf` and `doTypesOverlap` define them.
extension GraphQLSchema {
    /// The field `name` of a composite type, including the meta-fields: `__typename` everywhere,
    /// `__schema` and `__type` on the query root type.
    func fieldDefinition(on parentType: GraphQLNamedType, named name: String) -> GraphQLField? {
        switch name {
        case "__typename" where parentType.isComposite: return IntrospectionTypes.typeNameMetaField
        case "__schema" where parentType.name == queryType: return IntrospectionTypes.schemaMetaField
        case "__type" where parentType.name == queryType: return IntrospectionTypes.typeMetaField
        default: return parentType.field(named: name)
        }
    }

    /// Whether `maybeSubType` (an object or interface) is a possible type of the abstract type
    /// `abstractType`: a union member, or an implementation of the interface.
    func isSubType(_ abstractType: String, _ maybeSubType: String) -> Bool {
        guard let abstract = type(named: abstractType) else { return false }
        switch abstract.kind {
        case .union(let members):
            return members.contains(maybeSubType)
        case .interface:
            return type(named: maybeSubType)?.interfaces.contains(abstractType) ?? false
        default:
            return false
        }
    }

    /// Whether a value of type `maybeSubType` may be used where `superType` is expected.
    func isTypeSubTypeOf(_ maybeSubType: GraphQLType, _ superType: GraphQLType) -> Bool {
        if maybeSubType == superType { return true }
        if case .nonNull(let superInner) = superType {
            if case .nonNull(let subInner) = maybeSubType { return isTypeSubTypeOf(subInner, superInner) }
            return false
        }
        if case .nonNull(let subInner) = maybeSubType { return isTypeSubTypeOf(subInner, superType) }
        if case .list(let superInner) = superType {
            if case .list(let subInner) = maybeSubType { return isTypeSubTypeOf(subInner, superInner) }
            return false
        }
        if case .list = maybeSubType { return false }
        guard case .named(let superName) = superType, case .named(let subName) = maybeSubType,
            let superNamed = type(named: superName), superNamed.isAbstract,
            let subNamed = type(named: subName)
        else { return false }
        switch subNamed.kind {
        case .object, .interface: return isSubType(superName, subName)
        default: return false
        }
    }

    /// Whether two composite types have an object type in common.
    func doTypesOverlap(_ typeA: GraphQLNamedType, _ typeB: GraphQLNamedType) -> Bool {
        if typeA.name == typeB.name { return true }
        if typeA.isAbstract {
            if typeB.isAbstract {
                let possibleB = Set(possibleTypes(of: typeB.name))
                return possibleTypes(of: typeA.name).contains { possibleB.contains($0) }
            }
            return isSubType(typeA.name, typeB.name)
        }
        if typeB.isAbstract { return isSubType(typeB.name, typeA.name) }
        return false
    }

    /// The named type of a type written in a document, nil when the schema has no such type.
    func type(of reference: TypeReference) -> GraphQLNamedType? { type(named: reference.namedType.value) }

    /// A type written in a document as a schema type, nil when its named type is unknown.
    func resolve(_ reference: TypeReference) -> GraphQLType? {
        type(of: reference) == nil ? nil : GraphQLType(reference)
    }
}
