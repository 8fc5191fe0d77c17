import JSON

extension ExecutionContext {
    /// CompleteValue (spec §6.4.3). Errors are recorded where they happen and thrown as
    /// `NullPropagation` to the nearest field or list item that may be null.
    func completeValue(
        _ type: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent], out: inout JSONWriter
    )
        async throws(NullPropagation)
    {
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
            out.null()
            return
        default:
            break
        }
        if case .list(let itemType) = type {
            try await completeList(itemType, field: field, parentType: parentType, value: value, path: &path, out: &out)
            return
        }
        guard let named = field.namedType else {
            recordError("Cannot complete value of unexpected output type: '\(type)'.", at: field, path: path)
            throw NullPropagation()
        }
        switch named.kind {
        case .scalar, .enumeration:
            switch LeafSerialization.serialize(value, kind: field.leafKind ?? .custom, type: named) {
            case .success(let json): out.value(json)
            case .failure(let message):
                recordError(message.text, at: field, path: path)
                throw NullPropagation()
            }
        case .object:
            try await executeFields(
                field.subfields(for: named, in: self), objectType: named, parent: value, path: &path, out: &out)
        case .interface, .union:
            let objectType = try runtimeType(of: value, abstractType: named, field: field, parentType: parentType, path: path)
            try await executeFields(
                field.subfields(for: objectType, in: self), objectType: objectType, parent: value, path: &path, out: &out)
        case .inputObject:
            recordError("Cannot complete value of unexpected output type: '\(named.name)'.", at: field, path: path)
            throw NullPropagation()
        }
    }

    /// CompleteValue for a list type: each item completed at its index of the path; an item
    /// error nulls the item, or the whole list when items are non-null.
    private func completeList(
        _ itemType: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent], out: inout JSONWriter
    )
        async throws(NullPropagation)
    {
        switch value {
        case .list(let items):
            out.beginArray()
            for index in items.indices {
                try await completeItem(
                    itemType, index: index, field: field, parentType: parentType, value: items[index], path: &path, out: &out)
            }
            out.endArray()
        case .json(.array(let items)):
            out.beginArray()
            for index in items.indices {
                try await completeItem(
                    itemType, index: index, field: field, parentType: parentType, value: .json(items[index]), path: &path,
                    out: &out)
            }
            out.endArray()
        default:
            recordError(
                "Expected Iterable, but did not find one for field '\(parentType.name).\(field.fieldName)'.", at: field,
                path: path)
            throw NullPropagation()
        }
    }

    private func completeItem(
        _ itemType: GraphQLType, index: Int, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent], out: inout JSONWriter
    )
        async throws(NullPropagation)
    {
        path.append(.index(index))
        defer { path.removeLast() }
        let mark = out.mark
        do {
            try await completeValue(itemType, field: field, parentType: parentType, value: value, path: &path, out: &out)
        } catch {
            if itemType.isNonNull { throw error }
            out.rollback(to: mark)
            out.null()
        }
    }

    /// ResolveAbstractType (spec §6.4.3): the object type a value names, by `.object(typeName:)`
    /// or by its `__typename` member; it must be one of the abstract type's possible types.
    func runtimeType(
        of value: ResolvedValue, abstractType: GraphQLNamedType, field: CollectedField, parentType: GraphQLNamedType,
        path: [PathComponent]
    )
        throws(NullPropagation) -> GraphQLNamedType
    {
        var name: String?
        switch value {
        case .object(let typeName, _): name = typeName
        case .json(.object(let object)): name = object["__typename"]?.stringValue
        default: name = nil
        }
        guard let name else {
            recordError(
                "Abstract type '\(abstractType.name)' must resolve to an Object type at runtime for field "
                    + "'\(parentType.name).\(field.fieldName)'. Either the '\(abstractType.name)' type should provide "
                    + "a 'resolve_type' function or each possible type should provide an 'is_type_of' function.",
                at: field, path: path)
            throw NullPropagation()
        }
        guard let runtimeType = schema.type(named: name) else {
            recordError(
                "Abstract type '\(abstractType.name)' was resolved to a type '\(name)' that does not exist inside the schema.",
                at: field, path: path)
            throw NullPropagation()
        }
        guard case .object = runtimeType.kind else {
            recordError(
                "Abstract type '\(abstractType.name)' was resolved to a non-object type '\(name)'.", at: field, path: path)
            throw NullPropagation()
        }
        guard schema.isPossibleType(name, of: abstractType.name) else {
            recordError("Runtime Object type '\(name)' is not a possible type for '\(abstractType.name)'.", at: field, path: path)
            throw NullPropagation()
        }
        return runtimeType
    }
}
