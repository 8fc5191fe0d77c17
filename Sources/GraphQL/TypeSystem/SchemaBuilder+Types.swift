/// Turning SDL type definitions (spec §3.4–§3.10) into the running schema's named types.
extension SchemaBuilder {
    static func buildType(_ definition: TypeDefinition, applied: AppliedDirectives) throws(GraphQLError) -> GraphQLNamedType {
        let typeName = definition.name.value
        let kind: GraphQLNamedType.Kind
        var isOneOf = false
        switch definition.kind {
        case .scalar:
            try applied.check(definition.directives, at: .scalar)
            kind = .scalar(specifiedByURL: applied.stringArgument("specifiedBy", "url", in: definition.directives))
        case .object(let interfaces, let fields):
            try applied.check(definition.directives, at: .object)
            kind = .object(fields: try buildFields(fields, of: typeName, applied: applied), interfaces: interfaces.map(\.value))
        case .interface(let interfaces, let fields):
            try applied.check(definition.directives, at: .interface)
            kind = .interface(fields: try buildFields(fields, of: typeName, applied: applied), interfaces: interfaces.map(\.value))
        case .union(let members):
            try applied.check(definition.directives, at: .union)
            kind = .union(members: members.map(\.value))
        case .enumeration(let values):
            try applied.check(definition.directives, at: .enumeration)
            try checkUniqueNames(values.map(\.name)) { "Enum value '\(typeName).\($0)' can only be defined once." }
            var built: [GraphQLEnumValue] = []
            for value in values {
                try applied.check(value.directives, at: .enumValue)
                built.append(
                    GraphQLEnumValue(
                        name: value.name.value, description: value.description,
                        deprecationReason: applied.deprecationReason(value.directives)))
            }
            kind = .enumeration(values: built)
        case .inputObject(let fields):
            try applied.check(definition.directives, at: .inputObject)
            try checkUniqueNames(fields.map(\.name)) { "Field '\(typeName).\($0)' can only be defined once." }
            kind = .inputObject(fields: try buildInputValues(fields, at: .inputFieldDefinition, applied: applied))
            isOneOf = definition.directives.contains { $0.name.value == "oneOf" }
        }
        return GraphQLNamedType(name: typeName, description: definition.description, kind: kind, isOneOf: isOneOf)
    }

    private static func buildFields(
        _ fields: [FieldDefinition], of typeName: String, applied: AppliedDirectives
    ) throws(GraphQLError) -> [GraphQLField] {
        try checkUniqueNames(fields.map(\.name)) { "Field '\(typeName).\($0)' can only be defined once." }
        var built: [GraphQLField] = []
        for field in fields {
            try applied.check(field.directives, at: .fieldDefinition)
            let owner = "\(typeName).\(field.name.value)"
            try checkUniqueNames(field.arguments.map(\.name)) { "Argument '\(owner)(\($0):)' can only be defined once." }
            built.append(
                GraphQLField(
                    name: field.name.value, description: field.description,
                    arguments: try buildInputValues(field.arguments, at: .argumentDefinition, applied: applied),
                    type: GraphQLType(field.type), deprecationReason: applied.deprecationReason(field.directives)))
        }
        return built
    }

    private static func buildInputValues(
        _ values: [InputValueDefinition], at location: DirectiveLocation, applied: AppliedDirectives
    ) throws(GraphQLError) -> [GraphQLInputValue] {
        var built: [GraphQLInputValue] = []
        for value in values {
            try applied.check(value.directives, at: location)
            built.append(
                GraphQLInputValue(
                    name: value.name.value, description: value.description, type: GraphQLType(value.type),
                    defaultValue: value.defaultValue, deprecationReason: applied.deprecationReason(value.directives)))
        }
        return built
    }

    /// Every type named anywhere must exist (graphql-core's KnownTypeNames for SDL).
    static func checkReferences(
        _ types: [TypeDefinition], _ directives: [DirectiveDefinition], _ schema: SchemaDefinition?,
        known: [String: GraphQLNamedType]
    ) throws(GraphQLError) {
        func check(_ name: Name) throws(GraphQLError) {
            if known[name.value] == nil {
                throw GraphQLError("Unknown type '\(name.value)'.", locations: [name.location])
            }
        }
        func check(_ values: [InputValueDefinition]) throws(GraphQLError) {
            for value in values { try check(value.type.namedType) }
        }
        for (_, type) in schema?.operationTypes ?? [] { try check(type) }
        for directive in directives { try check(directive.arguments) }
        for type in types {
            switch type.kind {
            case .scalar, .enumeration: break
            case .object(let interfaces, let fields), .interface(let interfaces, let fields):
                for interface in interfaces { try check(interface) }
                for field in fields {
                    try check(field.arguments)
                    try check(field.type.namedType)
                }
            case .union(let members):
                for member in members { try check(member) }
            case .inputObject(let fields):
                try check(fields)
            }
        }
    }
}

/// The directives SDL applies to its definitions: which exist and where they may go (graphql-core's
/// KnownDirectives, UniqueDirectivesPerLocation and ProvidedRequiredArgumentsOnDirectives for SDL),
/// and what `@deprecated` and `@specifiedBy` say.
struct AppliedDirectives {
    let directives: [String: GraphQLDirective]

    func check(_ applied: [Directive], at location: DirectiveLocation) throws(GraphQLError) {
        var seen: [String: Directive] = [:]
        for directive in applied {
            let name = directive.name.value
            guard let definition = directives[name] else {
                throw GraphQLError("Unknown directive '@\(name)'.", locations: [directive.location])
            }
            guard definition.locations.contains(location) else {
                throw GraphQLError(
                    "Directive '@\(name)' may not be used on \(location.messageName).", locations: [directive.location])
            }
            if !definition.isRepeatable {
                if let first = seen[name] {
                    throw GraphQLError(
                        "The directive '@\(name)' can only be used once at this location.",
                        locations: [first.location, directive.location])
                }
                seen[name] = directive
            }
            for argument in directive.arguments where definition.argument(named: argument.name.value) == nil {
                throw GraphQLError(
                    "Unknown argument '\(argument.name.value)' on directive '@\(name)'.", locations: [argument.location])
            }
            for argument in definition.arguments
            where argument.type.isNonNull && argument.defaultValue == nil
                && !directive.arguments.contains(where: { $0.name.value == argument.name }) {
                throw GraphQLError(
                    "Argument '@\(name)(\(argument.name):)' of type '\(argument.type)' is required, but it was not provided.",
                    locations: [directive.location])
            }
        }
    }

    /// The reason `@deprecated` gives, its default when it gives none, nil when not deprecated.
    func deprecationReason(_ applied: [Directive]) -> String? {
        guard let directive = applied.first(where: { $0.name.value == "deprecated" }) else { return nil }
        if let argument = directive.arguments.first(where: { $0.name.value == "reason" }),
            case .string(let reason, _) = argument.value.kind
        {
            return reason
        }
        return SpecifiedDirectives.defaultDeprecationReason
    }

    func stringArgument(_ directiveName: String, _ argumentName: String, in applied: [Directive]) -> String? {
        guard let directive = applied.first(where: { $0.name.value == directiveName }),
            let argument = directive.arguments.first(where: { $0.name.value == argumentName }),
            case .string(let value, _) = argument.value.kind
        else { return nil }
        return value
    }
}

extension DirectiveLocation {
    /// As graphql-core names a location in messages: `field definition`, `inline fragment`.
    var messageName: String { rawValue.lowercased().replacingUnderscores() }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
