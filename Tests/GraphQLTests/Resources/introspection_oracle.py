"""Introspection oracle for IntrospectionTests: builds the SDL file given as the only argument
with graphql-core and prints {"query": the full introspection query, "result": its data}, both
with every option on, so the Swift test can run the same query and compare the data exactly."""

import json
import sys

from graphql import build_schema, get_introspection_query, introspection_from_schema

OPTIONS = dict(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
    experimental_directive_deprecation=True,
    one_of=True,
)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        schema = build_schema(file.read())
    query = get_introspection_query(**OPTIONS)
    result = introspection_from_schema(schema, **OPTIONS)
    json.dump({"query": query, "result": result}, sys.stdout)


if __name__ == "__main__":
    main()
