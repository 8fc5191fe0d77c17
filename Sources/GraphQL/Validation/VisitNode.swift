/// One node of an executable document as the validation traversal meets it, in graphql-js's
/// visiting order (spec §2 grammar; graphql-js `QueryDocumentKeys`).
enum VisitNode {
    case document(Document)
    case operation(OperationDefinition)
    case variableDefinition(VariableDefinition)
    case fragment(FragmentDefinition)
    /// `parentIsInlineFragment`: OverlappingFieldsCanBeMerged checks an inline fragment's fields
    /// together with its parent's.
    case selectionSet(SelectionSet, parentIsInlineFragment: Bool)
    case field(Field)
    case fragmentSpread(FragmentSpread)
    case inlineFragment(InlineFragment)
    /// `location`: where the directive is applied (graphql-js derives it from the ancestors).
    case directive(Directive, location: DirectiveLocation)
    case argument(Argument)
    /// Every value literal, nested ones included, and variables used as values.
    case value(Value)
    case objectField(ObjectField)
    /// A named type in a variable definition or a type condition.
    case namedType(Name)
    /// A named type inside a type-system definition (which a request may not contain).
    case typeSystemNamedType(Name)
    /// A type-system definition in a request, which only ExecutableDefinitions looks at.
    case typeSystemDefinition(TypeSystemDefinition)
}

enum VisitAction {
    case proceed
    /// Do not visit this node's children, nor call `leave` for it.
    case skip
}

/// Something that walks along the document with `ASTWalker`.
protocol ASTVisitor: AnyObject {
    func enter(_ node: VisitNode) -> VisitAction
    func leave(_ node: VisitNode)
}

/// One validation rule: visits the document through `enter`/`leave`, reporting errors to its context.
protocol ValidationRule: ASTVisitor {
    /// graphql-js's name of the rule, e.g. "FieldsOnCorrectTypeRule".
    static var name: String { get }
    init(context: ValidationContext)
}

extension ValidationRule {
    func leave(_ node: VisitNode) {}
}
