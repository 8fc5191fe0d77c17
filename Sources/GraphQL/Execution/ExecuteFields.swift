import JSON

extension ExecutionContext {
    /// ExecuteSelectionSet (spec §6.3) for collected fields, one after another: the order
    /// mutations require (§6.3.1) and, with no task per field, the cheapest for queries too.
    /// Response keys keep the order of the selection.
    func executeFields(_ fields: [CollectedField], objectType: GraphQLNamedType, parent: ResolvedValue) async throws(
        NullPropagation
    ) -> JSONValue {
        var result = JSONObject()
        result.fields.reserveCapacity(fields.count)
        for field in fields {
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            let value: JSONValue?
            if field.resolver == nil, field.isSynchronous(in: self) {
                value = try executeFieldSync(field, objectType: objectType, parent: parent)
            } else {
                value = try await executeField(field, objectType: objectType, parent: parent)
            }
            if let value { result.fields.append((key: field.responseKey, value: value)) }
        }
        return .object(result)
    }

    /// ExecuteField (spec §6.4): resolve, then complete; a field error makes the field null, or
    /// moves the null up when the field is non-null (§6.4.4). Nil for a field the type does not
    /// have (validation rules that out).
    func executeField(_ field: CollectedField, objectType: GraphQLNamedType, parent: ResolvedValue) async throws(
        NullPropagation
    ) -> JSONValue? {
        guard let definition = field.definition else {
            return field.fieldName == "__typename" ? .string(objectType.name) : nil
        }
        do throws(NullPropagation) {
            let resolved: ResolvedValue
            if let introspection = field.introspectionResolver {
                guard let arguments = argumentValues(of: field, parentType: objectType) else { throw NullPropagation() }
                resolved = introspection(parent, arguments, schema)
            } else if let resolver = field.resolver {
                guard let arguments = argumentValues(of: field, parentType: objectType) else { throw NullPropagation() }
                resolved = try await callResolver(
                    resolver, field: field, definition: definition, objectType: objectType, parent: parent,
                    arguments: arguments)
            } else {
                resolved = Self.defaultResolve(parent, field.fieldName)
            }
            if field.isSynchronous(in: self) {
                return try completeValueSync(definition.type, field: field, parentType: objectType, value: resolved)
            }
            return try await completeValue(definition.type, field: field, parentType: objectType, value: resolved)
        } catch {
            if definition.type.isNonNull { throw error }
            return .null
        }
    }

    private func callResolver(
        _ resolver: FieldResolver, field: CollectedField, definition: GraphQLField, objectType: GraphQLNamedType,
        parent: ResolvedValue, arguments: ArgumentValues
    ) async throws(NullPropagation) -> ResolvedValue {
        let info = ResolveInfo(
            fieldName: field.fieldName, parentTypeName: objectType.name, returnType: definition.type, path: path,
            schema: schema, context: userContext)
        do {
            return try await resolver(parent, arguments, info)
        } catch let error as FieldError {
            recordError(error.message, at: field, extensions: error.extensions)
        } catch {
            recordError("Internal error", at: field, extensions: ["code": "internal"])
        }
        throw NullPropagation()
    }

    /// The default field resolver (spec §6.4.2 ResolveFieldValue): the parent JSON object's
    /// member of the same name.
    static func defaultResolve(_ parent: ResolvedValue, _ name: String) -> ResolvedValue {
        guard case .json(.object(let object)) = parent else { return .null }
        // Field names are ASCII, so `==` is exact here, and faster than JSONObject's
        // byte-wise subscript.
        for member in object.fields where member.key == name {
            return .json(member.value)
        }
        return .null
    }
}
