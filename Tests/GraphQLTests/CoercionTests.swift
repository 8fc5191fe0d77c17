import JSON
import Testing

@testable import GraphQL

/// CoerceVariableValues and CoerceArgumentValues (spec §6.4.1) and input coercion (§3.5, §3.10,
/// §3.11): the `echo` field answers its coerced arguments, sorted by name. Expected responses
/// are graphql-core 3.3.2's, except that request errors leave `data` out (graphql-core writes
/// `"data": null`) and Float arguments keep their number text (`2`, where Python prints `2.0`).
@Suite("Executor: variable and argument coercion")
struct CoercionTests {
    typealias Case = ExecutorTests.Case

    static let cases: [Case] = [
        Case(
            name: #"variable default used when not provided"#, query: #"query($x: Int = 5) { echo(i: $x) }"#,
            expected: #"{"data":{"echo":{"d":7,"i":5,"r":"r"}}}"#),
        Case(
            name: #"provided variable overrides its default"#, query: #"query($x: Int = 5) { echo(i: $x) }"#,
            variables: #"{"x": 6}"#,
            expected: #"{"data":{"echo":{"d":7,"i":6,"r":"r"}}}"#),
        Case(
            name: #"explicit null variable overrides its default"#, query: #"query($x: Int = 5) { echo(i: $x) }"#,
            variables: #"{"x": null}"#,
            expected: #"{"data":{"echo":{"d":7,"i":null,"r":"r"}}}"#),
        Case(
            name: #"nullable variable not provided: argument absent"#, query: #"query($x: Int) { echo(i: $x) }"#,
            variables: #"{}"#,
            expected: #"{"data":{"echo":{"d":7,"r":"r"}}}"#),
        Case(
            name: #"nullable variable null: argument null"#, query: #"query($x: Int) { echo(i: $x) }"#,
            variables: #"{"x": null}"#,
            expected: #"{"data":{"echo":{"d":7,"i":null,"r":"r"}}}"#),
        Case(
            name: #"variable not provided: argument default"#, query: #"query($x: Int) { echo(d: $x) }"#,
            expected: #"{"data":{"echo":{"d":7,"r":"r"}}}"#),
        Case(
            name: #"literal null overrides argument default"#, query: #"{ echo(d: null) }"#,
            expected: #"{"data":{"echo":{"d":null,"r":"r"}}}"#),
        Case(
            name: #"missing required variable"#, query: #"query($x: Int!) { echo(i: $x) }"#, variables: #"{}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Expected a value of non-null type 'Int!' to be provided.","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"null for a non-null variable"#, query: #"query($x: Int!) { echo(i: $x) }"#, variables: #"{"x": null}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Expected value of non-null type 'Int!' not to be None.","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"Int variable from a string"#, query: #"query($x: Int) { echo(i: $x) }"#, variables: #"{"x": "a"}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Int cannot represent non-integer value: 'a'","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"Int variable beyond 32 bits"#, query: #"query($x: Int) { echo(i: $x) }"#, variables: #"{"x": 2147483648}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Int cannot represent non 32-bit signed integer value: 2147483648","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"Int variable with a fraction"#, query: #"query($x: Int) { echo(i: $x) }"#, variables: #"{"x": 1.5}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Int cannot represent non-integer value: 1.5","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"Int variable integral float"#, query: #"query($x: Int) { echo(i: $x) }"#, variables: #"{"x": 3.0}"#,
            expected: #"{"data":{"echo":{"d":7,"i":3,"r":"r"}}}"#),
        Case(
            name: #"every error of every variable is reported"#,
            query: #"query($a: Int, $b: String!, $c: Boolean) { echo(i: $a, s: $b, b: $c) }"#,
            variables: #"{"a": true, "c": "yes"}"#,
            expected:
                #"{"errors":[{"message":"Variable '$a' has invalid value: Int cannot represent non-integer value: True","locations":[{"line":1,"column":7}]},{"message":"Variable '$b' has invalid value: Expected a value of non-null type 'String!' to be provided.","locations":[{"line":1,"column":16}]},{"message":"Variable '$c' has invalid value: Boolean cannot represent a non boolean value: 'yes'","locations":[{"line":1,"column":29}]}]}"#
        ),
        Case(
            name: #"Float variable from an integer"#, query: #"query($x: Float) { echo(f: $x) }"#, variables: #"{"x": 2}"#,
            expected: #"{"data":{"echo":{"d":7,"f":2,"r":"r"}}}"#),
        Case(
            name: #"Float variable from a string"#, query: #"query($x: Float) { echo(f: $x) }"#, variables: #"{"x": "z"}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Float cannot represent non numeric value: 'z'","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"String variable from a number"#, query: #"query($x: String) { echo(s: $x) }"#, variables: #"{"x": 1}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: String cannot represent a non string value: 1","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"Boolean variable from a string"#, query: #"query($x: Boolean) { echo(b: $x) }"#, variables: #"{"x": "true"}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Boolean cannot represent a non boolean value: 'true'","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"ID variable from an integer"#, query: #"query($x: ID) { echo(id: $x) }"#, variables: #"{"x": 12}"#,
            expected: #"{"data":{"echo":{"d":7,"id":"12","r":"r"}}}"#),
        Case(
            name: #"ID variable from a float"#, query: #"query($x: ID) { echo(id: $x) }"#, variables: #"{"x": 1.5}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: ID cannot represent value: 1.5","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"enum variable"#, query: #"query($x: Color) { echo(c: $x) }"#, variables: #"{"x": "GREEN"}"#,
            expected: #"{"data":{"echo":{"c":"GREEN","d":7,"r":"r"}}}"#),
        Case(
            name: #"unknown enum value variable with suggestions"#, query: #"query($x: Color) { echo(c: $x) }"#,
            variables: #"{"x": "GREN"}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Value 'GREN' does not exist in 'Color' enum. Did you mean the enum value 'GREEN' or 'RED'?","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"enum variable not a string"#, query: #"query($x: Color) { echo(c: $x) }"#, variables: #"{"x": 1}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Enum 'Color' cannot represent non-string value: 1.","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"list variable from a single value"#, query: #"query($x: [Int]) { echo(l: $x) }"#, variables: #"{"x": 1}"#,
            expected: #"{"data":{"echo":{"d":7,"l":[1],"r":"r"}}}"#),
        Case(
            name: #"list variable with a bad item"#, query: #"query($x: [Int]) { echo(l: $x) }"#, variables: #"{"x": [1, "b"]}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value at [1]: Int cannot represent non-integer value: 'b'","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"nested list variable"#, query: #"query($x: [[Int]]) { echo(ll: $x) }"#, variables: #"{"x": [[1], 2, null]}"#,
            expected: #"{"data":{"echo":{"d":7,"ll":[[1],[2],null],"r":"r"}}}"#),
        Case(
            name: #"input object variable with defaults and a single-value list"#,
            query: #"query($x: Filter) { echo(filter: $x) }"#,
            variables: #"{"x": {"min": 1, "tags": "t", "inner": {"min": 2, "color": "BLUE"}}}"#,
            expected:
                #"{"data":{"echo":{"d":7,"filter":{"color":"RED","min":1,"tags":["t"],"inner":{"color":"BLUE","min":2}},"r":"r"}}}"#
        ),
        Case(
            name: #"input object variable missing a required field"#, query: #"query($x: Filter) { echo(filter: $x) }"#,
            variables: #"{"x": {"tags": ["a"]}}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Expected value of type 'Filter' to include required field 'min', found: {'tags': ['a']}.","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"input object variable with an unknown field"#, query: #"query($x: Filter) { echo(filter: $x) }"#,
            variables: #"{"x": {"min": 1, "colour": "RED"}}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Expected value of type 'Filter' not to include unknown field 'colour'. Did you mean 'color'? Found: {'min': 1, 'colour': 'RED'}.","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"input object variable not an object"#, query: #"query($x: Filter) { echo(filter: $x) }"#,
            variables: #"{"x": 3}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value: Expected value of type 'Filter' to be an object, found: 3.","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"nested error path in an input object"#, query: #"query($x: Filter) { echo(filter: $x) }"#,
            variables: #"{"x": {"min": 1, "inner": {"min": 1, "tags": ["a", null]}}}"#,
            expected:
                #"{"errors":[{"message":"Variable '$x' has invalid value at .inner.tags[1]: Expected value of non-null type 'String!' not to be None.","locations":[{"line":1,"column":7}]}]}"#
        ),
        Case(
            name: #"JSON variable: any value"#, query: #"query($x: JSON) { echo(j: $x) }"#,
            variables: #"{"x": {"a": [1, "b", null, {"c": true}]}}"#,
            expected: #"{"data":{"echo":{"d":7,"j":{"a":[1,"b",null,{"c":true}]},"r":"r"}}}"#),
        Case(
            name: #"literal arguments of every scalar"#, query: #"{ echo(i: -3, f: 1.5e3, s: "s\n", b: false, id: 7, c: BLUE) }"#,
            expected: #"{"data":{"echo":{"b":false,"c":"BLUE","d":7,"f":1.5e3,"i":-3,"id":"7","r":"r","s":"s\n"}}}"#),
        Case(
            name: #"literal list from a single value, nested lists"#,
            query: #"{ a: echo(l: 1, ll: [1, [2, 3]]) b: echo(cs: RED) }"#,
            expected: #"{"data":{"a":{"d":7,"l":[1],"ll":[[1],[2,3]],"r":"r"},"b":{"cs":["RED"],"d":7,"r":"r"}}}"#),
        Case(
            name: #"literal input object with defaults and nested objects"#,
            query: #"{ echo(filter: {min: 1, inner: {min: 2, color: GREEN}, tags: "x"}) }"#,
            expected:
                #"{"data":{"echo":{"d":7,"filter":{"color":"RED","min":1,"tags":["x"],"inner":{"color":"GREEN","min":2}},"r":"r"}}}"#
        ),
        Case(
            name: #"variables inside literals"#,
            query: #"query($m: Int!, $t: String!, $n: Int) { echo(filter: {min: $m, tags: [$t, "u"]}, l: [$n, 1]) }"#,
            variables: #"{"m": 4, "t": "v"}"#,
            expected: #"{"data":{"echo":{"d":7,"filter":{"color":"RED","min":4,"tags":["v","u"]},"l":[null,1],"r":"r"}}}"#),
        Case(
            name: #"input field whose variable is not provided takes its default"#,
            query: #"query($c: Color) { echo(filter: {min: 1, color: $c}) }"#,
            expected: #"{"data":{"echo":{"d":7,"filter":{"color":"RED","min":1},"r":"r"}}}"#),
        Case(
            name: #"JSON literal with variables inside"#,
            query: #"query($v: JSON = 3) { echo(j: {a: [1, "x", null, true, {b: $v}], e: ENUM_LIKE, f: 2.5}) }"#,
            expected: #"{"data":{"echo":{"d":7,"j":{"a":[1,"x",null,true,{"b":3}],"e":"ENUM_LIKE","f":2.5},"r":"r"}}}"#),
        Case(
            name: #"variable default of an input object"#, query: #"query($x: Filter = {min: 9}) { echo(filter: $x) }"#,
            expected: #"{"data":{"echo":{"d":7,"filter":{"color":"RED","min":9},"r":"r"}}}"#),
    ]

    @Test(arguments: cases)
    func coercion(_ row: Case) async throws {
        try await ExecutorFixture.check(row.query, variables: row.variables, expect: row.expected)
    }

    @Test(
        arguments: [
            (
                "Float", JSONValue.number(JSONNumber(text: "9007199254740993")!),
                "Float cannot represent non numeric value: 9007199254740993 (value would lose precision)"
            ),
            ("Int", "", "Int cannot represent non-integer value: ''"),
            ("ID", true, "ID cannot represent value: True"),
            ("String", ["a": ["b": ["c": 1]]], "String cannot represent a non string value: {'a': {'b': {...}}}"),
            (
                "String", .array((1...12).map { JSONValue.number(JSONNumber($0)) }),
                "String cannot represent a non string value: [1, 2, 3, 4, 5, ..., 9, 10, 11, 12]"
            ),
            ("Boolean", "it's", #"Boolean cannot represent a non boolean value: "it's""#),
        ] as [(String, JSONValue, String)])
    func scalarInputMessages(_ type: String, _ value: JSONValue, _ message: String) throws {
        let named = try #require(ExecutorFixture.schema.type(named: type))
        switch ScalarInputCoercion.coerce(value, to: named) {
        case .success(let coerced): Issue.record("\(value) coerced to \(coerced)")
        case .failure(let error): #expect(error.message == message)
        }
    }
}
