/// graphql-core's FragmentNestingVisitor (not a spec rule): before any rule walks an operation
/// or fragment, its selection nesting with fragment spreads expanded must stay within 200
/// levels, or validation stops with "Validation aborted.". The parser bounds nesting within
/// one definition only; this bounds it across fragments, so no rule recurses too deeply.
final class FragmentNestingRule: ValidationRule {
    static let name = "FragmentNestingRule"
    static let maxNestingDepth = 200
    let context: ValidationContext
    private var depths: [String: Int] = [:]
    private var nestings: [String: (depth: Int, spreads: [(String, Int)])] = [:]

    init(context: ValidationContext) {
        self.context = context
        for (name, fragment) in context.fragments { nestings[name] = Self.nesting(fragment.selectionSet) }
        // Depth-first over the spreads without recursion; a spread closing a cycle adds nothing.
        var roots: [String] = []
        for case .fragment(let fragment) in context.document.definitions where !roots.contains(fragment.name.value) {
            roots.append(fragment.name.value)
        }
        for root in roots where depths[root] == nil {
            var path: [(name: String, next: Int)] = [(root, 0)]
            var onPath: Set<String> = [root]
            while let top = path.last {
                let name = top.name
                var next = top.next
                let spreads = nestings[name]!.spreads
                var descended = false
                while next < spreads.count {
                    let spread = spreads[next].0
                    next += 1
                    if nestings[spread] != nil && depths[spread] == nil && !onPath.contains(spread) {
                        path[path.count - 1].next = next
                        path.append((spread, 0))
                        onPath.insert(spread)
                        descended = true
                        break
                    }
                }
                if descended { continue }
                path.removeLast()
                onPath.remove(name)
                depths[name] = depth(nestings[name]!)
            }
        }
    }

    private func depth(_ nesting: (depth: Int, spreads: [(String, Int)])) -> Int {
        var result = nesting.depth
        for (spread, spreadDepth) in nesting.spreads { result = max(result, spreadDepth + depths[spread, default: 0]) }
        return result
    }

    /// The selection set's own nesting depth, and its spreads with the depth they sit at.
    private static func nesting(_ selectionSet: SelectionSet) -> (depth: Int, spreads: [(String, Int)]) {
        var maxDepth = 0
        var spreads: [(String, Int)] = []
        var stack = [(selectionSet, 1)]
        while let (set, depth) = stack.popLast() {
            maxDepth = max(maxDepth, depth)
            for selection in set.selections {
                switch selection {
                case .fragmentSpread(let spread): spreads.append((spread.name.value, depth))
                case .field(let field): if let nested = field.selectionSet { stack.append((nested, depth + 1)) }
                case .inlineFragment(let fragment): stack.append((fragment.selectionSet, depth + 1))
                }
            }
        }
        return (maxDepth, spreads)
    }

    func enter(_ node: VisitNode) -> VisitAction {
        switch node {
        case .operation(let operation):
            if depth(Self.nesting(operation.selectionSet)) > Self.maxNestingDepth { context.abort("Validation aborted.") }
            return .skip
        case .fragment(let fragment):
            if depths[fragment.name.value, default: 0] > Self.maxNestingDepth { context.abort("Validation aborted.") }
            return .skip
        default:
            return .proceed
        }
    }
}
