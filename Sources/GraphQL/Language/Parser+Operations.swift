extension Parser {
    /// OperationDefinition :
    ///   - Description? OperationType Name? VariablesDefinition? Directives? SelectionSet
    ///   - SelectionSet
    ///
    /// The description (graphql-core accepts one) is read and dropped: nothing reports it.
    mutating func parseOperationDefinition() throws(GraphQLError) -> OperationDefinition {
        if peek(.braceL) {
            let location = token.location
            return OperationDefinition(
                operation: .query, name: nil, variableDefinitions: [], directives: [],
                selectionSet: try parseSelectionSet(), location: location)
        }
        _ = try parseDescription()
        let location = token.location
        let operation = try parseOperationType()
        let name = peek(.name) ? try parseName() : nil
        let variableDefinitions = try parseVariableDefinitions()
        let directives = try parseDirectives(isConst: false)
        return OperationDefinition(
            operation: operation, name: name, variableDefinitions: variableDefinitions, directives: directives,
            selectionSet: try parseSelectionSet(), location: location)
    }

    /// OperationType : one of `query` `mutation` `subscription`
    mutating func parseOperationType() throws(GraphQLError) -> OperationType {
        let operationToken = try expect(.name)
        guard let operation = OperationType(rawValue: operationToken.value ?? "") else {
            throw unexpected(operationToken)
        }
        return operation
    }

    /// VariablesDefinition : ( VariableDefinition+ )
    mutating func parseVariableDefinitions() throws(GraphQLError) -> [VariableDefinition] {
        guard try expectOptional(.parenL) else { return [] }
        var definitions: [VariableDefinition] = []
        repeat {
            definitions.append(try parseVariableDefinition())
        } while try !expectOptional(.parenR)
        return definitions
    }

    /// VariableDefinition : Description? Variable : Type DefaultValue? Directives[Const]?
    ///
    /// DefaultValue : = Value[Const]
    mutating func parseVariableDefinition() throws(GraphQLError) -> VariableDefinition {
        _ = try parseDescription()
        let location = token.location
        let variable = try parseVariable()
        try expect(.colon)
        let type = try parseTypeReference()
        let defaultValue = try expectOptional(.equals) ? try parseValueLiteral(isConst: true) : nil
        let directives = try parseDirectives(isConst: true)
        return VariableDefinition(
            variable: variable, type: type, defaultValue: defaultValue, directives: directives, location: location)
    }

    /// Variable : $ Name
    ///
    /// The name is located at the `$`.
    mutating func parseVariable() throws(GraphQLError) -> Name {
        let dollar = try expect(.dollar)
        let name = try parseName()
        return Name(name.value, at: dollar.location)
    }

    /// Directives[Const] : Directive[?Const]+
    mutating func parseDirectives(isConst: Bool) throws(GraphQLError) -> [Directive] {
        var directives: [Directive] = []
        while peek(.at) {
            directives.append(try parseDirective(isConst: isConst))
        }
        return directives
    }

    /// Directive[Const] : @ Name Arguments[?Const]?
    mutating func parseDirective(isConst: Bool) throws(GraphQLError) -> Directive {
        let at = try expect(.at)
        let name = try parseName()
        return Directive(name: name, arguments: try parseArguments(isConst: isConst), location: at.location)
    }

    /// Arguments[Const] : ( Argument[?Const]+ )
    mutating func parseArguments(isConst: Bool) throws(GraphQLError) -> [Argument] {
        guard try expectOptional(.parenL) else { return [] }
        var arguments: [Argument] = []
        repeat {
            arguments.append(try parseArgument(isConst: isConst))
        } while try !expectOptional(.parenR)
        return arguments
    }

    /// Argument[Const] : Name : Value[?Const]
    mutating func parseArgument(isConst: Bool) throws(GraphQLError) -> Argument {
        let name = try parseName()
        try expect(.colon)
        return Argument(name: name, value: try parseValueLiteral(isConst: isConst), location: name.location)
    }
}
