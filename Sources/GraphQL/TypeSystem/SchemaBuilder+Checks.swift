/// Type-system validation of a built schema (spec §3 "Type Validation" sections), with
/// graphql-core's `validate_schema` messages. The first problem found is thrown: the gateway
/// refuses to start on an invalid schema, and one precise message is what its author needs.
struct SchemaChecks {
    let schema: GraphQLSchema
    let definitions: [String: TypeDefinition]

    init(schema: GraphQLSchema, definitions: [TypeDefinition]) {
        self.schema = schema
        self.definitions = Dictionary(definitions.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func run(hasQueryRoot: Bool) throws(GraphQLError) {
        guard hasQueryRoot else { throw GraphQLError("Query root type must be provided.") }
        for (operation, name) in [(OperationType.query, schema.queryType), (.mutation, schema.mutationType), (.subscription, schema.subscriptionType)] {
            guard let name, let type = schema.type(named: name) else { continue }
            if case .object = type.kind { continue }
            let label = operation.rawValue.prefix(1).uppercased() + operation.rawValue.dropFirst()
            throw GraphQLError(
                "\(label) root type must be Object type\(operation == .query ? "" : " if provided"), it cannot be \(name).",
                locations: location(of: name))
        }
        for directive in schema.directives where !SpecifiedDirectives.isSpecified(directive.name) {
            try checkName(directive.name, at: nil)
            for argument in directive.arguments {
                let label = "@\(directive.name)(\(argument.name):)"
                if schema.namedType(of: argument.type)?.isInputType != true {
                    throw GraphQLError("The type of \(label) must be Input Type but got: \(argument.type).")
                }
                try checkDefault(argument, label)
            }
        }
        for type in schema.types where definitions[type.name] != nil {
            try checkName(type.name, at: definitions[type.name]?.name.location)
            switch type.kind {
            case .object(let fields, let interfaces), .interface(let fields, let interfaces):
                try checkFields(of: type, fields)
                try checkInterfaces(of: type, interfaces)
            case .union(let members):
                if members.isEmpty {
                    throw GraphQLError("Union type \(type.name) must define one or more member types.", locations: location(of: type.name))
                }
                var seen: Set<String> = []
                for member in members {
                    if !seen.insert(member).inserted {
                        throw GraphQLError("Union type \(type.name) can only include type \(member) once.", locations: location(of: type.name))
                    }
                    guard case .object = schema.type(named: member)?.kind else {
                        throw GraphQLError(
                            "Union type \(type.name) can only include Object types, it cannot include \(member).",
                            locations: location(of: type.name))
                    }
                }
            case .enumeration(let values):
                if values.isEmpty {
                    throw GraphQLError("Enum type \(type.name) must define one or more values.", locations: location(of: type.name))
                }
            case .inputObject(let fields):
                if fields.isEmpty {
                    throw GraphQLError("Input Object type \(type.name) must define one or more fields.", locations: location(of: type.name))
                }
                for field in fields {
                    try checkName(field.name, at: nil)
                    if schema.namedType(of: field.type)?.isInputType != true {
                        throw GraphQLError(
                            "The type of \(type.name).\(field.name) must be Input Type but got: \(field.type).",
                            locations: location(of: type.name))
                    }
                    try checkDefault(field, "\(type.name).\(field.name)")
                    if type.isOneOf && field.type.isNonNull {
                        throw GraphQLError("OneOf input field \(type.name).\(field.name) must be nullable.", locations: location(of: type.name))
                    }
                    if type.isOneOf && field.defaultValue != nil {
                        throw GraphQLError(
                            "OneOf input field \(type.name).\(field.name) cannot have a default value.", locations: location(of: type.name))
                    }
                }
            case .scalar:
                break
            }
        }
    }

    /// A default value must fit its type, as a literal would (graphql-core's `validate_default_value`).
    private func checkDefault(_ value: GraphQLInputValue, _ label: String) throws(GraphQLError) {
        guard let literal = value.defaultValue else { return }
        var first: GraphQLError?
        LiteralValidation(schema: schema) { message, location, path in
            if first == nil {
                first = GraphQLError(
                    "\(label) has invalid default value\(path.isEmpty ? "" : " at " + path): \(message)",
                    locations: [location ?? literal.location])
            }
        }.validate(literal, value.type)
        if let first { throw first }
    }

    private func location(of typeName: String) -> [SourceLocation] {
        definitions[typeName].map { [$0.name.location] } ?? []
    }

    private func checkName(_ name: String, at location: SourceLocation?) throws(GraphQLError) {
        if name.hasPrefix("__") {
            throw GraphQLError(
                "Name '\(name)' must not begin with '__', which is reserved by GraphQL introspection.",
                locations: location.map { [$0] } ?? [])
        }
    }

    private func checkFields(of type: GraphQLNamedType, _ fields: [GraphQLField]) throws(GraphQLError) {
        if fields.isEmpty {
            throw GraphQLError("Type \(type.name) must define one or more fields.", locations: location(of: type.name))
        }
        for field in fields {
            try checkName(field.name, at: nil)
            if schema.namedType(of: field.type)?.isOutputType != true {
                throw GraphQLError(
                    "The type of \(type.name).\(field.name) must be Output Type but got: \(field.type).", locations: location(of: type.name))
            }
            for argument in field.arguments {
                let label = "\(type.name).\(field.name)(\(argument.name):)"
                try checkName(argument.name, at: nil)
                if schema.namedType(of: argument.type)?.isInputType != true {
                    throw GraphQLError("The type of \(label) must be Input Type but got: \(argument.type).", locations: location(of: type.name))
                }
                if argument.type.isNonNull && argument.defaultValue == nil && argument.deprecationReason != nil {
                    throw GraphQLError("Required argument \(label) cannot be deprecated.", locations: location(of: type.name))
                }
                try checkDefault(argument, label)
            }
        }
    }

    private func checkInterfaces(of type: GraphQLNamedType, _ interfaces: [String]) throws(GraphQLError) {
        var seen: Set<String> = []
        for name in interfaces {
            guard let interface = schema.type(named: name), case .interface = interface.kind else {
                throw GraphQLError(
                    "Type \(type.name) must only implement Interface types, it cannot implement \(name).", locations: location(of: type.name))
            }
            if name == type.name {
                throw GraphQLError(
                    "Type \(type.name) cannot implement itself because it would create a circular reference.",
                    locations: location(of: type.name))
            }
            if !seen.insert(name).inserted {
                throw GraphQLError("Type \(type.name) can only implement \(name) once.", locations: location(of: type.name))
            }
            for transitive in interface.interfaces where !interfaces.contains(transitive) {
                throw GraphQLError(
                    transitive == type.name
                        ? "Type \(type.name) cannot implement \(name) because it would create a circular reference."
                        : "Type \(type.name) must implement \(transitive) because it is implemented by \(name).",
                    locations: location(of: type.name))
            }
            try checkImplementation(of: type, interface)
        }
    }

    private func checkImplementation(of type: GraphQLNamedType, _ interface: GraphQLNamedType) throws(GraphQLError) {
        for interfaceField in interface.fields {
            let fieldName = interfaceField.name
            guard let field = type.field(named: fieldName) else {
                throw GraphQLError(
                    "Interface field \(interface.name).\(fieldName) expected but \(type.name) does not provide it.",
                    locations: location(of: interface.name) + location(of: type.name))
            }
            if !schema.isTypeSubTypeOf(field.type, interfaceField.type) {
                throw GraphQLError(
                    "Interface field \(interface.name).\(fieldName) expects type \(interfaceField.type) but \(type.name).\(fieldName) is type \(field.type).",
                    locations: location(of: interface.name) + location(of: type.name))
            }
            for interfaceArgument in interfaceField.arguments {
                let argumentName = interfaceArgument.name
                guard let argument = field.argument(named: argumentName) else {
                    throw GraphQLError(
                        "Interface field argument \(interface.name).\(fieldName)(\(argumentName):) expected but \(type.name).\(fieldName) does not provide it.",
                        locations: location(of: interface.name) + location(of: type.name))
                }
                if argument.type != interfaceArgument.type {
                    throw GraphQLError(
                        "Interface field argument \(interface.name).\(fieldName)(\(argumentName):) expects type \(interfaceArgument.type) but \(type.name).\(fieldName)(\(argumentName):) is type \(argument.type).",
                        locations: location(of: interface.name) + location(of: type.name))
                }
            }
            for argument in field.arguments
            where interfaceField.argument(named: argument.name) == nil && argument.type.isNonNull && argument.defaultValue == nil {
                throw GraphQLError(
                    "Argument '\(type.name).\(fieldName)(\(argument.name):)' must not be required type '\(argument.type)' if not provided by the Interface field '\(interface.name).\(fieldName)'.",
                    locations: location(of: type.name) + location(of: interface.name))
            }
        }
    }
}
