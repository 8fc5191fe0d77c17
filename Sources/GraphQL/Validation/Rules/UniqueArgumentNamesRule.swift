/// [Argument Uniqueness](https://spec.graphql.org/draft/#sec-Argument-Uniqueness).
final class UniqueArgumentNamesRule: ValidationRule {
    static let name = "UniqueArgumentNamesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .field(let field): check(field.arguments)
        case .directive(let directive, _): check(directive.arguments)
        default: break
        }
        return .proceed
    }

    private func check(_ arguments: [Argument]) {
        var groups: [String: [Name]] = [:]
        var order: [String] = []
        for argument in arguments {
            if groups[argument.name.value] == nil { order.append(argument.name.value) }
            groups[argument.name.value, default: []].append(argument.name)
        }
        for name in order where groups[name]!.count > 1 {
            context.report("There can be only one argument named '\(name)'.", groups[name]!.map(\.location))
        }
    }
}
