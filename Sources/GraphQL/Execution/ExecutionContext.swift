import JSON

/// The state of one execution (spec §6): the operation's inputs and the errors and response
/// path built while it runs. Fields run one after another in one task, so a class with a single
/// path stack (pushed and popped around every field) replaces a path copied per field.
final class ExecutionContext {
    let schema: GraphQLSchema
    let resolvers: [String: [String: FieldResolver]]
    let fragments: [String: FragmentDefinition]
    /// Coerced variable values (spec §6.4.1 CoerceVariableValues); a variable that was not
    /// provided and has no default is absent.
    let variables: [String: JSONValue]
    let userContext: any Sendable
    var errors: [GraphQLError] = []
    /// Response keys and list indexes from the root to the field being executed.
    var path: [PathComponent] = []

    init(
        schema: GraphQLSchema, resolvers: [String: [String: FieldResolver]], fragments: [String: FragmentDefinition],
        variables: [String: JSONValue], userContext: any Sendable
    ) {
        self.schema = schema
        self.resolvers = resolvers
        self.fragments = fragments
        self.variables = variables
        self.userContext = userContext
        path.reserveCapacity(16)
    }

    /// Records a field error at the current path (spec §6.4.4 Handling Field Errors).
    func recordError(_ message: String, at field: CollectedField, extensions: JSONObject? = nil) {
        errors.append(
            GraphQLError(message, locations: field.nodes.map(\.location), path: path, extensions: extensions))
    }
}

/// Raised when a field error made a non-null position null: the error is already recorded, and
/// the null moves up to the nearest nullable field or list item (spec §6.4.4).
struct NullPropagation: Error {}
