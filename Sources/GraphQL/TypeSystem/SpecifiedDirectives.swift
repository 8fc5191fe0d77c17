/// The directives every schema has (spec §3.13 "Built-in Directives"), in graphql-core 3.3.2's
/// order and with its descriptions; SDL may not redefine them differently, and the printer omits them.
enum SpecifiedDirectives {
    static let defaultDeprecationReason = "No longer supported"

    static let include = GraphQLDirective(
        name: "include",
        description: "Directs the executor to include this field or fragment only when the `if` argument is true.",
        locations: [.field, .fragmentSpread, .inlineFragment],
        arguments: [GraphQLInputValue(name: "if", description: "Included when true.", type: .nonNull(.named("Boolean")))])

    static let skip = GraphQLDirective(
        name: "skip",
        description: "Directs the executor to skip this field or fragment when the `if` argument is true.",
        locations: [.field, .fragmentSpread, .inlineFragment],
        arguments: [GraphQLInputValue(name: "if", description: "Skipped when true.", type: .nonNull(.named("Boolean")))])

    static let deprecated = GraphQLDirective(
        name: "deprecated",
        description: "Marks an element of a GraphQL schema as no longer supported.",
        locations: [.fieldDefinition, .argumentDefinition, .inputFieldDefinition, .enumValue, .directiveDefinition],
        arguments: [
            GraphQLInputValue(
                name: "reason",
                description:
                    "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/).",
                type: .nonNull(.named("String")),
                defaultValue: Value(.string(defaultDeprecationReason, block: false), at: SourceLocation(line: 0, column: 0)))
        ])

    static let specifiedBy = GraphQLDirective(
        name: "specifiedBy",
        description: "Exposes a URL that specifies the behavior of this scalar.",
        locations: [.scalar],
        arguments: [
            GraphQLInputValue(
                name: "url", description: "The URL that specifies the behavior of this scalar.", type: .nonNull(.named("String")))
        ])

    static let oneOf = GraphQLDirective(
        name: "oneOf",
        description: "Indicates exactly one field must be supplied and this field must not be `null`.",
        locations: [.inputObject])

    static let all: [GraphQLDirective] = [include, skip, deprecated, specifiedBy, oneOf]

    static func isSpecified(_ name: String) -> Bool { all.contains { $0.name == name } }
}
