extension Parser {
    /// Description : StringValue
    func peekDescription() -> Bool {
        token.kind == .string || token.kind == .blockString
    }

    mutating func parseDescription() throws(GraphQLError) -> String? {
        guard peekDescription() else { return nil }
        let description = token.value
        try advance()
        return description
    }

    /// SchemaDefinition : Description? schema Directives[Const]? { RootOperationTypeDefinition+ }
    mutating func parseSchemaDefinition() throws(GraphQLError) -> SchemaDefinition {
        let location = token.location
        let description = try parseDescription()
        try expectKeyword("schema")
        let directives = try parseDirectives(isConst: true)
        try expect(.braceL)
        var operationTypes: [(operation: OperationType, type: Name)] = []
        repeat {
            operationTypes.append(try parseRootOperationTypeDefinition())
        } while try !expectOptional(.braceR)
        return SchemaDefinition(
            description: description, directives: directives, operationTypes: operationTypes, location: location)
    }

    /// RootOperationTypeDefinition : OperationType : NamedType
    mutating func parseRootOperationTypeDefinition() throws(GraphQLError) -> (operation: OperationType, type: Name) {
        let operation = try parseOperationType()
        try expect(.colon)
        return (operation, try parseName())
    }

    /// TypeDefinition :
    ///   - ScalarTypeDefinition
    ///   - ObjectTypeDefinition
    ///   - InterfaceTypeDefinition
    ///   - UnionTypeDefinition
    ///   - EnumTypeDefinition
    ///   - InputObjectTypeDefinition
    ///
    /// Each starts with `Description? keyword Name`; the rest depends on the keyword.
    mutating func parseTypeDefinition() throws(GraphQLError) -> TypeDefinition {
        let location = token.location
        let description = try parseDescription()
        let keyword = token.value ?? ""
        try advance()
        let name = try parseName()
        let directives: [Directive]
        let kind: TypeDefinition.Kind
        switch keyword {
        case "scalar":
            // ScalarTypeDefinition : Description? scalar Name Directives[Const]?
            directives = try parseDirectives(isConst: true)
            kind = .scalar
        case "type", "interface":
            // ObjectTypeDefinition : Description? type Name ImplementsInterfaces? Directives[Const]? FieldsDefinition?
            // InterfaceTypeDefinition : Description? interface Name ImplementsInterfaces? Directives[Const]? FieldsDefinition?
            let interfaces = try parseImplementsInterfaces()
            directives = try parseDirectives(isConst: true)
            let fields = try parseFieldsDefinition()
            kind =
                keyword == "type"
                ? .object(interfaces: interfaces, fields: fields) : .interface(interfaces: interfaces, fields: fields)
        case "union":
            // UnionTypeDefinition : Description? union Name Directives[Const]? UnionMemberTypes?
            directives = try parseDirectives(isConst: true)
            kind = .union(members: try parseUnionMemberTypes())
        case "enum":
            // EnumTypeDefinition : Description? enum Name Directives[Const]? EnumValuesDefinition?
            directives = try parseDirectives(isConst: true)
            kind = .enumeration(values: try parseEnumValuesDefinition())
        default:
            // InputObjectTypeDefinition : Description? input Name Directives[Const]? InputFieldsDefinition?
            directives = try parseDirectives(isConst: true)
            kind = .inputObject(fields: try parseInputFieldsDefinition())
        }
        return TypeDefinition(
            description: description, name: name, directives: directives, kind: kind, location: location)
    }

    /// ImplementsInterfaces :
    ///   - ImplementsInterfaces & NamedType
    ///   - implements &? NamedType
    mutating func parseImplementsInterfaces() throws(GraphQLError) -> [Name] {
        guard try expectOptionalKeyword("implements") else { return [] }
        return try parseDelimitedNames(.amp)
    }

    /// UnionMemberTypes :
    ///   - UnionMemberTypes | NamedType
    ///   - = |? NamedType
    mutating func parseUnionMemberTypes() throws(GraphQLError) -> [Name] {
        guard try expectOptional(.equals) else { return [] }
        return try parseDelimitedNames(.pipe)
    }

    /// One or more names separated by `delimiter`, which may also lead.
    private mutating func parseDelimitedNames(_ delimiter: TokenKind) throws(GraphQLError) -> [Name] {
        _ = try expectOptional(delimiter)
        var names: [Name] = []
        repeat {
            names.append(try parseName())
        } while try expectOptional(delimiter)
        return names
    }

    /// FieldsDefinition : { FieldDefinition+ }
    mutating func parseFieldsDefinition() throws(GraphQLError) -> [FieldDefinition] {
        guard try expectOptional(.braceL) else { return [] }
        var fields: [FieldDefinition] = []
        repeat {
            fields.append(try parseFieldDefinition())
        } while try !expectOptional(.braceR)
        return fields
    }

