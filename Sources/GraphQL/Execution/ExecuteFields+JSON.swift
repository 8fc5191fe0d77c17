import JSON

/// The synchronous completion once more, for the commonest case of all: a JSON tree read by the
/// default resolver. Values stay `JSONValue`s instead of being wrapped in `ResolvedValue` per
/// field (an enum with an existential payload, costly to copy and destroy); anything unusual —
/// null, a value to coerce, an abstract type, an introspection field — goes to the general code
/// in `ExecuteFields+Sync`, so the answers and errors are the same.
extension ExecutionContext {
    func executeFieldsSync(
        _ fields: [CollectedField], objectType: GraphQLNamedType, object: JSONObject, path: inout [PathComponent],
        out: inout JSONWriter
    ) throws(NullPropagation) {
        out.beginObject()
        let members = object.fields
        var hint = 0
        for field in fields {
            // Most fields are leaves whose member is already valid output: written as it is,
            // with no path to keep since nothing can fail.
            if field.isPlainLeaf, let kind = field.leafKind {
                let before = hint
                if let json = Self.memberValue(field.fieldName, of: members, hint: &hint),
                    let fast = LeafSerialization.passThrough(json, kind: kind)
                {
                    out.key(encoded: field.encodedKey)
                    out.value(fast)
                    continue
                }
                hint = before
            }
            guard let returnType = field.returnType else {
                if field.fieldName == "__typename" {
                    out.key(encoded: field.encodedKey)
                    out.string(objectType.name)
                }
                continue
            }
            path.append(.key(field.responseKey))
            defer { path.removeLast() }
            out.key(encoded: field.encodedKey)
            let mark = out.mark
            do throws(NullPropagation) {
                if let introspection = field.introspectionResolver {
                    guard let arguments = argumentValues(of: field, parentType: objectType, path: path) else {
                        throw NullPropagation()
                    }
                    let resolved = introspection(.json(.object(object)), arguments, schema)
                    try completeValueSync(
                        returnType, field: field, parentType: objectType, value: resolved, path: &path, out: &out)
                } else if let json = Self.memberValue(field.fieldName, of: members, hint: &hint) {
                    try completeJSONSync(returnType, field: field, parentType: objectType, json: json, path: &path, out: &out)
                } else {
                    try completeValueSync(returnType, field: field, parentType: objectType, value: .null, path: &path, out: &out)
                }
            } catch {
                if returnType.isNonNull { throw error }
                out.rollback(to: mark)
                out.null()
            }
        }
        out.endObject()
    }

    /// `member(_:of:hint:)` without the `ResolvedValue`: nil when the object has no such member.
    static func memberValue(_ name: String, of members: [JSONObject.Field], hint: inout Int) -> JSONValue? {
        let count = members.count
        if hint < count, members[hint].key == name {
            hint += 1
            return members[hint - 1].value
        }
        for index in 0..<count where members[index].key == name {
            hint = index + 1
            return members[index].value
        }
        return nil
    }

    /// CompleteValue (spec §6.4.3) for a JSON value: leaves the type allows as they are, lists
    /// and objects of object types here; the rest as `completeValueSync`.
    func completeJSONSync(
        _ type: GraphQLType, field: CollectedField, parentType: GraphQLNamedType, json: JSONValue,
        path: inout [PathComponent], out: inout JSONWriter
    ) throws(NullPropagation) {
        if let kind = field.leafKind, type.isNamedOrNonNullNamed, let fast = LeafSerialization.passThrough(json, kind: kind) {
            out.value(fast)
            return
        }
        var inner = type
        if case .nonNull(let wrapped) = type { inner = wrapped }
        switch (inner, json) {
        case (.list(let itemType), .array(let items)):
            out.beginArray()
            let leafKind = itemType.isNamedOrNonNullNamed ? field.leafKind : nil
            for index in items.indices {
                if let leafKind, let fast = LeafSerialization.passThrough(items[index], kind: leafKind) {
                    out.value(fast)
                    continue
                }
                path.append(.index(index))
                defer { path.removeLast() }
                let mark = out.mark
                do {
                    try completeJSONSync(
                        itemType, field: field, parentType: parentType, json: items[index], path: &path, out: &out)
                } catch {
                    if itemType.isNonNull { throw error }
                    out.rollback(to: mark)
                    out.null()
                }
            }
            out.endArray()
        case (.named, .object(let object)):
            if let named = field.namedType, case .object = named.kind {
                try executeFieldsSync(
                    field.subfields(for: named, in: self), objectType: named, object: object, path: &path, out: &out)
            } else {
                try completeValueSync(type, field: field, parentType: parentType, value: .json(json), path: &path, out: &out)
            }
        default:
            try completeValueSync(type, field: field, parentType: parentType, value: .json(json), path: &path, out: &out)
        }
    }
}
