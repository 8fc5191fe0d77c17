/// [Operation Type Existence](https://spec.graphql.org/draft/#sec-Operation-Type-Existence):
/// the schema has a root type for the operation.
final class KnownOperationTypesRule: ValidationRule {
    static let name = "KnownOperationTypesRule"
    let context: ValidationContext
    init(context: ValidationContext) { self.context = context }

    func enter(_ node: VisitNode) -> VisitAction {
        if case .operation(let operation) = node, context.schema.rootType(for: operation.operation) == nil {
            context.report("The \(operation.operation.rawValue) operation is not supported by the schema.", [operation.location])
        }
        return .proceed
    }
}
