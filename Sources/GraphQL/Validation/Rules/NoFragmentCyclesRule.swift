/// [Fragment Spreads Must Not Form Cycles](https://spec.graphql.org/draft/#sec-Fragment-spreads-must-not-form-cycles).
final class NoFragmentCyclesRule: ValidationRule {
    static let name = "NoFragmentCyclesRule"
    let context: ValidationContext
    private var visited: Set<String> = []
    private var spreadPath: [FragmentSpread] = []
    private var spreadPathIndexByName: [String: Int] = [:]
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .operation:
            return .skip
        case .fragment(let fragment):
            detectCycle(fragment)
            return .skip
        default:
            return .proceed
        }
    }

    private func detectCycle(_ fragment: FragmentDefinition) {
        let name = fragment.name.value
        guard visited.insert(name).inserted else { return }
        let spreads = context.fragmentSpreads(fragment.selectionSet)
        if spreads.isEmpty { return }
        spreadPathIndexByName[name] = spreadPath.count
        for spread in spreads {
            let spreadName = spread.name.value
            let cycleIndex = spreadPathIndexByName[spreadName]
            spreadPath.append(spread)
            if let cycleIndex {
                let cyclePath = Array(spreadPath[cycleIndex...])
                let via = cyclePath.dropLast().map { "'\($0.name.value)'" }.joined(separator: ", ")
                context.report(
                    "Cannot spread fragment '\(spreadName)' within itself" + (via.isEmpty ? "." : " via \(via)."),
                    cyclePath.map(\.location))
            } else if let target = context.fragments[spreadName] {
                detectCycle(target)
            }
            spreadPath.removeLast()
        }
        spreadPathIndexByName[name] = nil
    }
}
