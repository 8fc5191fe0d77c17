/// Where the traversal is in schema terms (graphql-js `TypeInfo`): the parent composite type,
/// the current field and its output type, the expected input type of the current value, the
/// current directive and argument, and whether the schema gives the current input a default.
final class TypeInfo {
    let schema: GraphQLSchema
    private var typeStack: [GraphQLType?] = []
    private var parentTypeStack: [GraphQLNamedType?] = []
    private var inputTypeStack: [GraphQLType?] = []
    private var fieldDefinitionStack: [GraphQLField?] = []
    /// Per input position: whether the argument or input field there has a schema default.
    private var defaultValueStack: [Bool] = []
    private(set) var directive: GraphQLDirective?
    private(set) var argument: GraphQLInputValue?

    init(schema: GraphQLSchema) {
        self.schema = schema
    }

    var type: GraphQLType? { typeStack.last ?? nil }
    var parentType: GraphQLNamedType? { parentTypeStack.last ?? nil }
    var inputType: GraphQLType? { inputTypeStack.last ?? nil }
    var parentInputType: GraphQLType? { inputTypeStack.count > 1 ? inputTypeStack[inputTypeStack.count - 2] : nil }
    var fieldDefinition: GraphQLField? { fieldDefinitionStack.last ?? nil }
    var hasDefaultValue: Bool { defaultValueStack.last ?? false }

    private func named(_ type: GraphQLType?) -> GraphQLNamedType? { type.flatMap { schema.namedType(of: $0) } }

    private func outputOnly(_ type: GraphQLType?) -> GraphQLType? { named(type)?.isOutputType == true ? type : nil }

    private func inputOnly(_ type: GraphQLType?) -> GraphQLType? { named(type)?.isInputType == true ? type : nil }

    func enter(_ node: VisitNode) {
        switch node {
        case .selectionSet:
            let namedType = named(type)
            parentTypeStack.append(namedType?.isComposite == true ? namedType : nil)
        case .field(let field):
            var definition: GraphQLField?
            if let parentType { definition = schema.fieldDefinition(on: parentType, named: field.name.value) }
            fieldDefinitionStack.append(definition)
            typeStack.append(outputOnly(definition?.type))
        case .directive(let directive, _):
            self.directive = schema.directive(named: directive.name.value)
        case .operation(let operation):
            let root = schema.rootType(for: operation.operation)
            if let root, case .object = root.kind { typeStack.append(.named(root.name)) } else { typeStack.append(nil) }
        case .inlineFragment(let fragment):
            let conditionType: GraphQLType? =
                if let condition = fragment.typeCondition { .named(condition.value) } else { named(type).map { .named($0.name) } }
            typeStack.append(outputOnly(conditionType))
        case .fragment(let fragment):
            typeStack.append(outputOnly(.named(fragment.typeCondition.value)))
        case .variableDefinition(let definition):
            inputTypeStack.append(inputOnly(schema.resolve(definition.type)))
        case .argument(let argument):
            let owner = directive?.arguments ?? fieldDefinition?.arguments
            let definition = owner?.first { $0.name == argument.name.value }
            self.argument = definition
            defaultValueStack.append(definition?.defaultValue != nil)
            inputTypeStack.append(inputOnly(definition?.type))
        case .value(let value):
            if case .list = value.kind {
                defaultValueStack.append(false)
                if case .list(let item) = inputType?.nullable { inputTypeStack.append(inputOnly(item)) } else { inputTypeStack.append(nil) }
            }
        case .objectField(let field):
            let inputField = named(inputType)?.inputField(named: field.name.value)
            defaultValueStack.append(inputField?.defaultValue != nil)
            inputTypeStack.append(inputOnly(inputField?.type))
        case .document, .fragmentSpread, .namedType, .typeSystemNamedType, .typeSystemDefinition:
            break
        }
    }

    func leave(_ node: VisitNode) {
        switch node {
        case .selectionSet:
            parentTypeStack.removeLast()
        case .field:
            fieldDefinitionStack.removeLast()
            typeStack.removeLast()
        case .directive:
            directive = nil
        case .operation, .inlineFragment, .fragment:
            typeStack.removeLast()
        case .variableDefinition:
            inputTypeStack.removeLast()
        case .argument:
            argument = nil
            defaultValueStack.removeLast()
            inputTypeStack.removeLast()
        case .value(let value):
            if case .list = value.kind {
                defaultValueStack.removeLast()
                inputTypeStack.removeLast()
            }
        case .objectField:
            defaultValueStack.removeLast()
            inputTypeStack.removeLast()
        case .document, .fragmentSpread, .namedType, .typeSystemNamedType, .typeSystemDefinition:
            break
        }
    }
}
