import JSON

/// `__Schema` and `__Type` (spec §4.2.1, §4.2.2).
extension IntrospectionResolvers {
    static let schemaResolvers: [String: IntrospectionResolver] = [
        "description": { _, _, schema in string(schema.description) },
        "types": { _, _, schema in
            .list(schema.types.map { .object(typeName: "__Type", value: IntrospectedType.named($0)) })
        },
        "queryType": { _, _, schema in namedTypeValue(schema.queryType, schema) },
        "mutationType": { _, _, schema in schema.mutationType.map { namedTypeValue($0, schema) } ?? .null },
        "subscriptionType": { _, _, schema in schema.subscriptionType.map { namedTypeValue($0, schema) } ?? .null },
        "directives": { _, _, schema in .list(schema.directives.map { .object(typeName: "__Directive", value: $0) }) },
    ]

    static func introspected(_ parent: ResolvedValue) -> IntrospectedType? {
        guard case .object(_, let value) = parent else { return nil }
        return value as? IntrospectedType
    }

    static func named(_ parent: ResolvedValue) -> GraphQLNamedType? {
        guard case .named(let type)? = introspected(parent) else { return nil }
        return type
    }

    static let typeResolvers: [String: IntrospectionResolver] = [
        "kind": { parent, _, _ in
            switch introspected(parent) {
            case .named(let type)?: .json(.string(type.typeKind.rawValue))
            case .wrapper(.list)?: .json(.string(TypeKind.list.rawValue))
            case .wrapper?: .json(.string(TypeKind.nonNull.rawValue))
            case nil: .null
            }
        },
        "name": { parent, _, _ in string(named(parent)?.name) },
        "description": { parent, _, _ in string(named(parent)?.description) },
        "specifiedByURL": { parent, _, _ in
            guard case .scalar(let url)? = named(parent)?.kind else { return .null }
            return string(url)
        },
        "fields": { parent, arguments, _ in
            guard let type = named(parent) else { return .null }
            switch type.kind {
            case .object(let fields, _), .interface(let fields, _):
                let all = includeDeprecated(arguments)
                return .list(
                    fields.compactMap { all || $0.deprecationReason == nil ? .object(typeName: "__Field", value: $0) : nil })
            default:
                return .null
            }
        },
        "interfaces": { parent, _, schema in
            guard let type = named(parent) else { return .null }
            switch type.kind {
            case .object(_, let interfaces), .interface(_, let interfaces):
                return .list(interfaces.map { namedTypeValue($0, schema) })
            default:
                return .null
            }
        },
        "possibleTypes": { parent, _, schema in
            guard let type = named(parent), type.isAbstract else { return .null }
            return .list(schema.possibleTypes(of: type.name).map { namedTypeValue($0, schema) })
        },
        "enumValues": { parent, arguments, _ in
            guard let type = named(parent), case .enumeration(let values) = type.kind else { return .null }
            let all = includeDeprecated(arguments)
            return .list(
                values.compactMap { all || $0.deprecationReason == nil ? .object(typeName: "__EnumValue", value: $0) : nil })
        },
        "inputFields": { parent, arguments, _ in
            guard let type = named(parent), case .inputObject(let fields) = type.kind else { return .null }
            return inputValues(fields, arguments)
        },
        "ofType": { parent, _, schema in
            switch introspected(parent) {
            case .wrapper(.list(let inner))?, .wrapper(.nonNull(let inner))?: typeValue(inner, schema)
            default: .null
            }
        },
        "isOneOf": { parent, _, _ in
            guard let type = named(parent), case .inputObject = type.kind else { return .null }
            return .json(.bool(type.isOneOfInputObject))
        },
    ]
}
