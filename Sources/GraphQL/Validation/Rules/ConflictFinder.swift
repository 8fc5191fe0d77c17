/// The search behind OverlappingFieldsCanBeMergedRule (graphql-core's
/// `find_conflicts_within_selection_set` and friends), with its complexity budget.
final class ConflictFinder {
    struct BudgetExhausted: Error {}

    struct FieldDetails {
        var parentType: GraphQLNamedType?
        var node: Field
        var definition: GraphQLField?
        var isSimpleLeaf: Bool
    }

    /// A selection set's fields by response key (in first-seen order) and its fragment spreads.
    final class CollectedFields {
        var keys: [String] = []
        var groups: [String: [FieldDetails]] = [:]
        var spreads: [FragmentSpread] = []
        var uniqueSpreadNames: [String?]?
        var overlapping: [ObjectIdentifier: [(String, [FieldDetails], [FieldDetails])]] = [:]
    }

    private let context: ValidationContext
    private var budget = 500_000
    private var collected: [String: CollectedFields] = [:]
    /// (collected fields, fragment name) pairs already compared, with their exclusivity.
    private var comparedFieldsAndFragments: [ObjectIdentifier: [String?: Bool]] = [:]
    /// (fragment, fragment) pairs already compared, either order, with their exclusivity.
    private var comparedFragments: [String: [String: Bool]] = [:]

    init(context: ValidationContext) {
        self.context = context
    }

    private func spend(_ cost: Int) throws(BudgetExhausted) {
        budget -= cost
        if budget < 0 { throw BudgetExhausted() }
    }

    func conflictsWithin(_ parentType: GraphQLNamedType?, _ selectionSet: SelectionSet) throws(BudgetExhausted) -> [FieldConflict] {
        var conflicts: [FieldConflict] = []
        let fields = collectFields(parentType, selectionSet)
        for key in fields.keys {
            let list = fields.groups[key]!
            guard list.count > 1 else { continue }
            for i in list.indices {
                for j in (i + 1)..<list.count {
                    if let conflict = try findConflict(false, key, list[i], list[j]) { conflicts.append(conflict) }
                }
            }
        }
        if !fields.spreads.isEmpty && (!fields.keys.isEmpty || fields.spreads.count > 1) {
            let spreads = try fragmentSpreads(fields)
            for (i, spread) in spreads.enumerated() {
                try conflictsBetweenFieldsAndFragment(&conflicts, false, fields, spread)
                for other in spreads[(i + 1)...] {
                    try conflictsBetweenFragments(&conflicts, false, spread, other)
                }
            }
        }
        return conflicts
    }

    private func conflictsBetweenFieldsAndFragment(
        _ conflicts: inout [FieldConflict], _ exclusive: Bool, _ fields: CollectedFields, _ fragmentName: String?
    ) throws(BudgetExhausted) {
        try spend(1)
        if fields.keys.isEmpty { return }
        let id = ObjectIdentifier(fields)
        if let stored = comparedFieldsAndFragments[id]?[fragmentName], exclusive || stored == exclusive { return }
        comparedFieldsAndFragments[id, default: [:]][fragmentName] = exclusive
        guard let fragmentName, let fragment = context.fragments[fragmentName] else { return }
        let fragmentFields = collectFields(context.schema.type(named: fragment.typeCondition.value), fragment.selectionSet)
        let referenced = try fragmentSpreads(fragmentFields)
        if fields === fragmentFields { return }
        try conflictsBetween(&conflicts, exclusive, fields, fragmentFields)
        for spread in referenced {
            try conflictsBetweenFieldsAndFragment(&conflicts, exclusive, fields, spread)
        }
    }

    private func conflictsBetweenFragments(
        _ conflicts: inout [FieldConflict], _ exclusive: Bool, _ name1: String?, _ name2: String?
    ) throws(BudgetExhausted) {
        try spend(2)
        if name1 == name2 { return }
        let key1 = name1 ?? "", key2 = name2 ?? ""
        if let stored = comparedFragments[key1]?[key2] ?? comparedFragments[key2]?[key1], exclusive || stored == exclusive {
            return
        }
        comparedFragments[key1, default: [:]][key2] = exclusive
        guard let name1, let name2, let fragment1 = context.fragments[name1], let fragment2 = context.fragments[name2] else { return }
        let fields1 = collectFields(context.schema.type(named: fragment1.typeCondition.value), fragment1.selectionSet)
        let referenced1 = try fragmentSpreads(fields1)
        let fields2 = collectFields(context.schema.type(named: fragment2.typeCondition.value), fragment2.selectionSet)
        let referenced2 = try fragmentSpreads(fields2)
        try conflictsBetween(&conflicts, exclusive, fields1, fields2)
        for spread in referenced2 { try conflictsBetweenFragments(&conflicts, exclusive, name1, spread) }
        for spread in referenced1 { try conflictsBetweenFragments(&conflicts, exclusive, spread, name2) }
    }