    /// FieldDefinition : Description? Name ArgumentsDefinition? : Type Directives[Const]?
    mutating func parseFieldDefinition() throws(GraphQLError) -> FieldDefinition {
        let location = token.location
        let description = try parseDescription()
        let name = try parseName()
        let arguments = try parseArgumentDefinitions()
        try expect(.colon)
        let type = try parseTypeReference()
        let directives = try parseDirectives(isConst: true)
        return FieldDefinition(
            description: description, name: name, arguments: arguments, type: type, directives: directives,
            location: location)
    }

    /// ArgumentsDefinition : ( InputValueDefinition+ )
    mutating func parseArgumentDefinitions() throws(GraphQLError) -> [InputValueDefinition] {
        guard try expectOptional(.parenL) else { return [] }
        var arguments: [InputValueDefinition] = []
        repeat {
            arguments.append(try parseInputValueDefinition())
        } while try !expectOptional(.parenR)
        return arguments
    }

    /// InputValueDefinition : Description? Name : Type DefaultValue? Directives[Const]?
    mutating func parseInputValueDefinition() throws(GraphQLError) -> InputValueDefinition {
        let location = token.location
        let description = try parseDescription()
        let name = try parseName()
        try expect(.colon)
        let type = try parseTypeReference()
        let defaultValue = try expectOptional(.equals) ? try parseValueLiteral(isConst: true) : nil
        let directives = try parseDirectives(isConst: true)
        return InputValueDefinition(
            description: description, name: name, type: type, defaultValue: defaultValue, directives: directives,
            location: location)
    }

    /// EnumValuesDefinition : { EnumValueDefinition+ }
    mutating func parseEnumValuesDefinition() throws(GraphQLError) -> [EnumValueDefinition] {
        guard try expectOptional(.braceL) else { return [] }
        var values: [EnumValueDefinition] = []
        repeat {
            values.append(try parseEnumValueDefinition())
        } while try !expectOptional(.braceR)
        return values
    }

    /// EnumValueDefinition : Description? EnumValue Directives[Const]?
    ///
    /// EnumValue : Name but not `true`, `false` or `null`
    mutating func parseEnumValueDefinition() throws(GraphQLError) -> EnumValueDefinition {
        let location = token.location
        let description = try parseDescription()
        if token.kind == .name, let value = token.value, value == "true" || value == "false" || value == "null" {
            throw syntaxError("\(token.errorDescription) is reserved and cannot be used for an enum value.", at: token)
        }
        let name = try parseName()
        let directives = try parseDirectives(isConst: true)
        return EnumValueDefinition(description: description, name: name, directives: directives, location: location)
    }

    /// InputFieldsDefinition : { InputValueDefinition+ }
    mutating func parseInputFieldsDefinition() throws(GraphQLError) -> [InputValueDefinition] {
        guard try expectOptional(.braceL) else { return [] }
        var fields: [InputValueDefinition] = []
        repeat {
            fields.append(try parseInputValueDefinition())
        } while try !expectOptional(.braceR)
        return fields
    }

    /// DirectiveDefinition : Description? directive @ Name ArgumentsDefinition? Directives[Const]? `repeatable`? on DirectiveLocations
    ///
    /// The directives on a directive definition are graphql-core 3.3's (graphql-spec RFC); they
    /// are read and dropped.
    mutating func parseDirectiveDefinition() throws(GraphQLError) -> DirectiveDefinition {
        let location = token.location
        let description = try parseDescription()
        try expectKeyword("directive")
        try expect(.at)
        let name = try parseName()
        let arguments = try parseArgumentDefinitions()
        _ = try parseDirectives(isConst: true)
        let isRepeatable = try expectOptionalKeyword("repeatable")
        try expectKeyword("on")
        let locations = try parseDirectiveLocations()
        return DirectiveDefinition(
            description: description, name: name, arguments: arguments, isRepeatable: isRepeatable,
            locations: locations, location: location)
    }

    /// DirectiveLocations :
    ///   - DirectiveLocations | DirectiveLocation
    ///   - |? DirectiveLocation
    mutating func parseDirectiveLocations() throws(GraphQLError) -> [Name] {
        _ = try expectOptional(.pipe)
        var locations: [Name] = []
        repeat {
            locations.append(try parseDirectiveLocation())
        } while try expectOptional(.pipe)
        return locations
    }

    /// DirectiveLocation : ExecutableDirectiveLocation | TypeSystemDirectiveLocation
    mutating func parseDirectiveLocation() throws(GraphQLError) -> Name {
        let start = token
        let name = try parseName()
        guard Parser.directiveLocations.contains(name.value) else { throw unexpected(start) }
        return name
    }

    /// ExecutableDirectiveLocation and TypeSystemDirectiveLocation, with graphql-core 3.3's
    /// FRAGMENT_VARIABLE_DEFINITION and DIRECTIVE_DEFINITION.
    static let directiveLocations: Set<String> = [
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION", "FRAGMENT_VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION",
        "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
        "DIRECTIVE_DEFINITION",
    ]
}
