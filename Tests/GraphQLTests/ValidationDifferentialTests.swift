import GatewayTestSupport
import JSON
import Testing

@testable import GraphQL

/// Random documents over the gateway schema: well-formed ones built from its fields, with
/// mistakes mixed in (unknown fields and arguments, wrong literal types, missing required
/// arguments, duplicate names, unused or undefined variables, bad fragments, misplaced
/// directives, conflicting aliases). Our validator and graphql-core must agree on each.
struct RandomDocumentGenerator {
    enum Mistake: CaseIterable {
        case unknownField, unknownArgument, wrongArgumentType, missingRequiredArgument, duplicateOperationName
        case duplicateFragmentName, duplicateVariable, duplicateArgument, unusedVariable, undefinedVariable
        case unknownFragment, unusedFragment, fragmentOnWrongType, fragmentCycle, selectionOnLeaf, missingSelection
        case unknownDirective, misplacedDirective, conflictingAlias, nullableVariableInNonNullPosition, unknownType
        case badVariableDefault, inlineFragmentOnWrongType, memberFieldOnUnion, subscription, differingArguments
    }

    var rng: SplitMix64
    let schema: GraphQLSchema
    private var mistakes: Set<Mistake> = []
    private var variables: [(name: String, type: String)] = []
    private var fragments: [String] = []
    private var fragmentTypes: [String] = []

    init(seed: UInt64, schema: GraphQLSchema) {
        rng = SplitMix64(seed: seed)
        self.schema = schema
    }

    private mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
    private mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    private mutating func take(_ mistake: Mistake) -> Bool { mistakes.remove(mistake) != nil }

    mutating func document() -> String {
        mistakes = []
        variables = []
        fragments = []
        fragmentTypes = []
        if chance(65) {
            for _ in 0..<(1 + Int(rng.next() % 2)) { mistakes.insert(pick(Mistake.allCases)) }
        }
        if take(.subscription) { return "subscription S { health { status } }" }
        let isMutation = chance(35)
        let root = schema.type(named: isMutation ? "Mutation" : "Query")!
        let body = selectionSet(root, depth: 1)
        let operationName = "Op\(rng.next() % 3)"
        if take(.unusedVariable) { variables.append(("unused", "Int")) }
        if take(.duplicateVariable), let first = variables.first { variables.append(first) }
        if take(.undefinedVariable) {
            // A variable used in a fragment the operation spreads, but never declared.
            fragments.append("fragment Undef on \(root.name) { __typename @include(if: $undeclared) }")
            return wrap(isMutation, operationName, body.dropLast() + " ...Undef }")
        }
        if take(.fragmentCycle) {
            fragments.append("fragment CycA on \(root.name) { __typename ...CycB }")
            fragments.append("fragment CycB on \(root.name) { __typename ...CycA }")
            return wrap(isMutation, operationName, body.dropLast() + " ...CycA }")
        }
        if take(.unknownFragment) { return wrap(isMutation, operationName, body.dropLast() + " ...Nowhere }") }
        if take(.unusedFragment) { fragments.append("fragment Lonely on Model { name }") }
        if take(.duplicateFragmentName), let first = fragments.first { fragments.append(first) }
        var text = wrap(isMutation, operationName, String(body))
        if take(.duplicateOperationName) {
            text = "query \(operationName) { health { status } }\n" + text
        }
        return text
    }

    private func wrap(_ isMutation: Bool, _ name: String, _ body: String) -> String {
        let keyword = isMutation ? "mutation" : "query"
        let definitions = variables.isEmpty ? "" : "(" + variables.map { "$\($0.name): \($0.type)" }.joined(separator: ", ") + ")"
        return ([keyword + " " + name + definitions + " " + body] + fragments).joined(separator: "\n")
    }

