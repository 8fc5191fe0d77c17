extension GraphQLNamedType {
    /// Whether an input object is `@oneOf` (spec §3.10.1). The running schema does not record
    /// type directives yet, so no input object is one; the gateway's schema has none.
    var isOneOfInputObject: Bool { false }
}