    private func conflictsBetweenSubSelectionSets(
        _ exclusive: Bool, _ parentType1: GraphQLNamedType?, _ selectionSet1: SelectionSet, _ parentType2: GraphQLNamedType?,
        _ selectionSet2: SelectionSet
    ) throws(BudgetExhausted) -> [FieldConflict] {
        var conflicts: [FieldConflict] = []
        let fields1 = collectFields(parentType1, selectionSet1)
        let spreads1 = try fragmentSpreads(fields1)
        let fields2 = collectFields(parentType2, selectionSet2)
        let spreads2 = try fragmentSpreads(fields2)
        try conflictsBetween(&conflicts, exclusive, fields1, fields2)
        for spread in spreads2 { try conflictsBetweenFieldsAndFragment(&conflicts, exclusive, fields1, spread) }
        for spread in spreads1 { try conflictsBetweenFieldsAndFragment(&conflicts, exclusive, fields2, spread) }
        for spread1 in spreads1 {
            for spread2 in spreads2 { try conflictsBetweenFragments(&conflicts, exclusive, spread1, spread2) }
        }
        return conflicts
    }

    private func conflictsBetween(
        _ conflicts: inout [FieldConflict], _ exclusive: Bool, _ fields1: CollectedFields, _ fields2: CollectedFields
    ) throws(BudgetExhausted) {
        if fields1.keys.isEmpty || fields2.keys.isEmpty { return }
        for (key, list1, list2) in try overlappingFields(fields1, fields2) {
            for details1 in list1 {
                for details2 in list2 {
                    if let conflict = try findConflict(exclusive, key, details1, details2) { conflicts.append(conflict) }
                }
            }
        }
    }

    private func overlappingFields(
        _ fields1: CollectedFields, _ fields2: CollectedFields
    ) throws(BudgetExhausted) -> [(String, [FieldDetails], [FieldDetails])] {
        if let cached = fields1.overlapping[ObjectIdentifier(fields2)] { return cached }
        var result: [(String, [FieldDetails], [FieldDetails])] = []
        for key in fields1.keys {
            try spend(1)
            if let list2 = fields2.groups[key], !list2.isEmpty { result.append((key, fields1.groups[key]!, list2)) }
        }
        fields1.overlapping[ObjectIdentifier(fields2)] = result
        return result
    }

    private func findConflict(
        _ parentsExclusive: Bool, _ responseName: String, _ details1: FieldDetails, _ details2: FieldDetails
    ) throws(BudgetExhausted) -> FieldConflict? {
        let node1 = details1.node, node2 = details2.node
        var exclusive = parentsExclusive
        if !exclusive, let parent1 = details1.parentType, let parent2 = details2.parentType, parent1.name != parent2.name,
            case .object = parent1.kind, case .object = parent2.kind
        {
            exclusive = true
        }
        let type1 = details1.definition?.type, type2 = details2.definition?.type
        try spend(2)
        if details1.isSimpleLeaf && details2.isSimpleLeaf && type1 == type2 && node1.name.value == node2.name.value { return nil }
        if !exclusive {
            let name1 = node1.name.value, name2 = node2.name.value
            if name1 != name2 {
                return FieldConflict(
                    responseName: responseName, reason: "'\(Self.abbreviate(name1))' and '\(Self.abbreviate(name2))' are different fields",
                    fields1: [node1], fields2: [node2])
            }
            if try !sameArguments(node1.arguments, node2.arguments) {
                return FieldConflict(responseName: responseName, reason: "they have differing arguments", fields1: [node1], fields2: [node2])
            }
        }
        if let type1, let type2, try typesConflict(type1, type2) {
            return FieldConflict(
                responseName: responseName, reason: "they return conflicting types '\(type1)' and '\(type2)'", fields1: [node1],
                fields2: [node2])
        }
        if let selectionSet1 = node1.selectionSet, let selectionSet2 = node2.selectionSet {
            let conflicts = try conflictsBetweenSubSelectionSets(
                exclusive, type1.flatMap(context.schema.namedType(of:)), selectionSet1, type2.flatMap(context.schema.namedType(of:)),
                selectionSet2)
            return subfieldConflicts(conflicts, responseName, node1, node2)
        }
        return nil
    }

    private func sameArguments(_ arguments1: [Argument], _ arguments2: [Argument]) throws(BudgetExhausted) -> Bool {
        if arguments1.isEmpty { return arguments2.isEmpty }
        if arguments2.isEmpty || arguments1.count != arguments2.count { return false }
        for argument1 in arguments1 {
            try spend(1)
            guard let argument2 = arguments2.first(where: { $0.name.value == argument1.name.value }) else { return false }
            if Self.comparisonKey(argument1.value) != Self.comparisonKey(argument2.value) { return false }
        }
        return true
    }