    private mutating func selectionSet(_ type: GraphQLNamedType, depth: Int) -> String {
        var parts: [String] = []
        switch type.kind {
        case .union(let members):
            parts.append("__typename")
            if take(.memberFieldOnUnion) { parts.append("model") }
            for member in members where chance(60) {
                parts.append("... on \(member) " + selectionSet(schema.type(named: member)!, depth: depth + 1))
            }
        case .interface:
            parts += fields(of: type, depth: depth)
            for implementation in schema.possibleTypes(of: type.name) where chance(40) {
                parts.append("... on \(implementation) " + selectionSet(schema.type(named: implementation)!, depth: depth + 1))
            }
        default:
            parts += fields(of: type, depth: depth)
            if chance(15) && depth < 4 {
                let name = "F\(fragments.count + fragmentTypes.count)"
                fragmentTypes.append(type.name)
                var condition = type.name
                if take(.fragmentOnWrongType) { condition = type.name == "Health" ? "Model" : "Health" }
                let fragmentBody = selectionSet(type, depth: depth + 1)
                fragments.append("fragment \(name) on \(condition) \(fragmentBody)")
                parts.append("...\(name)")
            }
        }
        if take(.unknownField) { parts.append(pick(["nmae", "statuss", "foo", "modle"])) }
        if take(.inlineFragmentOnWrongType) { parts.append(type.name == "Health" ? "... on Model { name }" : "... on Health { status }") }
        return "{ " + parts.joined(separator: " ") + " }"
    }

    private mutating func fields(of type: GraphQLNamedType, depth: Int) -> [String] {
        var chosen: [GraphQLField] = []
        let candidates = type.fields.filter { depth < 4 || schema.namedType(of: $0.type)!.isLeaf }
        for _ in 0..<(1 + Int(rng.next() % 3)) { chosen.append(pick(candidates.isEmpty ? type.fields : candidates)) }
        var parts: [String] = []
        for (index, field) in chosen.enumerated() {
            var text = field.name
            if chance(20) { text = "a\(index)_\(depth): " + text }
            if take(.conflictingAlias), let other = type.fields.first(where: { $0.name != field.name && $0.type != field.type }) {
                parts.append("\(field.name): \(other.name)" + (schema.namedType(of: other.type)!.isLeaf ? "" : " { __typename }"))
            }
            if !field.arguments.isEmpty && take(.differingArguments) {
                parts.append(field.name + arguments(field) + (schema.namedType(of: field.type)!.isLeaf ? "" : " { __typename }"))
            }
            text += arguments(field)
            if chance(10) { text += pick([" @include(if: true)", " @skip(if: false)"]) }
            if take(.unknownDirective) { text += " @cached" }
            if take(.misplacedDirective) { text += " @deprecated" }
            let named = schema.namedType(of: field.type)!
            if named.isLeaf {
                if take(.selectionOnLeaf) { text += " { value }" }
            } else if !take(.missingSelection) {
                text += " " + selectionSet(named, depth: depth + 1)
            }
            parts.append(text)
        }
        return parts
    }

    private mutating func arguments(_ field: GraphQLField) -> String {
        var parts: [String] = []
        for argument in field.arguments {
            let required = argument.type.isNonNull && argument.defaultValue == nil
            if required && take(.missingRequiredArgument) { continue }
            guard required || chance(30) else { continue }
            if take(.wrongArgumentType) {
                parts.append("\(argument.name): \(wrongValue(argument.type))")
            } else if chance(30) {
                let name = "v\(variables.count)"
                var declared = argument.type.description
                if take(.unknownType) { declared = "Strng" }
                if take(.nullableVariableInNonNullPosition) { declared = argument.type.nullable.description }
                if argument.type.namedType != "JSON" && take(.badVariableDefault) {
                    declared += " = " + wrongValue(argument.type)
                } else if !argument.type.isNonNull && chance(20) {
                    declared += " = " + value(argument.type, depth: 0)
                }
                variables.append((name, declared))
                parts.append("\(argument.name): $\(name)")
            } else {
                parts.append("\(argument.name): \(value(argument.type, depth: 0))")
            }
            if take(.duplicateArgument) { parts.append("\(argument.name): \(value(argument.type, depth: 0))") }
        }
        if take(.unknownArgument) { parts.append("bogus: 1") }
        return parts.isEmpty ? "" : "(" + parts.joined(separator: ", ") + ")"
    }

