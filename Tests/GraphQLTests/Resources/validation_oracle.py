"""graphql-core's validation verdicts, for ValidationTests' differential test.

stdin: a JSON list of documents. argv[1]: the SDL file (default Schema/gateway.graphql), or
--introspection-query to print instead graphql-core's full introspection query as a JSON string.
stdout: a JSON list with, per document, {"errors": [{"message": ..., "locations": [[line, column], ...]}]}
(an empty list when valid) or {"syntaxError": message, "locations": [[line, column]]} when it does not
parse. Documents are parsed as the released spec (October 2021) and graphql-js 16 read them: an empty
selection set is a syntax error, which graphql-core 3.3 allows unless told otherwise.
"""
import json
import pathlib
import sys

import graphql

if sys.argv[1:] == ["--introspection-query"]:
    print(json.dumps(graphql.get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True, schema_description=True,
        input_value_deprecation=True, experimental_directive_deprecation=True, one_of=True)))
    sys.exit(0)

root = pathlib.Path(__file__).resolve().parents[3]
sdl_path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "Schema" / "gateway.graphql"
schema = graphql.build_schema(sdl_path.read_text())


def verdict(source):
    try:
        document = graphql.parse(source, allow_empty_selection_sets=False)
    except graphql.GraphQLError as error:
        return {
            "syntaxError": error.message,
            "locations": [[location.line, location.column] for location in error.locations or []],
        }
    return {
        "errors": [
            {
                "message": error.message,
                "locations": [[location.line, location.column] for location in error.locations or []],
            }
            for error in graphql.validate(schema, document)
        ]
    }


print(json.dumps([verdict(source) for source in json.load(sys.stdin)]))
