import JSON

/// The state of one execution (spec §6): the operation's inputs and the errors found while it
/// runs. The response path is not kept here but passed `inout` down the calls (one array, pushed
/// and popped around every field), which spares a dynamic exclusivity check per push.
final class ExecutionContext {
    let schema: GraphQLSchema
    let fieldInfo: FieldInfoTable
    let fragments: [String: FragmentDefinition]
    /// Coerced variable values (spec §6.4.1 CoerceVariableValues); a variable that was not
    /// provided and has no default is absent.
    let variables: [String: JSONValue]
    let userContext: any Sendable
    var errors: [GraphQLError] = []

    init(
        schema: GraphQLSchema, fieldInfo: FieldInfoTable, fragments: [String: FragmentDefinition],
        variables: [String: JSONValue], userContext: any Sendable
    ) {
        self.schema = schema
        self.fieldInfo = fieldInfo
        self.fragments = fragments
        self.variables = variables
        self.userContext = userContext
    }

    /// Records a field error at `path` (spec §6.4.4 Handling Field Errors).
    func recordError(_ message: String, at field: CollectedField, path: [PathComponent], extensions: JSONObject? = nil) {
        errors.append(
            GraphQLError(message, locations: field.nodes.map(\.location), path: path, extensions: extensions))
    }
}

/// Raised when a field error made a non-null position null: the error is already recorded, and
/// the null moves up to the nearest nullable field or list item (spec §6.4.4).
struct NullPropagation: Error {}
