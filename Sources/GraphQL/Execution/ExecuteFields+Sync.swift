import JSON

/// The synchronous twin of ExecuteFields/CompleteValue, for subtrees in which no caller's
/// resolver runs (`CollectedField.isSynchronous`): same results, no suspension points and no
/// async frames per field.
extension ExecutionContext {
    func executeFieldsSync(
        _ fields: [CollectedField], objectType: GraphQLNamedType, parent: ResolvedValue, path: inout [PathComponent]
    ) throws(NullPropagation) -> JSONValue {
        var result = JSONObject()
        result.fields.reserveCapacity(fields.count)
        // A JSON parent's members, read in selection order: usually the same order as the
        // object's, so each lookup starts where the previous one matched.
        // Looked up on the first default-resolved field: introspection parents never need it.
        var members: [JSONObject.Field]? = nil
        var hint = 0
        for field in fields {
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            guard let returnType = field.returnType else {
                if field.fieldName == "__typename" {
                    result.fields.append((key: field.responseKey, value: .string(objectType.name)))
                }
                continue
            }
            let value: JSONValue
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
                value = try completeValueSync(returnType, field: field, parentType: objectType, value: resolved, path: &path)
            } catch {
                if returnType.isNonNull { throw error }
                value = .null
            }
            result.fields.append((key: field.responseKey, value: value))
        }
        return .object(result)
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

    /// ExecuteField for a field without a caller's resolver.
    func executeFieldSync(
        _ field: CollectedField, objectType: GraphQLNamedType, parent: ResolvedValue, path: inout [PathComponent]
    ) throws(NullPropagation) -> JSONValue? {
        guard let returnType = field.returnType else {
            return field.fieldName == "__typename" ? JSONValue.string(objectType.name) : Optional<JSONValue>.none
        }
        do throws(NullPropagation) {
            let resolved: ResolvedValue
            if let introspection = field.introspectionResolver {
                guard let arguments = argumentValues(of: field, parentType: objectType, path: path) else {
                    throw NullPropagation()
                }
                resolved = introspection(parent, arguments, schema)
            } else {
                resolved = Self.defaultResolve(parent, field.fieldName)
            }
            return try completeValueSync(returnType, field: field, parentType: objectType, value: resolved, path: &path)
        } catch {
            if returnType.isNonNull { throw error }
            return .null
        }
    }

    func completeValueSync(
        _ type: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent]
    )
        throws(NullPropagation) -> JSONValue
    {
        // Leaves are most fields: a JSON value that is already what the type allows goes
        // straight through.
        if let kind = field.leafKind, type.isNamedOrNonNullNamed, case .json(let json) = value,
            let fast = LeafSerialization.passThrough(json, kind: kind)
        {
            return fast
        }
        var type = type
        var nonNull = false
        if case .nonNull(let inner) = type {
            nonNull = true
            type = inner
        }
        switch value {
        case .null, .json(.null):
            if nonNull {
                recordError(
                    "Cannot return null for non-nullable field \(parentType.name).\(field.fieldName).", at: field, path: path)
                throw NullPropagation()
            }
            return .null
        default:
            break
        }
        if case .list(let itemType) = type {
            switch value {
            case .list(let items):
                var result: [JSONValue] = []
                result.reserveCapacity(items.count)
                for index in items.indices {
                    result.append(
                        try completeItemSync(
                            itemType, index: index, field: field, parentType: parentType, value: items[index], path: &path))
                }
                return .array(result)
            case .json(.array(let items)):
                var result: [JSONValue] = []
                result.reserveCapacity(items.count)
                for index in items.indices {
                    result.append(
                        try completeItemSync(
                            itemType, index: index, field: field, parentType: parentType, value: .json(items[index]), path: &path)
                    )
                }
                return .array(result)
            default:
                recordError(
                    "Expected Iterable, but did not find one for field '\(parentType.name).\(field.fieldName)'.", at: field,
                    path: path)
                throw NullPropagation()
            }
        }
        guard let named = field.namedType else {
            recordError("Cannot complete value of unexpected output type: '\(type)'.", at: field, path: path)
            throw NullPropagation()
        }
        switch named.kind {
        case .scalar, .enumeration:
            switch LeafSerialization.serialize(value, kind: field.leafKind ?? .custom, type: named) {
            case .success(let json): return json
            case .failure(let message):
                recordError(message.text, at: field, path: path)
                throw NullPropagation()
            }
        case .object:
            return try executeFieldsSync(field.subfields(for: named, in: self), objectType: named, parent: value, path: &path)
        case .interface, .union:
            let objectType = try runtimeType(of: value, abstractType: named, field: field, parentType: parentType, path: path)
            return try executeFieldsSync(
                field.subfields(for: objectType, in: self), objectType: objectType, parent: value, path: &path)
        case .inputObject:
            recordError("Cannot complete value of unexpected output type: '\(named.name)'.", at: field, path: path)
            throw NullPropagation()
        }
    }

    private func completeItemSync(
        _ itemType: GraphQLType, index: Int, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent]
    )
        throws(NullPropagation) -> JSONValue
    {
        path.append(.index(index))
        defer { path.removeLast() }
        do {
            return try completeValueSync(itemType, field: field, parentType: parentType, value: value, path: &path)
        } catch {
            if itemType.isNonNull { throw error }
            return .null
        }
    }
}
