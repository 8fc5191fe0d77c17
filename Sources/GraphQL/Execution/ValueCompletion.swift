import JSON

/// What is left of CompleteValue (spec §6.4.3) once the parts that never suspend are done: the
/// items of a list, or the object type whose fields run next. The synchronous and the async
/// completion share `completionStep` and differ only in how they run these.
enum CompletionStep {
    /// Null or a leaf, already written.
    case written
    case list(itemType: GraphQLType, items: ListItems)
    case object(GraphQLNamedType)
}

/// A list value's items, from a resolver's `.list` or a JSON array, without copying either.
enum ListItems {
    case resolved([ResolvedValue])
    case json([JSONValue])

    var count: Int {
        switch self {
        case .resolved(let items): items.count
        case .json(let items): items.count
        }
    }

    subscript(index: Int) -> ResolvedValue {
        switch self {
        case .resolved(let items): items[index]
        case .json(let items): .json(items[index])
        }
    }
}

extension ExecutionContext {
    /// CompleteValue (spec §6.4.3) up to where it may suspend: a null checked against non-null,
    /// a leaf serialized, an abstract type resolved. Errors are recorded where they happen and
    /// thrown as `NullPropagation` to the nearest field or list item that may be null.
    func completionStep(
        _ type: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: [PathComponent], out: inout JSONWriter
    )
        throws(NullPropagation) -> CompletionStep
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
            return .written
        default:
            break
        }
        if case .list(let itemType) = type {
            switch value {
            case .list(let items): return .list(itemType: itemType, items: .resolved(items))
            case .json(.array(let items)): return .list(itemType: itemType, items: .json(items))
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
            case .success(let json):
                out.value(json)
                return .written
            case .failure(let message):
                recordError(message.text, at: field, path: path)
                throw NullPropagation()
            }
        case .object:
            return .object(named)
        case .interface, .union:
            return .object(try runtimeType(of: value, abstractType: named, field: field, parentType: parentType, path: path))
        case .inputObject:
            recordError("Cannot complete value of unexpected output type: '\(named.name)'.", at: field, path: path)
            throw NullPropagation()
        }
    }

    /// CompleteValue (spec §6.4.3), for values whose subtree may run async resolvers.
    func completeValue(
        _ type: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue,
        path: inout [PathComponent], out: inout JSONWriter
    )
        async throws(NullPropagation)
    {
        switch try completionStep(type, field: field, parentType: parentType, value: value, path: path, out: &out) {
        case .written:
            return
        case .list(let itemType, let items):
            out.beginArray()
            for index in 0..<items.count {
                try await completeItem(
                    itemType, index: index, field: field, parentType: parentType, value: items[index], path: &path, out: &out)
            }
            out.endArray()
        case .object(let objectType):
            try await executeFields(
                field.subfields(for: objectType, in: self), objectType: objectType, parent: value, path: &path, out: &out)
        }
    }

    /// A list item at its index of the path: an item error nulls the item, or the whole list
    /// when items are non-null.
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
