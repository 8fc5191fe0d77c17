/// Builds the running schema from SDL (spec §3), as graphql-core's `build_ast_schema` does: the
/// document's types and directives plus the built-in scalars, the specified directives and the
/// introspection types, with `typeNames` in graphql-core's `type_map` order so introspection
/// lists types exactly as the reference does. Invalid SDL throws a GraphQLError naming what is
/// wrong and where (graphql-core's messages).
public enum SchemaBuilder {
    public static func build(_ document: Document) throws(GraphQLError) -> GraphQLSchema {
        var schemaDefinition: SchemaDefinition?
        var typeDefinitions: [TypeDefinition] = []
        var definedTypeNames: [String: Name] = [:]
        var directiveDefinitions: [DirectiveDefinition] = []
        var definedDirectiveNames: Set<String> = []

        for definition in document.definitions {
            switch definition {
            case .operation(let operation):
                throw GraphQLError(
                    "A schema document may not contain operations; found \(operation.operation.rawValue) '\(operation.name?.value ?? "")'.",
                    locations: [operation.location])
            case .fragment(let fragment):
                throw GraphQLError(
                    "A schema document may not contain fragments; found '\(fragment.name.value)'.", locations: [fragment.location])
            case .typeSystem(.schema(let schema)):
                if let first = schemaDefinition {
                    throw GraphQLError("Must provide only one schema definition.", locations: [first.location, schema.location])
                }
                schemaDefinition = schema
            case .typeSystem(.type(let type)):
                let name = type.name.value
                if let first = definedTypeNames[name] {
                    throw GraphQLError("There can be only one type named '\(name)'.", locations: [first.location, type.name.location])
                }
                if BuiltInScalars.isBuiltIn(name), case .scalar = type.kind {
                    // graphql-core keeps its own built-in scalar when SDL restates it.
                } else if BuiltInScalars.isBuiltIn(name) || IntrospectionTypes.names.contains(name) {
                    throw GraphQLError("Type '\(name)' already exists in the schema. It cannot also be defined in this type definition.", locations: [type.name.location])
                }
                definedTypeNames[name] = type.name
                typeDefinitions.append(type)
            case .typeSystem(.directive(let directive)):
                let name = directive.name.value
                if definedDirectiveNames.contains(name) {
                    throw GraphQLError("There can be only one directive named '@\(name)'.", locations: [directive.name.location])
                }
                definedDirectiveNames.insert(name)
                directiveDefinitions.append(directive)
            case .typeSystem(.extensionDefinition(let kind, let name, let location)):
                throw GraphQLError(
                    "Schema extensions are not supported: 'extend \(kind)\(name.map { " " + $0.value } ?? "")'.", locations: [location])
            }
        }

        // Directives first without what directives say about their own arguments (@deprecated),
        // since checking those needs every directive's definition.
        var directives = try directiveDefinitions.map { definition throws(GraphQLError) in try buildDirective(definition, applied: nil) }
        for specified in SpecifiedDirectives.all where !definedDirectiveNames.contains(specified.name) {
            directives.append(specified)
        }
        let directivesByName = Dictionary(directives.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let applied = AppliedDirectives(directives: directivesByName)
        for (index, definition) in directiveDefinitions.enumerated() {
            directives[index] = try buildDirective(definition, applied: applied)
        }

        var sdlTypes: [GraphQLNamedType] = []
        for definition in typeDefinitions {
            if let builtIn = BuiltInScalars.byName[definition.name.value] {
                sdlTypes.append(builtIn)
            } else {
                sdlTypes.append(try buildType(definition, applied: applied))
            }
        }

        var allTypes: [String: GraphQLNamedType] = [:]
        for type in BuiltInScalars.all + IntrospectionTypes.all + sdlTypes { allTypes[type.name] = type }
        try checkReferences(typeDefinitions, directiveDefinitions, schemaDefinition, known: allTypes)

        let roots = try rootTypes(schemaDefinition, applied: applied, definedTypeNames: definedTypeNames)
        if let schemaDefinition { try applied.check(schemaDefinition.directives, at: .schema) }
        let order = typeOrder(
            sdlTypes: sdlTypes.map(\.name), roots: [roots.query, roots.mutation, roots.subscription].compactMap { $0 },
            directives: directives, types: allTypes)
        let schema = GraphQLSchema(
            description: schemaDefinition?.description, queryType: roots.query ?? "", mutationType: roots.mutation,
            subscriptionType: roots.subscription, types: order.compactMap { allTypes[$0] }, directives: directives)
        try SchemaChecks(schema: schema, definitions: typeDefinitions).run(hasQueryRoot: roots.query != nil)
        return schema
    }

    /// `schema { query: ... }`, or else the types named Query, Mutation and Subscription.
    private static func rootTypes(
        _ definition: SchemaDefinition?, applied: AppliedDirectives, definedTypeNames: [String: Name]
    ) throws(GraphQLError) -> (query: String?, mutation: String?, subscription: String?) {
        guard let definition else {
            return (
                definedTypeNames["Query"] != nil ? "Query" : nil, definedTypeNames["Mutation"] != nil ? "Mutation" : nil,
                definedTypeNames["Subscription"] != nil ? "Subscription" : nil
            )
        }
        var roots: [OperationType: String] = [:]
        for (operation, type) in definition.operationTypes {
            if roots[operation] != nil {
                throw GraphQLError("There can be only one \(operation.rawValue) type in schema.", locations: [type.location])
            }
            roots[operation] = type.value
        }
        return (roots[.query], roots[.mutation], roots[.subscription])
    }

    private static func buildDirective(
        _ definition: DirectiveDefinition, applied: AppliedDirectives?
    ) throws(GraphQLError) -> GraphQLDirective {
        var locations: [DirectiveLocation] = []
        for name in definition.locations {
            guard let location = DirectiveLocation(rawValue: name.value) else {
                throw GraphQLError("Unsupported directive location '\(name.value)'.", locations: [name.location])
            }
            locations.append(location)
        }
        let owner = "@\(definition.name.value)"
        try checkUniqueNames(definition.arguments.map(\.name)) { "Argument '\(owner)(\($0):)' can only be defined once." }
        var arguments: [GraphQLInputValue] = []
        for argument in definition.arguments {
            try applied?.check(argument.directives, at: .argumentDefinition)
            arguments.append(
                GraphQLInputValue(
                    name: argument.name.value, description: argument.description, type: GraphQLType(argument.type),
                    defaultValue: argument.defaultValue, deprecationReason: applied?.deprecationReason(argument.directives)))
        }
        return GraphQLDirective(
            name: definition.name.value, description: definition.description, locations: locations, arguments: arguments,
            isRepeatable: definition.isRepeatable)
    }

    static func checkUniqueNames(_ names: [Name], message: (String) -> String) throws(GraphQLError) {
        var seen: [String: Name] = [:]
        for name in names {
            if let first = seen[name.value] {
                throw GraphQLError(message(name.value), locations: [first.location, name.location])
            }
            seen[name.value] = name
        }
    }
}
