extension Parser {
    /// TypeSystemExtension :
    ///   - SchemaExtension
    ///   - TypeExtension
    ///
    /// The gateway serves no extensions: they are read whole (so errors inside them read as
    /// graphql-core's) and kept only as kind, name and location, for validation to reject.
    mutating func parseTypeSystemExtension() throws(GraphQLError) -> TypeSystemDefinition {
        let keyword = try lexer.lookahead()
        guard keyword.kind == .name, let kind = keyword.value else { throw unexpected(keyword) }
        let location = token.location
        switch kind {
        case "schema":
            try parseSchemaExtension()
            return .extensionDefinition(kind: kind, name: nil, location: location)
        case "scalar", "type", "interface", "union", "enum", "input", "directive":
            let name = try parseTypeExtension(kind)
            return .extensionDefinition(kind: kind, name: name, location: location)
        default:
            throw unexpected(keyword)
        }
    }

    /// SchemaExtension :
    ///   - extend schema Directives[Const]? { RootOperationTypeDefinition+ }
    ///   - extend schema Directives[Const] [lookahead != `{`]
    private mutating func parseSchemaExtension() throws(GraphQLError) {
        try expectKeyword("extend")
        try expectKeyword("schema")
        let directives = try parseDirectives(isConst: true)
        var hasOperationTypes = false
        if try expectOptional(.braceL) {
            repeat {
                _ = try parseRootOperationTypeDefinition()
            } while try !expectOptional(.braceR)
            hasOperationTypes = true
        }
        if directives.isEmpty && !hasOperationTypes { throw unexpected() }
    }

    /// ScalarTypeExtension : extend scalar Name Directives[Const]
    ///
    /// ObjectTypeExtension / InterfaceTypeExtension :
    ///   extend type|interface Name ImplementsInterfaces? Directives[Const]? FieldsDefinition (or at least one part)
    ///
    /// UnionTypeExtension : extend union Name Directives[Const]? UnionMemberTypes (or directives)
    ///
    /// EnumTypeExtension : extend enum Name Directives[Const]? EnumValuesDefinition (or directives)
    ///
    /// InputObjectTypeExtension : extend input Name Directives[Const]? InputFieldsDefinition (or directives)
    ///
    /// DirectiveExtension (graphql-core 3.3) : extend directive @ Name Directives[Const]
    private mutating func parseTypeExtension(_ kind: String) throws(GraphQLError) -> Name {
        try expectKeyword("extend")
        try expectKeyword(kind)
        if kind == "directive" { try expect(.at) }
        let name = try parseName()
        var hasContent: Bool
        switch kind {
        case "type", "interface":
            hasContent = try !parseImplementsInterfaces().isEmpty
            hasContent = try !parseDirectives(isConst: true).isEmpty || hasContent
            hasContent = try !parseFieldsDefinition().isEmpty || hasContent
        case "union":
            hasContent = try !parseDirectives(isConst: true).isEmpty
            hasContent = try !parseUnionMemberTypes().isEmpty || hasContent
        case "enum":
            hasContent = try !parseDirectives(isConst: true).isEmpty
            hasContent = try !parseEnumValuesDefinition().isEmpty || hasContent
        case "input":
            hasContent = try !parseDirectives(isConst: true).isEmpty
            hasContent = try !parseInputFieldsDefinition().isEmpty || hasContent
        default:  // scalar, directive
            hasContent = try !parseDirectives(isConst: true).isEmpty
        }
        if !hasContent { throw unexpected() }
        return name
    }
}
