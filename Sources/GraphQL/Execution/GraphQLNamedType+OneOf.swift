extension GraphQLNamedType {
    /// Whether an input object is `@oneOf` (spec §3.10.1): coercion then requires exactly one
    /// non-null field.
    var isOneOfInputObject: Bool { isOneOf }
}
