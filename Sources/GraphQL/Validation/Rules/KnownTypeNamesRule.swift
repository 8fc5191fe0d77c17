/// [Fragment Spread Type Existence](https://spec.graphql.org/draft/#sec-Fragment-Spread-Type-Existence)
/// and the type of [variables](https://spec.graphql.org/draft/#sec-Variables-Are-Input-Types):
/// every named type exists in the schema.
final class KnownTypeNamesRule: ValidationRule {
    static let name = "KnownTypeNamesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        let name: Name
        let isSDL: Bool
        switch node {
        case .namedType(let named): (name, isSDL) = (named, false)
        case .typeSystemNamedType(let named): (name, isSDL) = (named, true)
        default: return .proceed
        }
        guard context.schema.type(named: name.value) == nil else { return .proceed }
        var definedInDocument: Set<String> = []
        for case .typeSystem(.type(let type)) in context.document.definitions { definedInDocument.insert(type.name.value) }
        if definedInDocument.contains(name.value) { return .proceed }
        let standardNames = BuiltInScalars.all.map(\.name) + IntrospectionTypes.all.map(\.name)
        if isSDL && standardNames.contains(name.value) { return .proceed }
        var options: [String] = []
        var seen: Set<String> = []
        for candidate in (isSDL ? standardNames : []) + context.schema.typeNames + definedInDocument.sorted()
        where seen.insert(candidate).inserted {
            options.append(candidate)
        }
        context.report(
            "Unknown type '\(name.value)'." + Suggestions.didYouMean(Suggestions.suggestionList(name.value, options)), [name.location])
        return .proceed
    }
}