    private mutating func value(_ type: GraphQLType, depth: Int) -> String {
        switch type {
        case .nonNull(let inner): return value(inner, depth: depth)
        case .list(let inner):
            if chance(20) { return value(inner, depth: depth + 1) }
            return "[" + (0..<Int(rng.next() % 3)).map { _ in value(inner, depth: depth + 1) }.joined(separator: ", ") + "]"
        case .named(let name):
            if chance(5) && depth > 0 { return "null" }
            switch name {
            case "Int": return String(Int(rng.next() % 200) - 20)
            case "Float": return pick(["1.5", "2", "-0.25", "3e2"])
            case "String": return pick(["\"m\"", "\"yi34\"", "\"\"", "\"\"\"block\"\"\""])
            case "Boolean": return pick(["true", "false"])
            case "ID": return pick(["\"id1\"", "42"])
            case "JSON": return pick(["{a: 1}", "[1, \"x\"]", "\"s\"", "3", "{nested: {list: [true, null]}}"])
            default:
                let type = schema.type(named: name)!
                switch type.kind {
                case .enumeration(let values): return pick(values).name
                case .inputObject(let fields):
                    let given = fields.filter { ($0.type.isNonNull && $0.defaultValue == nil) || chance(50) }
                    return "{" + given.map { "\($0.name): \(value($0.type, depth: depth + 1))" }.joined(separator: ", ") + "}"
                default: return "null"
                }
            }
        }
    }

    private mutating func wrongValue(_ type: GraphQLType) -> String {
        switch type.nullable {
        case .list(let inner): return "[" + wrongValue(inner) + "]"
        default:
            switch type.namedType {
            case "Int": return pick(["\"ten\"", "1.5", "3000000000", "true"])
            case "Float": return pick(["\"x\"", "true", "RED"])
            case "String": return pick(["1", "true", "ENUM", "{a: 1}"])
            case "Boolean": return pick(["\"yes\"", "1", "null"])
            case "ID": return pick(["1.5", "true"])
            case "JSON": return "$undefinedJSON"  // JSON takes any literal
            default: return pick(["\"text\"", "{vectr: [1]}", "UNKNOWN_VALUE"])
            }
        }
    }
}


@Suite("Validation against graphql-core", .serialized)
struct ValidationDifferentialTests {
    static let count = 600

    @Test func randomDocumentsGetGraphQLCoresVerdictAndMessages() throws {
        var generator = RandomDocumentGenerator(seed: 0x6A11_DA7E, schema: GatewaySchema.schema)
        let documents = (0..<Self.count).map { _ in generator.document() }
        guard case .array(let answers) = try PythonOracle.run("validation_oracle.py", input: .array(documents.map { .string($0) }))
        else { throw PythonOracle.OracleError("validation_oracle.py did not answer a list") }
        try #require(answers.count == documents.count)
        var invalid = 0, verdictMismatches = 0, messageMismatches = 0, unparsable = 0
        for (source, answer) in zip(documents, answers) {
            guard let expected = answer["errors"]?.arrayValue else {
                unparsable += 1  // the generator should not write these; the parser's tests cover syntax
                if unparsable <= 3 { Issue.record("graphql-core cannot parse\n\(source)\n\(answer)") }
                continue
            }
            let ours = try GatewaySchema.validate(source).map(\.error)
            if !expected.isEmpty { invalid += 1 }
            if ours.isEmpty != expected.isEmpty {
                verdictMismatches += 1
                if verdictMismatches <= 10 { Issue.record("verdict differs for\n\(source)\nours: \(ours)\ngraphql-core: \(expected)") }
                continue
            }
            let ourErrors = ours.map { error -> JSONValue in
                .object([
                    "message": .string(error.message),
                    "locations": .array(error.locations.map { .array([.number(JSONNumber($0.line)), .number(JSONNumber($0.column))]) }),
                ])
            }
            if ourErrors != expected {
                messageMismatches += 1
                if messageMismatches <= 10 { Issue.record("errors differ for\n\(source)\nours: \(ours)\ngraphql-core: \(expected)") }
            }
        }
        #expect(invalid >= Self.count / 3, "the corpus should be well mixed: \(invalid) invalid of \(Self.count)")
        #expect(invalid <= Self.count * 3 / 4, "the corpus should be well mixed: \(invalid) invalid of \(Self.count)")
        #expect(unparsable == 0)
        #expect(verdictMismatches == 0)
        #expect(messageMismatches == 0)
    }
}
