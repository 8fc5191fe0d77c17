import JSON

/// The synchronous twin of ExecuteFields/CompleteValue, for subtrees in which no caller's
/// resolver runs (`CollectedField.isSynchronous`): same results, no suspension points and no
/// async frames per field.
extension ExecutionContext {
    func executeFieldsSync(_ fields: [CollectedField], objectType: GraphQLNamedType, parent: ResolvedValue) throws(
        NullPropagation
    ) -> JSONValue {
        var result = JSONObject()
        result.fields.reserveCapacity(fields.count)
        for field in fields {
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            if let value = try executeFieldSync(field, objectType: objectType, parent: parent) {
                result.fields.append((key: field.responseKey, value: value))
            }
        }
        return .object(result)
    }

    /// ExecuteField for a field without a caller's resolver.
    func executeFieldSync(_ field: CollectedField, objectType: GraphQLNamedType, parent: ResolvedValue) throws(NullPropagation)
        -> JSONValue?
    {
        guard let definition = field.definition else {
            return field.fieldName == "__typename" ? .string(objectType.name) : nil
        }
        do throws(NullPropagation) {
            let resolved: ResolvedValue
            if let introspection = field.introspectionResolver {
                guard let arguments = argumentValues(of: field, parentType: objectType) else { throw NullPropagation() }
                resolved = introspection(parent, arguments, schema)
            } else {
                resolved = Self.defaultResolve(parent, field.fieldName)
            }
            return try completeValueSync(definition.type, field: field, parentType: objectType, value: resolved)
        } catch {
            if definition.type.isNonNull { throw error }
            return .null
        }
    }

    func completeValueSync(_ type: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue)
        throws(NullPropagation) -> JSONValue
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
                recordError("Cannot return null for non-nullable field \(parentType.name).\(field.fieldName).", at: field)
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
                    result.append(try completeItemSync(itemType, index: index, field: field, parentType: parentType, value: items[index]))
                }
                return .array(result)
            case .json(.array(let items)):
                var result: [JSONValue] = []
                result.reserveCapacity(items.count)
                for index in items.indices {
                    result.append(
                        try completeItemSync(itemType, index: index, field: field, parentType: parentType, value: .json(items[index])))
                }
                return .array(result)
            default:
                recordError("Expected Iterable, but did not find one for field '\(parentType.name).\(field.fieldName)'.", at: field)
                throw NullPropagation()
            }
        }
        guard let named = field.namedType else {
            recordError("Cannot complete value of unexpected output type: '\(type)'.", at: field)
            throw NullPropagation()
        }
        switch named.kind {
        case .scalar, .enumeration:
            switch LeafSerialization.serialize(value, as: named) {
            case .success(let json): return json
            case .failure(let message):
                recordError(message.text, at: field)
                throw NullPropagation()
            }
        case .object:
            return try executeFieldsSync(field.subfields(for: named, in: self), objectType: named, parent: value)
        case .interface, .union:
            let objectType = try runtimeType(of: value, abstractType: named, field: field, parentType: parentType)
            return try executeFieldsSync(field.subfields(for: objectType, in: self), objectType: objectType, parent: value)
        case .inputObject:
            recordError("Cannot complete value of unexpected output type: '\(named.name)'.", at: field)
            throw NullPropagation()
        }
    }

    private func completeItemSync(_ itemType: GraphQLType, index: Int, field: CollectedField, parentType: GraphQLNamedType, value: ResolvedValue)
        throws(NullPropagation) -> JSONValue
    {
        path.append(.index(index))
        defer { path.removeLast() }
        do {
            return try completeValueSync(itemType, field: field, parentType: parentType, value: value)
        } catch {
            if itemType.isNonNull { throw error }
            return .null
        }
    }
}
