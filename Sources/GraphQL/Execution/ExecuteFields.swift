import JSON

extension ExecutionContext {
    /// ExecuteSelectionSet (spec §6.3) for collected fields, one after another: the order
    /// mutations require (§6.3.1) and, with no task per field, the cheapest for queries too.
    /// The object is written to `out` in the order of the selection; a non-null field that
    /// failed leaves it half written, for the nullable position above to roll back.
    func executeFields(
        _ fields: [CollectedField], objectType: GraphQLNamedType, parent: ResolvedValue, path: inout [PathComponent],
        out: inout JSONWriter
    ) async throws(NullPropagation) {
        out.beginObject()
        // The parent's JSON members, shared by the fields that complete synchronously.
        var members: [JSONObject.Field]? = nil
        var hint = 0
        for field in fields {
            // A field the type does not have (validation rules that out) is left out.
            guard field.returnType != nil || field.fieldName == "__typename" else { continue }
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            out.key(encoded: field.encodedKey)
            if field.resolver == nil, field.isSynchronous(in: self) {
                try executeFieldSync(
                    field, objectType: objectType, parent: parent, members: &members, hint: &hint, path: &path, out: &out)
            } else {
                try await executeField(field, objectType: objectType, parent: parent, path: &path, out: &out)
            }
        }
        out.endObject()
    }

    /// ExecuteField (spec §6.4): resolve, then complete; a field error makes the field null, or
    /// moves the null up when the field is non-null (§6.4.4).
    func executeField(
        _ field: CollectedField, objectType: GraphQLNamedType, parent: ResolvedValue, path: inout [PathComponent],
        out: inout JSONWriter
    ) async throws(NullPropagation) {
        guard let returnType = field.returnType else {
            out.string(objectType.name)
            return
        }
        let mark = out.mark
        do throws(NullPropagation) {
            let resolved: ResolvedValue
            if let introspection = field.introspectionResolver {
                guard let arguments = argumentValues(of: field, parentType: objectType, path: path) else {
                    throw NullPropagation()
                }
                resolved = introspection(parent, arguments, schema)
            } else if let resolver = field.resolver {
                guard let arguments = argumentValues(of: field, parentType: objectType, path: path) else {
                    throw NullPropagation()
                }
                resolved = try await callResolver(
                    resolver, field: field, returnType: returnType, objectType: objectType, parent: parent,
                    arguments: arguments, path: path)
            } else {
                resolved = Self.defaultResolve(parent, field.fieldName)
            }
            if field.isSynchronous(in: self) {
                try completeValueSync(returnType, field: field, parentType: objectType, value: resolved, path: &path, out: &out)
            } else {
                try await completeValue(
                    returnType, field: field, parentType: objectType, value: resolved, path: &path, out: &out)
            }
        } catch {
            if returnType.isNonNull { throw error }
            out.rollback(to: mark)
            out.null()
        }
    }

    private func callResolver(
        _ resolver: FieldResolver, field: CollectedField, returnType: GraphQLType, objectType: GraphQLNamedType,
        parent: ResolvedValue, arguments: ArgumentValues, path: [PathComponent]
    ) async throws(NullPropagation) -> ResolvedValue {
        let info = ResolveInfo(
            fieldName: field.fieldName, parentTypeName: objectType.name, returnType: returnType, path: path,
            schema: schema, context: userContext)
        do {
            return try await resolver(parent, arguments, info)
        } catch let error as FieldError {
            recordError(error.message, at: field, path: path, extensions: error.extensions)
        } catch {
            recordError("Internal error", at: field, path: path, extensions: ["code": "internal"])
        }
        throw NullPropagation()
    }

    /// The default field resolver (spec §6.4.2 ResolveFieldValue): the parent JSON object's
    /// member of the same name.
    static func defaultResolve(_ parent: ResolvedValue, _ name: String) -> ResolvedValue {
        guard let object = jsonObject(of: parent) else { return .null }
        // Field names are ASCII, so `==` is exact here, and faster than JSONObject's
        // byte-wise subscript.
        for member in object.fields where member.key == name {
            return .json(member.value)
        }
        return .null
    }

    /// The JSON object a parent carries: `.json(.object)`, or an `.object(typeName:value:)`
    /// whose value is a JSON object (how a resolver names the type of a union member).
    static func jsonObject(of parent: ResolvedValue) -> JSONObject? {
        switch parent {
        case .json(.object(let object)): return object
        case .object(_, let value):
            if let object = value as? JSONObject { return object }
            if case .object(let object)? = value as? JSONValue { return object }
            return nil
        default: return nil
        }
    }
}