    /// A value's structure: equal keys mean equal literals (object fields in name order).
    static func comparisonKey(_ value: Value) -> String {
        switch value.kind {
        case .variable(let name): return "V$" + name
        case .int(let text): return "I" + text
        case .float(let text): return "F" + text
        case .string(let text, let block): return (block ? "B" : "S") + Printer.printString(text)
        case .boolean(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .enumValue(let name): return "E" + name
        case .list(let values): return "[" + values.map(comparisonKey).joined(separator: ",") + "]"
        case .object(let fields):
            let sorted = fields.enumerated().sorted { a, b in
                a.element.name.value != b.element.name.value ? a.element.name.value < b.element.name.value : a.offset < b.offset
            }
            return "{" + sorted.map { $0.element.name.value + ":" + comparisonKey($0.element.value) }.joined(separator: ",") + "}"
        }
    }

    private func typesConflict(_ type1: GraphQLType, _ type2: GraphQLType) throws(BudgetExhausted) -> Bool {
        if type1 == type2 { return false }
        try spend(1)
        switch (type1, type2) {
        case (.list(let inner1), .list(let inner2)), (.nonNull(let inner1), .nonNull(let inner2)):
            return try typesConflict(inner1, inner2)
        case (.list, _), (_, .list), (.nonNull, _), (_, .nonNull):
            return true
        case (.named(let name1), .named(let name2)):
            let leaf1 = context.schema.type(named: name1)?.isLeaf ?? false
            let leaf2 = context.schema.type(named: name2)?.isLeaf ?? false
            return (leaf1 || leaf2) && name1 != name2
        }
    }

    private func subfieldConflicts(_ conflicts: [FieldConflict], _ responseName: String, _ node1: Field, _ node2: Field) -> FieldConflict? {
        guard !conflicts.isEmpty else { return nil }
        var message = ""
        for conflict in conflicts {
            message += (message.isEmpty ? "" : " and ") + "subfields '\(Self.abbreviate(conflict.responseName))' conflict because \(conflict.reason)"
            if message.unicodeScalars.count > 1000 { break }
        }
        return FieldConflict(
            responseName: responseName, reason: Self.abbreviate(message), fields1: conflictNodes(node1, conflicts.map(\.fields1)),
            fields2: conflictNodes(node2, conflicts.map(\.fields2)))
    }

    private func conflictNodes(_ node: Field, _ groups: [[Field]]) -> [Field] {
        var nodes = [node]
        for fields in groups {
            let remaining = 20 - nodes.count
            nodes += remaining == 0 ? fields : Array(fields.suffix(remaining))
            if nodes.count == 20 { break }
        }
        return nodes
    }

    func collectFields(_ parentType: GraphQLNamedType?, _ selectionSet: SelectionSet) -> CollectedFields {
        let key = "\(parentType?.name ?? "")@\(selectionSet.location)"
        if let cached = collected[key] { return cached }
        let result = CollectedFields()
        collectFieldsImpl(parentType, selectionSet, result)
        collected[key] = result
        return result
    }

    private func collectFieldsImpl(_ parentType: GraphQLNamedType?, _ selectionSet: SelectionSet, _ result: CollectedFields) {
        for selection in selectionSet.selections {
            switch selection {
            case .field(let field):
                let key = field.responseKey
                if result.groups[key] == nil {
                    result.keys.append(key)
                    result.groups[key] = []
                }
                result.groups[key]!.append(
                    FieldDetails(
                        parentType: parentType, node: field, definition: parentType?.field(named: field.name.value),
                        isSimpleLeaf: field.arguments.isEmpty && field.selectionSet == nil))
            case .fragmentSpread(let spread):
                result.spreads.append(spread)
            case .inlineFragment(let fragment):
                let type = fragment.typeCondition.map { context.schema.type(named: $0.value) } ?? parentType
                collectFieldsImpl(type, fragment.selectionSet, result)
            }
        }
    }

    /// The distinct fragments spread (by name; nil for an unknown fragment), in first-spread order.
    private func fragmentSpreads(_ fields: CollectedFields) throws(BudgetExhausted) -> [String?] {
        if let cached = fields.uniqueSpreadNames { return cached }
        var result: [String?] = []
        var seen: Set<String> = []
        var seenUnknown = false
        for spread in fields.spreads {
            try spend(1)
            let name = spread.name.value
            if context.fragments[name] == nil {
                if !seenUnknown { result.append(nil) }
                seenUnknown = true
            } else if seen.insert(name).inserted {
                result.append(name)
            }
        }
        fields.uniqueSpreadNames = result
        return result
    }
}
