/// The five scalars every schema has (spec §3.5), with graphql-core's descriptions, which
/// introspection serves verbatim.
enum BuiltInScalars {
    static let int = GraphQLNamedType(
        name: "Int",
        description:
            "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1.",
        kind: .scalar(specifiedByURL: nil))
    static let float = GraphQLNamedType(
        name: "Float",
        description:
            "The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).",
        kind: .scalar(specifiedByURL: nil))
    static let string = GraphQLNamedType(
        name: "String",
        description:
            "The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text.",
        kind: .scalar(specifiedByURL: nil))
    static let boolean = GraphQLNamedType(
        name: "Boolean", description: "The `Boolean` scalar type represents `true` or `false`.",
        kind: .scalar(specifiedByURL: nil))
    static let id = GraphQLNamedType(
        name: "ID",
        description:
            "The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID.",
        kind: .scalar(specifiedByURL: nil))

    static let all: [GraphQLNamedType] = [string, int, float, boolean, id]
    static let byName: [String: GraphQLNamedType] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    static func isBuiltIn(_ name: String) -> Bool { byName[name] != nil }
}
