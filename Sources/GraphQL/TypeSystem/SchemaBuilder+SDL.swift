extension SchemaBuilder {
    /// Parses `sdl` (a schema document, spec §3) and builds the schema from it.
    public static func build(sdl: String) throws(GraphQLError) -> GraphQLSchema {
        try build(Parser.parse(sdl))
    }
}
