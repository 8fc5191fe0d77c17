/// The parts of type-system definitions that executable validation still looks at when a request
/// contains them (graphql-js visits them too): their named types and applied directives, in
/// graphql-js's key order. ExecutableDefinitions rejects such a request in any case.
extension ASTWalker {
    func walkTypeSystem(_ definition: TypeSystemDefinition) {
        switch definition {
        case .schema(let schema):
            walk(schema.directives, at: .schema)
            for (_, type) in schema.operationTypes { namedType(type) }
        case .type(let type):
            switch type.kind {
            case .scalar:
                walk(type.directives, at: .scalar)
            case .object(let interfaces, let fields), .interface(let interfaces, let fields):
                for interface in interfaces { namedType(interface) }
                if case .object = type.kind { walk(type.directives, at: .object) } else { walk(type.directives, at: .interface) }
                for field in fields {
                    inputValues(field.arguments, at: .argumentDefinition)
                    namedType(field.type.namedType)
                    walk(field.directives, at: .fieldDefinition)
                }
            case .union(let members):
                walk(type.directives, at: .union)
                for member in members { namedType(member) }
            case .enumeration(let values):
                walk(type.directives, at: .enumeration)
                for value in values { walk(value.directives, at: .enumValue) }
            case .inputObject(let fields):
                walk(type.directives, at: .inputObject)
                inputValues(fields, at: .inputFieldDefinition)
            }
        case .directive(let directive):
            inputValues(directive.arguments, at: .argumentDefinition)
        case .extensionDefinition:
            break  // the AST keeps only the extension's kind and name
        }
    }

    private func inputValues(_ values: [InputValueDefinition], at location: DirectiveLocation) {
        for value in values {
            namedType(value.type.namedType)
            walk(value.directives, at: location)
        }
    }

    private func namedType(_ name: Name) {
        if isAborted() { return }
        typeInfo.enter(.typeSystemNamedType(name))
        if visitor.enter(.typeSystemNamedType(name)) == .proceed { visitor.leave(.typeSystemNamedType(name)) }
        typeInfo.leave(.typeSystemNamedType(name))
    }
}
