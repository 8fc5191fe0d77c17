import JSON
import Testing

@testable import GraphQL

/// Field errors (spec §6.4.4): messages, locations and paths, and how far the null moves up.
/// Expected responses are graphql-core 3.3.2's for the same schema and resolvers, except that a
/// Float result keeps the resolver's number text (`1`, where Python prints `1.0`).
@Suite("Executor: field errors and null propagation")
struct ExecutorErrorTests {
    typealias Case = ExecutorTests.Case

    static let cases: [Case] = [
        Case(
            name: #"non-null leaf error nulls its nullable parent"#, query: #"{ tree { child { requiredLeaf } leaf } }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Tree.requiredLeaf.","locations":[{"line":1,"column":18}],"path":["tree","child","requiredLeaf"]}],"data":{"tree":{"child":null,"leaf":1}}}"#
        ),
        Case(
            name: #"null bubbles up two levels; sibling root fields still run"#,
            query: #"{ tree { requiredChild { requiredLeaf } } int(v: 1) }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Tree.requiredLeaf.","locations":[{"line":1,"column":26}],"path":["tree","requiredChild","requiredLeaf"]}],"data":{"tree":null,"int":1}}"#
        ),
        Case(
            name: #"null bubbles through a non-null object to the nearest nullable field"#,
            query: #"{ tree { leaf requiredChild { leaf requiredLeaf } } }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Tree.requiredLeaf.","locations":[{"line":1,"column":36}],"path":["tree","requiredChild","requiredLeaf"]}],"data":{"tree":null}}"#
        ),
        Case(
            name: #"null reaching a non-null root field makes data null"#,
            query: #"{ requiredTree { requiredChild { requiredLeaf } } int(v: 1) }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Tree.requiredLeaf.","locations":[{"line":1,"column":34}],"path":["requiredTree","requiredChild","requiredLeaf"]}],"data":null}"#
        ),
        Case(
            name: #"error in a list item of non-null objects nulls the list; path has the index"#,
            query: #"{ tree { children { requiredLeaf } } }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Tree.requiredLeaf.","locations":[{"line":1,"column":21}],"path":["tree","children",1,"requiredLeaf"]}],"data":{"tree":{"children":null}}}"#
        ),
        Case(
            name: #"missing members of list items are null"#, query: #"{ tree { children { leaf } } }"#,
            expected: #"{"data":{"tree":{"children":[{"leaf":null},{"leaf":null},{"leaf":null}]}}}"#),
        Case(
            name: #"non-null items null the list; nullable items become null"#,
            query: #"{ strictInts(v: [1, null, 3]) ints(v: [1, null, "x"]) }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Query.strictInts.","locations":[{"line":1,"column":3}],"path":["strictInts",1]},{"message":"Int cannot represent non-integer value: 'x'","locations":[{"line":1,"column":31}],"path":["ints",2]}],"data":{"strictInts":null,"ints":[1,null,null]}}"#
        ),
        Case(
            name: #"nested lists: path has both indexes"#, query: #"{ grid(v: [[1], [2, null]]) }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Query.grid.","locations":[{"line":1,"column":3}],"path":["grid",1,1]}],"data":{"grid":[[1],null]}}"#
        ),
        Case(
            name: #"non-null root field null: data null"#, query: #"{ requiredInt(v: null) int(v: 1) }"#,
            expected:
                #"{"errors":[{"message":"Cannot return null for non-nullable field Query.requiredInt.","locations":[{"line":1,"column":3}],"path":["requiredInt"]}],"data":null}"#
        ),
        Case(
            name: #"Int result coercion: 32-bit range, integral floats, strings"#,
            query:
                #"{ a: int(v: 2147483648) b: int(v: -2147483649) c: int(v: 1.5) d: int(v: "x") e: int(v: 1.0) f: int(v: -2147483648) }"#,
            expected:
                #"{"errors":[{"message":"Int cannot represent non 32-bit signed integer value: 2147483648","locations":[{"line":1,"column":3}],"path":["a"]},{"message":"Int cannot represent non 32-bit signed integer value: -2147483649","locations":[{"line":1,"column":25}],"path":["b"]},{"message":"Int cannot represent non-integer value: 1.5","locations":[{"line":1,"column":48}],"path":["c"]},{"message":"Int cannot represent non-integer value: 'x'","locations":[{"line":1,"column":63}],"path":["d"]}],"data":{"a":null,"b":null,"c":null,"d":null,"e":1,"f":-2147483648}}"#
        ),
        Case(
            name: #"Float result coercion"#, query: #"{ a: float(v: 1) b: float(v: "x") c: float(v: true) }"#,
            expected:
                #"{"errors":[{"message":"Float cannot represent non numeric value: 'x'","locations":[{"line":1,"column":18}],"path":["b"]}],"data":{"a":1,"b":null,"c":1}}"#
        ),
        Case(
            name: #"String result coercion"#,
            query: #"{ a: string(v: 1) b: string(v: true) c: string(v: [1]) d: string(v: 1.5) }"#,
            expected:
                #"{"errors":[{"message":"String cannot represent value: [1]","locations":[{"line":1,"column":38}],"path":["c"]}],"data":{"a":"1","b":"true","c":null,"d":"1.5"}}"#
        ),
        Case(
            name: #"Boolean result coercion"#, query: #"{ a: boolean(v: 1) b: boolean(v: "x") c: boolean(v: 0) }"#,
            expected:
                #"{"errors":[{"message":"Boolean cannot represent a non boolean value: 'x'","locations":[{"line":1,"column":20}],"path":["b"]}],"data":{"a":true,"b":null,"c":false}}"#
        ),
        Case(
            name: #"ID result coercion"#, query: #"{ a: id(v: 5) b: id(v: "x") c: id(v: 1.5) d: id(v: true) }"#,
            expected:
                #"{"errors":[{"message":"ID cannot represent value: 1.5","locations":[{"line":1,"column":29}],"path":["c"]},{"message":"ID cannot represent value: True","locations":[{"line":1,"column":43}],"path":["d"]}],"data":{"a":"5","b":"x","c":null,"d":null}}"#
        ),
        Case(
            name: #"enum result must be a value of the enum"#,
            query: #"{ a: color(v: "RED") b: color(v: "PURPLE") c: color(v: 1) }"#,
            expected:
                #"{"errors":[{"message":"Enum 'Color' cannot represent value: 'PURPLE'","locations":[{"line":1,"column":22}],"path":["b"]},{"message":"Enum 'Color' cannot represent value: 1","locations":[{"line":1,"column":44}],"path":["c"]}],"data":{"a":"RED","b":null,"c":null}}"#
        ),
        Case(
            name: #"a list field given a non-list"#, query: #"{ ints(v: 1) }"#,
            expected:
                #"{"errors":[{"message":"Expected Iterable, but did not find one for field 'Query.ints'.","locations":[{"line":1,"column":3}],"path":["ints"]}],"data":{"ints":null}}"#
        ),
        Case(
            name: #"abstract type without __typename"#, query: #"{ animal(v: {name: "x"}) { __typename } }"#,
            expected:
                #"{"errors":[{"message":"Abstract type 'Animal' must resolve to an Object type at runtime for field 'Query.animal'. Either the 'Animal' type should provide a 'resolve_type' function or each possible type should provide an 'is_type_of' function.","locations":[{"line":1,"column":3}],"path":["animal"]}],"data":{"animal":null}}"#
        ),
        Case(
            name: #"abstract type resolved to an object that is not a member"#,
            query: #"{ animal(v: {__typename: "Tree"}) { __typename } }"#,
            expected:
                #"{"errors":[{"message":"Runtime Object type 'Tree' is not a possible type for 'Animal'.","locations":[{"line":1,"column":3}],"path":["animal"]}],"data":{"animal":null}}"#
        ),
        Case(
            name: #"abstract type resolved to an unknown type"#, query: #"{ animal(v: {__typename: "Nope"}) { __typename } }"#,
            expected:
                #"{"errors":[{"message":"Abstract type 'Animal' was resolved to a type 'Nope' that does not exist inside the schema.","locations":[{"line":1,"column":3}],"path":["animal"]}],"data":{"animal":null}}"#
        ),
        Case(
            name: #"abstract type resolved by __typename"#,
            query: #"{ animal(v: {__typename: "Dog", name: "D"}) { ... on Dog { name } } }"#,
            expected: #"{"data":{"animal":{"name":"D"}}}"#),
        Case(
            name: #"FieldError: message and extensions"#, query: #"{ fail(code: "nope") f2: fail }"#,
            expected:
                #"{"errors":[{"message":"Failed: nope","locations":[{"line":1,"column":3}],"path":["fail"],"extensions":{"code":"nope","retry":true}},{"message":"Failed: -","locations":[{"line":1,"column":22}],"path":["f2"],"extensions":{"code":"bad","retry":true}}],"data":{"fail":null,"f2":null}}"#
        ),
        Case(
            name: #"resolver error on a nullable field keeps siblings"#, query: #"{ tree { fail leaf } }"#,
            expected:
                #"{"errors":[{"message":"Tree failed","locations":[{"line":1,"column":10}],"path":["tree","fail"],"extensions":{"code":"tree"}}],"data":{"tree":{"fail":null,"leaf":1}}}"#
        ),
        Case(
            name: #"resolver error on a non-null field nulls the parent"#, query: #"{ tree { requiredFail leaf } int(v: 3) }"#,
            expected:
                #"{"errors":[{"message":"Tree failed hard","locations":[{"line":1,"column":10}],"path":["tree","requiredFail"],"extensions":{"code":"tree"}}],"data":{"tree":null,"int":3}}"#
        ),
        Case(
            name: #"resolver error inside a list: path has the index, the first item stops the list"#,
            query: #"{ tree { children { requiredFail } } }"#,
            expected:
                #"{"errors":[{"message":"Tree failed hard","locations":[{"line":1,"column":21}],"path":["tree","children",0,"requiredFail"],"extensions":{"code":"tree"}}],"data":{"tree":{"children":null}}}"#
        ),
        Case(
            name: #"merged field nodes: every location"#, query: #"{ int(v: "x") ... on Query { int(v: "x") } }"#,
            expected:
                #"{"errors":[{"message":"Int cannot represent non-integer value: 'x'","locations":[{"line":1,"column":3},{"line":1,"column":30}],"path":["int"]}],"data":{"int":null}}"#
        ),
        Case(
            name: #"alias shadows a field name inside a fragment"#, query: #"{ pets { ... on Dog { legs: barks } } }"#,
            expected: #"{"data":{"pets":[{"legs":true},{}]}}"#),
        Case(
            name: #"any other resolver error is an internal error without details"#, query: #"{ boom int(v: 1) }"#,
            expected:
                #"{"errors":[{"message":"Internal error","locations":[{"line":1,"column":3}],"path":["boom"],"extensions":{"code":"internal"}}],"data":{"boom":null,"int":1}}"#
        ),
    ]

    @Test(arguments: cases)
    func fieldErrors(_ row: Case) async throws {
        try await ExecutorFixture.check(row.query, variables: row.variables, expect: row.expected)
    }
}
