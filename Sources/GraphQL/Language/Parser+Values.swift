extension Parser {
    /// Value[Const] :
    ///   - [~Const] Variable
    ///   - IntValue
    ///   - FloatValue
    ///   - StringValue
    ///   - BooleanValue
    ///   - NullValue
    ///   - EnumValue
    ///   - ListValue[?Const]
    ///   - ObjectValue[?Const]
    ///
    /// BooleanValue : one of `true` `false`
    ///
    /// NullValue : `null`
    ///
    /// EnumValue : Name but not `true`, `false` or `null`
    mutating func parseValueLiteral(isConst: Bool) throws(GraphQLError) -> Value {
        // Lists and objects recurse; keeping everything else out of line keeps each level's
        // stack frame small.
        switch token.kind {
        case .bracketL: try parseList(isConst: isConst)
        case .braceL: try parseObject(isConst: isConst)
        default: try parseScalarValue(isConst: isConst)
        }
    }

    /// Every Value[Const] but ListValue and ObjectValue.
    @inline(never)
    private mutating func parseScalarValue(isConst: Bool) throws(GraphQLError) -> Value {
        let current = token
        switch current.kind {
        case .int:
            try advance()
            return Value(.int(current.value ?? ""), at: current.location)
        case .float:
            try advance()
            return Value(.float(current.value ?? ""), at: current.location)
        case .string, .blockString:
            try advance()
            return Value(.string(current.value ?? "", block: current.kind == .blockString), at: current.location)
        case .name:
            try advance()
            switch current.value ?? "" {
            case "true": return Value(.boolean(true), at: current.location)
            case "false": return Value(.boolean(false), at: current.location)
            case "null": return Value(.null, at: current.location)
            case let name: return Value(.enumValue(name), at: current.location)
            }
        case .dollar:
            if isConst {
                try advance()
                if token.kind == .name, let name = token.value {
                    throw syntaxError("Unexpected variable '$\(name)' in constant value.", at: current)
                }
                throw unexpected(current)
            }
            let variable = try parseVariable()
            return Value(.variable(variable.value), at: variable.location)
        default:
            throw unexpected()
        }
    }

    /// ListValue[Const] :
    ///   - [ ]
    ///   - [ Value[?Const]+ ]
    mutating func parseList(isConst: Bool) throws(GraphQLError) -> Value {
        try enterNesting()
        let bracket = try expect(.bracketL)
        var values: [Value] = []
        while try !expectOptional(.bracketR) {
            values.append(try parseValueLiteral(isConst: isConst))
        }
        leaveNesting()
        return Value(.list(values), at: bracket.location)
    }

    /// ObjectValue[Const] :
    ///   - { }
    ///   - { ObjectField[?Const]+ }
    mutating func parseObject(isConst: Bool) throws(GraphQLError) -> Value {
        try enterNesting()
        let brace = try expect(.braceL)
        var fields: [ObjectField] = []
        while try !expectOptional(.braceR) {
            fields.append(try parseObjectField(isConst: isConst))
        }
        leaveNesting()
        return Value(.object(fields), at: brace.location)
    }

    /// ObjectField[Const] : Name : Value[?Const]
    mutating func parseObjectField(isConst: Bool) throws(GraphQLError) -> ObjectField {
        let name = try parseName()
        try expect(.colon)
        return ObjectField(name: name, value: try parseValueLiteral(isConst: isConst), location: name.location)
    }
}
