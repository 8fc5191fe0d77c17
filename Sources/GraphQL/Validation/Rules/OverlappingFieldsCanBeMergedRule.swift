/// [Field Selection Merging](https://spec.graphql.org/draft/#sec-Field-Selection-Merging): fields
/// with the same response key, anywhere they meet through inline fragments and fragment spreads,
/// are the same field with the same arguments (unless their parents are distinct object types)
/// and have shapes that can merge. A port of graphql-core 3.3.2's algorithm without fragment
/// arguments, keeping its caches since they decide which conflicts are reported once.
final class OverlappingFieldsCanBeMergedRule: ValidationRule {
    static let name = "OverlappingFieldsCanBeMergedRule"
    let context: ValidationContext
    private lazy var finder = ConflictFinder(context: context)
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        guard case .selectionSet(let selectionSet, let parentIsInlineFragment) = node, !parentIsInlineFragment else { return .proceed }
        let selections = selectionSet.selections
        if selections.count <= 1 {
            guard case .inlineFragment = selections.first else { return .proceed }
        }
        do {
            for conflict in try finder.conflictsWithin(context.typeInfo.parentType, selectionSet) {
                context.report(
                    "Fields '\(ConflictFinder.abbreviate(conflict.responseName))' conflict because \(conflict.reason). Use different aliases on the fields to fetch both if this was intentional.",
                    (conflict.fields1 + conflict.fields2).map(\.location))
            }
        } catch {
            context.abort("Validation aborted.")
        }
        return .proceed
    }
}

struct FieldConflict {
    var responseName: String
    var reason: String
    var fields1: [Field]
    var fields2: [Field]
}

extension ConflictFinder {
    /// Cuts long names and reasons at graphql-core's MAX_CONFLICT_DETAIL_LENGTH.
    static func abbreviate(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 1000 else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(1000))) + "..."
    }
}
