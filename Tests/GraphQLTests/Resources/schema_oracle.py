"""graphql-core's view of SDL documents, for SchemaBuilderTests and SchemaPrinterTests.

stdin: a JSON list of SDL strings. stdout: a JSON list with, per document, either
{"types": [type_map names in order], "printed": print_schema(...), "directives": [names]}
or {"error": message} when build_schema or validate_schema rejects it.
"""
import json
import sys

import graphql


def answer(sdl):
    try:
        schema = graphql.build_schema(sdl)
    except Exception as error:  # noqa: BLE001 - any rejection is an answer
        return {"error": str(error).split("\n")[0]}
    errors = graphql.validate_schema(schema)
    if errors:
        return {"error": errors[0].message}
    return {
        "types": list(schema.type_map),
        "printed": graphql.print_schema(schema),
        "directives": [directive.name for directive in schema.directives],
    }


print(json.dumps([answer(sdl) for sdl in json.load(sys.stdin)]))
