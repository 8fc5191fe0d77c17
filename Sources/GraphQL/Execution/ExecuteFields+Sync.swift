import JSON

/// The synchronous twin of ExecuteFields/CompleteValue, for subtrees in which no caller's
/// resolver runs (`CollectedField.isSynchronous`): same results, no suspension points and no
/// async frames per field.
extension ExecutionContext {
    func executeFieldsSync(
        _ fields: [CollectedField], objectType: GraphQLNamedType, parent: ResolvedValue, path: inout [PathComponent],
        out: inout JSONWriter
    ) throws(NullPropagation) {
        if case .json(.object(let object)) = parent {
            return try executeFieldsSync(fields, objectType: objectType, object: object, path: &path, out: &out)
        }
        out.beginObject()
        // A JSON parent's members, read in selection order: usually the same order as the
        // object's, so each lookup starts where the previous one matched.
        var members: [JSONObject.Field]? = nil
        var hint = 0
        for field in fields {
            // A field the type does not have (validation rules that out) is left out.
            guard field.returnType != nil || field.fieldName == "__typename" else { continue }
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            out.key(encoded: field.encodedKey)
            try executeFieldSync(field, objectType: objectType, parent: parent, members: &members, hint: &hint, path: &path, out: &out)
        }
        out.endObject()
    }

    /// The default resolver over a JSON object's members (see `defaultResolve`), trying the
    /// member after the previous match first.
    static func member(_ name: String, of members: [JSONObject.Field], hint: inout Int) -> ResolvedValue {
        let count = members.count
        if hint < count, members[hint].key == name {
            hint += 1
            return .json(members[hint - 1].value)
        }
        for index in 0..<count where members[index].key == name {
            hint = index + 1
            return .json(members[index].value)
        }
        return .null
    }

    /// ExecuteField for a field without a caller's resolver. `members` is the parent's JSON
    /// members, looked up on the first default-resolved field (introspection parents never need
    /// them) and kept for the next field of the same object.
    func executeFieldSync(
        _ field: CollectedField, objectType: GraphQLNamedType, parent: ResolvedValue, members: inout [JSONObject.Field]?,
        hint: inout Int, path: inout [PathComponent], out: inout JSONWriter
    ) throws(NullPropagation) {
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
            } else {
                if members == nil { members = Self.jsonObject(of: parent)?.fields ?? [] }
                resolved = Self.member(field.fieldName, of: members!, hint: &hint)
            }
            try completeValueSync(returnType, field: field, parentType: objectType, value: resolved, path: &path, out: &out)
        } catch {
            if returnType.isNonNull { throw error }
            out.rollback(to: mark)
            out.null()
        }
    }

    func completeValueSync(
        _ type: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent], out: inout JSONWriter
    )
        throws(NullPropagation)
    {
        // Leaves are most fields: a JSON value that is already what the type allows goes
        // straight through.
        if let kind = field.leafKind, type.isNamedOrNonNullNamed, case .json(let json) = value,
            let fast = LeafSerialization.passThrough(json, kind: kind)
        {
            out.value(fast)
            return
        }
        switch try completionStep(type, field: field, parentType: parentType, value: value, path: path, out: &out) {
        case .written:
            return
        case .list(let itemType, let items):
            out.beginArray()
            for index in 0..<items.count {
                try completeItemSync(
                    itemType, index: index, field: field, parentType: parentType, value: items[index], path: &path, out: &out)
            }
            out.endArray()
        case .object(let objectType):
            try executeFieldsSync(
                field.subfields(for: objectType, in: self), objectType: objectType, parent: value, path: &path, out: &out)
        }
    }

    private func completeItemSync(
        _ itemType: GraphQLType, index: Int, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent], out: inout JSONWriter
    )
        throws(NullPropagation)
    {
        path.append(.index(index))
        defer { path.removeLast() }
        let mark = out.mark
        do {
            try completeValueSync(itemType, field: field, parentType: parentType, value: value, path: &path, out: &out)
        } catch {
            if itemType.isNonNull { throw error }
            out.rollback(to: mark)
            out.null()
        }
    }
}
