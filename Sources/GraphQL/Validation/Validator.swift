/// Validation of an executable document against the schema (spec §5): graphql-core 3.3.2's
/// specified rules plus the gateway's query limits, all in one traversal of the document (a
/// ParallelVisitor over the rules, with a TypeInfo kept in step), in graphql-core's rule order
/// so errors come out in the same order as the reference's.
public enum Validator {
    public static func validate(_ document: Document, schema: GraphQLSchema, limits: QueryLimits = .init()) -> [GraphQLError] {
        validateReportingRules(document, schema: schema, limits: limits).map(\.error)
    }

    /// graphql-core's `specified_rules` (without the defer/stream rules, which only act when the
    /// schema defines @defer/@stream), its recommended MaxIntrospectionDepthRule, then our limits.
    static var rules: [any ValidationRule.Type] {[
        FragmentNestingRule.self,
        ExecutableDefinitionsRule.self,
        KnownOperationTypesRule.self,
        UniqueOperationNamesRule.self,
        LoneAnonymousOperationRule.self,
        SingleFieldSubscriptionsRule.self,
        KnownTypeNamesRule.self,
        FragmentsOnCompositeTypesRule.self,
        VariablesAreInputTypesRule.self,
        ScalarLeafsRule.self,
        FieldsOnCorrectTypeRule.self,
        UniqueFragmentNamesRule.self,
        KnownFragmentNamesRule.self,
        NoUnusedFragmentsRule.self,
        PossibleFragmentSpreadsRule.self,
        NoFragmentCyclesRule.self,
        UniqueVariableNamesRule.self,
        NoUndefinedVariablesRule.self,
        NoUnusedVariablesRule.self,
        KnownDirectivesRule.self,
        UniqueDirectivesPerLocationRule.self,
        KnownArgumentNamesRule.self,
        UniqueArgumentNamesRule.self,
        ValuesOfCorrectTypeRule.self,
        ProvidedRequiredArgumentsRule.self,
        VariablesInAllowedPositionRule.self,
        OverlappingFieldsCanBeMergedRule.self,
        UniqueInputFieldNamesRule.self,
        MaxIntrospectionDepthRule.self,
        QueryDepthLimitRule.self,
        AliasLimitRule.self,
        QueryCostLimitRule.self,
    ]}

    /// Each error with the name of the rule that reported it ("" for the error-limit notice).
    static func validateReportingRules(
        _ document: Document, schema: GraphQLSchema, limits: QueryLimits = .init()
    ) -> [(rule: String, error: GraphQLError)] {
        let context = ValidationContext(schema: schema, document: document, limits: limits)
        let rules = Self.rules
        let parallel = ParallelVisitor(rules.map { $0.init(context: context) })
        parallel.willRun = { context.currentRule = rules[$0].name }
        parallel.isAborted = { context.isAborted }
        let walker = ASTWalker(typeInfo: context.typeInfo, visitor: parallel)
        walker.isAborted = { context.isAborted }
        walker.walk(document)
        return context.errors
    }
}
