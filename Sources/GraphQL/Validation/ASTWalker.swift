/// Walks an executable document depth-first in graphql-js's order, keeping a TypeInfo in step
/// (entered before the visitor, left after it), like graphql-js `visit` with `TypeInfoVisitor`.
final class ASTWalker {
    let typeInfo: TypeInfo
    let visitor: any ASTVisitor
    /// Set to stop the walk at once (the error limit was reached).
    var isAborted: () -> Bool = { false }

    init(typeInfo: TypeInfo, visitor: any ASTVisitor) {
        self.typeInfo = typeInfo
        self.visitor = visitor
    }

    private func visit(_ node: VisitNode, children: () -> Void) {
        if isAborted() { return }
        typeInfo.enter(node)
        if visitor.enter(node) == .skip {
            typeInfo.leave(node)
            return
        }
        children()
        if isAborted() { return }
        visitor.leave(node)
        typeInfo.leave(node)
    }

    func walk(_ document: Document) {
        visit(.document(document)) {
            for definition in document.definitions {
                switch definition {
                case .operation(let operation): walk(operation)
                case .fragment(let fragment): walk(fragment)
                case .typeSystem(let definition): visit(.typeSystemDefinition(definition)) { walkTypeSystem(definition) }
                }
            }
        }
    }

    func walk(_ operation: OperationDefinition) {
        visit(.operation(operation)) {
            for definition in operation.variableDefinitions { walk(definition) }
            let location: DirectiveLocation =
                switch operation.operation {
                case .query: .query
                case .mutation: .mutation
                case .subscription: .subscription
                }
            walk(operation.directives, at: location)
            walk(operation.selectionSet, parentIsInlineFragment: false)
        }
    }

    func walk(_ fragment: FragmentDefinition) {
        visit(.fragment(fragment)) {
            visit(.namedType(fragment.typeCondition)) {}
            walk(fragment.directives, at: .fragmentDefinition)
            walk(fragment.selectionSet, parentIsInlineFragment: false)
        }
    }

    private func walk(_ definition: VariableDefinition) {
        visit(.variableDefinition(definition)) {
            visit(.namedType(definition.type.namedType)) {}
            if let defaultValue = definition.defaultValue { walk(defaultValue) }
            walk(definition.directives, at: .variableDefinition)
        }
    }

    func walk(_ directives: [Directive], at location: DirectiveLocation) {
        for directive in directives {
            visit(.directive(directive, location: location)) {
                for argument in directive.arguments { walk(argument) }
            }
        }
    }

    private func walk(_ argument: Argument) {
        visit(.argument(argument)) { walk(argument.value) }
    }

    private func walk(_ value: Value) {
        visit(.value(value)) {
            switch value.kind {
            case .list(let values):
                for item in values { walk(item) }
            case .object(let fields):
                for field in fields {
                    visit(.objectField(field)) { walk(field.value) }
                }
            default:
                break
            }
        }
    }

    private func walk(_ selectionSet: SelectionSet, parentIsInlineFragment: Bool) {
        visit(.selectionSet(selectionSet, parentIsInlineFragment: parentIsInlineFragment)) {
            for selection in selectionSet.selections {
                switch selection {
                case .field(let field):
                    visit(.field(field)) {
                        for argument in field.arguments { walk(argument) }
                        walk(field.directives, at: .field)
                        if let selectionSet = field.selectionSet { walk(selectionSet, parentIsInlineFragment: false) }
                    }
                case .fragmentSpread(let spread):
                    visit(.fragmentSpread(spread)) { walk(spread.directives, at: .fragmentSpread) }
                case .inlineFragment(let fragment):
                    visit(.inlineFragment(fragment)) {
                        if let typeCondition = fragment.typeCondition { visit(.namedType(typeCondition)) {} }
                        walk(fragment.directives, at: .inlineFragment)
                        walk(fragment.selectionSet, parentIsInlineFragment: true)
                    }
                }
            }
        }
    }
}

/// Runs several visitors in one traversal (graphql-js `ParallelVisitor`): a visitor that skips
/// a node sits out that node's subtree while the others carry on.
final class ParallelVisitor: ASTVisitor {
    let visitors: [any ASTVisitor]
    /// Per visitor, the depth of the node it is skipping, nil when active.
    private var skipping: [Int?]
    private var depth = 0
    /// Told which visitor is about to run, so errors can name their rule.
    var willRun: (Int) -> Void = { _ in }
    /// Once true, no visitor runs any more.
    var isAborted: () -> Bool = { false }

    init(_ visitors: [any ASTVisitor]) {
        self.visitors = visitors
        self.skipping = Array(repeating: nil, count: visitors.count)
    }

    func enter(_ node: VisitNode) -> VisitAction {
        depth += 1
        for index in visitors.indices where skipping[index] == nil {
            if isAborted() { break }
            willRun(index)
            if visitors[index].enter(node) == .skip { skipping[index] = depth }
        }
        return .proceed
    }

    func leave(_ node: VisitNode) {
        for index in visitors.indices {
            if let skipDepth = skipping[index] {
                if skipDepth == depth { skipping[index] = nil }
            } else if !isAborted() {
                willRun(index)
                visitors[index].leave(node)
            }
        }
        depth -= 1
    }
}
