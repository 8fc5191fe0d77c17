extension Parser {
    /// Type :
    ///   - NamedType
    ///   - ListType
    ///   - NonNullType
    ///
    /// ListType : [ Type ]
    ///
    /// NonNullType :
    ///   - NamedType !
    ///   - ListType !
    mutating func parseTypeReference() throws(GraphQLError) -> TypeReference {
        let start = token
        var type: TypeReference
        if peek(.bracketL) {
            try enterNesting()
            try advance()
            let inner = try parseTypeReference()
            leaveNesting()
            try expect(.bracketR)
            type = .list(inner, start.location)
        } else {
            type = .named(try parseName())
        }
        if try expectOptional(.bang) {
            type = .nonNull(type, start.location)
        }
        return type
    }
}
