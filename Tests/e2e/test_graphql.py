"""GraphQL over HTTP on the release gateway (spec §4), driven by graphql-core as a dashboard would:
the full introspection query must rebuild Schema/gateway.graphql exactly; every root field calls the
same core as REST (checked against REST's answers and the simulator's vectors); media types, status
codes and limits follow GraphQL over HTTP."""
from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from pathlib import Path

import graphql
import pytest

from services import MODELS, embed, gateway_env, gateways, get_json, http, module_gateways, sim  # noqa: F401 (fixtures)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "Schema" / "gateway.graphql"
GQL_RESPONSE = "application/graphql-response+json"
FULL_INTROSPECTION = graphql.get_introspection_query(
    descriptions=True, specified_by_url=True, directive_is_repeatable=True, schema_description=True,
    input_value_deprecation=True, experimental_directive_deprecation=True, one_of=True)


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1))


@pytest.fixture(autouse=True)
def clean_sim(sim):
    sim.reset()
    yield
    sim.reset()


def gql(port: int, query: str, variables: dict | None = None, operation: str | None = None,
        headers: dict | None = None):
    body = {"query": query}
    if variables is not None:
        body["variables"] = variables
    if operation is not None:
        body["operationName"] = operation
    return http(port, "POST", "/graphql", body, headers=headers)


def parse(source: str) -> graphql.DocumentNode:
    """graphql-core's parse as the released spec and graphql-js 16 read documents: `{ }` is a syntax
    error there, which graphql-core 3.3 accepts unless told otherwise."""
    return graphql.parse(source, allow_empty_selection_sets=False)


def ok_data(r) -> dict:
    assert r.status == 200, r
    doc = r.json()
    assert "errors" not in doc, doc["errors"]
    return doc["data"]


def uniq(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# ------------------------------------------------------------------------------ schema and introspection

def test_introspection_rebuilds_the_schema_file(gw):
    r = gql(gw.port, FULL_INTROSPECTION, operation="IntrospectionQuery")
    assert r.headers["content-type"].startswith(GQL_RESPONSE), r
    client = graphql.build_client_schema(ok_data(r))
    want = graphql.build_schema(SCHEMA_FILE.read_text())
    assert graphql.print_schema(client) == graphql.print_schema(want)
    # and graphql-core's own introspection of the file is exactly what we answered
    assert ok_data(r) == graphql.introspection_from_schema(
        want, descriptions=True, specified_by_url=True, directive_is_repeatable=True, schema_description=True,
        input_value_deprecation=True, experimental_directive_deprecation=True, one_of=True)


def test_graphiql_default_introspection_over_get(gw):
    q = graphql.get_introspection_query(input_value_deprecation=True)
    r = http(gw.port, "GET", "/graphql?" + urllib.parse.urlencode({"query": q, "operationName": "IntrospectionQuery"}))
    data = ok_data(r)
    names = {t["name"] for t in data["__schema"]["types"]}
    assert {"Query", "Mutation", "Model", "EmbedResult", "JSON", "Int", "__Type"} <= names


def test_typename_type_and_fragments_on_the_union(gw):
    data = ok_data(gql(gw.port, """
        query { __typename t: __type(name: "EmbedResult") { kind possibleTypes { name } }
                i: __type(name: "EmbedAnswer") { kind possibleTypes { name } } }"""))
    assert data["__typename"] == "Query"
    assert data["t"] == {"kind": "UNION", "possibleTypes": [{"name": "Embedding"}, {"name": "QueuedJob"}]}
    assert data["i"]["kind"] == "INTERFACE"


# ------------------------------------------------------------------------------ the core through GraphQL

EMBED = """
mutation Embed($model: String!, $text: String, $texts: [String!], $urgent: Boolean) {
  embed(model: $model, text: $text, texts: $texts, urgent: $urgent) {
    __typename
    ... on EmbedAnswer { model pattern processingMode metadata { patternType urgent processedAt queuedAt batchSize } }
    ... on Embedding { embedding embeddings cached endpoint processingTimeMs }
    ... on QueuedJob { batchId status itemsCount queuePosition estimatedCompletion degraded }
  }
}"""


def test_embed_real_time_returns_the_simulator_vector_and_reports_the_cache(gw, sim):
    text = uniq("gql-rt")
    first = gql(gw.port, EMBED, {"model": "phi3", "text": text})
    data = ok_data(first)["embed"]
    assert data["__typename"] == "Embedding" and data["model"] == "phi3"
    assert data["pattern"] == "REAL_TIME" and data["processingMode"] == "REAL_TIME"
    assert data["embeddings"] is None and len(data["embedding"]) == MODELS["phi3"]["size"]
    want = sim.vectors("phi3", [text])[0]
    assert max(abs(a - b) for a, b in zip(data["embedding"], want)) < 1e-6
    assert data["cached"] is False and data["endpoint"].startswith("http://127.0.0.1:")
    assert first.json()["extensions"]["cache"] == {"embed": "MISS"}
    assert first.headers["x-request-id"] and "upstream;dur=" in first.headers["server-timing"]

    again = gql(gw.port, EMBED, {"model": "phi3", "text": text})
    assert ok_data(again)["embed"]["cached"] is True
    assert again.json()["extensions"]["cache"] == {"embed": "HIT"}
    # REST now hits the same cache entry: one core, one cache
    rest = embed(gw.port, "phi3", {"text": text})
    assert rest.status == 200 and rest.headers["x-cache"] == "HIT" and rest.json()["embedding"] == data["embedding"]


def test_embed_hybrid_urgent_answers_and_bulk_queues_then_completes(gw, sim):
    urgent = ok_data(gql(gw.port, EMBED, {"model": "hermes", "texts": [uniq("h1"), uniq("h2")], "urgent": True}))["embed"]
    assert urgent["__typename"] == "Embedding" and urgent["pattern"] == "HYBRID" and len(urgent["embeddings"]) == 2

    texts = [uniq("gql-bulk"), uniq("gql-bulk")]
    queued = ok_data(gql(gw.port, EMBED, {"model": "mixtral", "texts": texts}))["embed"]
    assert queued["__typename"] == "QueuedJob" and queued["status"] == "QUEUED"
    assert queued["pattern"] == "BULK_ONLY" and queued["processingMode"] == "BULK" and queued["itemsCount"] == 2
    assert queued["metadata"]["batchSize"] == 2 and queued["metadata"]["queuedAt"]
    assert queued["batchId"].startswith("batch_mixtral_")

    q = "query($id: ID!) { batch(id: $id) { batchId status itemsCount completedItems embeddings error attempts } }"
    deadline = time.monotonic() + 20
    while True:
        b = ok_data(gql(gw.port, q, {"id": queued["batchId"]}))["batch"]
        if b["status"] in ("COMPLETED", "FAILED") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert b["status"] == "COMPLETED", b
    want = sim.vectors("mixtral", texts)
    for got, w in zip(b["embeddings"], want):
        assert max(abs(x - y) for x, y in zip(got, w)) < 1e-6
    rest = get_json(gw.port, f"/api/v1/external/batch/{queued['batchId']}")
    assert rest["status"] == "completed" and rest["embeddings"] == b["embeddings"]


def test_core_errors_carry_the_spec_code_and_null_propagates(gw):
    r = gql(gw.port, 'mutation { embed(model: "nope", text: "x") { __typename } }')
    assert r.status == 200, r
    doc = r.json()
    assert doc["data"] is None  # embed is non-null on the mutation root
    (err,) = doc["errors"]
    assert err["extensions"]["code"] == "not_found" and err["path"] == ["embed"]
    assert err["locations"] == [{"line": 1, "column": 12}]
    r = gql(gw.port, 'mutation { embed(model: "phi3") { __typename } }')
    assert r.json()["errors"][0]["extensions"]["code"] == "invalid_argument"


def test_unknown_model_and_batch_are_null_without_errors(gw):
    doc = gql(gw.port, '{ model(name: "nope") { name } batch(id: "batch_nope") { status } m: model(name: "yi34") { name } }').json()
    assert doc == {"data": {"model": None, "batch": None, "m": {"name": "yi34b"}}}


def test_models_mirror_the_configuration(gw):
    data = ok_data(gql(gw.port, "{ models { name pattern vectorSize batchSize dialect breaker endpoints { url status } } }"))
    got = {m["name"]: m for m in data["models"]}
    assert list(got) == list(MODELS)
    for name, m in MODELS.items():
        assert got[name]["pattern"] == m["pattern"].upper() and got[name]["vectorSize"] == m["size"]
        assert got[name]["batchSize"] == m["batch_size"] and got[name]["breaker"] == "CLOSED"
        assert got[name]["endpoints"][0]["url"].startswith("http://127.0.0.1:")


def test_status_queries_report_what_rest_reports(gw):
    q = """{ patternStatus { realTime { models successRate } hybrid { models } bulkOnly { models completedBatches }
                             circuitBreakers { model status failureCount endpoints { url status failureCount } } }
             queueStatus { totalJobs pendingJobs completedJobs failedJobs modelQueues { model pending processing }
                           processingStats { successRate } } }"""
    data = ok_data(gql(gw.port, q))
    rest = get_json(gw.port, "/api/v1/external/patterns/status")
    ps = data["patternStatus"]
    assert ps["realTime"]["models"] == rest["patterns"]["real_time"]["models"]
    assert ps["hybrid"]["models"] == rest["patterns"]["hybrid"]["models"]
    assert ps["bulkOnly"]["models"] == rest["patterns"]["bulk_only"]["models"]
    for b in ps["circuitBreakers"]:
        r = rest["circuit_breakers"][b["model"]]
        assert b["status"] == r["status"].upper() and b["failureCount"] == r["failure_count"]
        assert [e["url"] for e in b["endpoints"]] == [e["url"] for e in r["endpoints"]]
    qs = get_json(gw.port, "/api/v1/external/batch/queue/status")
    assert data["queueStatus"]["completedJobs"] <= qs["queue_status"]["completed_jobs"]
    assert [m["model"] for m in data["queueStatus"]["modelQueues"]] == list(qs["model_queues"])


def test_ingest_then_search_matches_rest(gw):
    size = MODELS["general"]["size"]
    run = uniq("run")
    vectors = [{"id": f"g{i}-{run}", "vector": [((i * 7 + j) % 13 - 6) / 8 for j in range(size)], "payload": {"run": run}}
               for i in range(4)]
    m = "mutation($v: [PointInput!]!) { ingest(model: \"general\", vectors: $v) { status model ingested ids } }"
    assert ok_data(gql(gw.port, m, {"v": vectors}))["ingest"] == {
        "status": "ok", "model": "general", "ingested": 4, "ids": [v["id"] for v in vectors]}
    qv = vectors[2]["vector"]
    s = """query($q: [Float!], $f: JSON) { optimizedSearch(model: "general", queryVector: $q, limit: 3, filter: $f) {
             model cached results { id score payload } } }"""
    r = gql(gw.port, s, {"q": qv, "f": {"run": run}})
    got = ok_data(r)["optimizedSearch"]
    rest = http(gw.port, "POST", "/api/v1/patterns/general/search", {"query_vector": qv, "limit": 3, "filter": {"run": run}}).json()
    assert [h["id"] for h in got["results"]] == [h["id"] for h in rest["results"]]
    assert got["results"][0]["id"] == vectors[2]["id"] and got["results"][0]["payload"] == {"run": run}
    assert r.json()["extensions"]["cache"] == {"optimizedSearch": "MISS"}
    m2 = 'mutation($q: [Float!]) { searchPattern(model: "general", queryVector: $q, limit: 1, filter: {run: "%s"}) { results { id } } }' % run
    assert ok_data(gql(gw.port, m2, {"q": qv}))["searchPattern"]["results"] == [{"id": vectors[2]["id"]}]
    bad = gql(gw.port, m, {"v": [{"vector": [1.0, 2.0]}]}).json()
    assert bad["errors"][0]["extensions"]["code"] == "invalid_argument" and "384" in bad["errors"][0]["message"]


def test_simulate_failover_and_health(gw):
    data = ok_data(gql(gw.port, 'mutation { simulateFailover(model: "general") { model recovered fastFailMs steps { state at } } }'))
    report = data["simulateFailover"]
    assert report["model"] == "general" and report["recovered"] is True
    states = [s["state"] for s in report["steps"]]
    assert [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]] == ["CLOSED", "OPEN", "HALF_OPEN", "CLOSED"]
    health = ok_data(gql(gw.port, "{ health { status models { model upstream store } } }"))["health"]
    assert health["status"] == "OK" and len(health["models"]) == len(MODELS)


def test_aliases_variables_defaults_and_directives(gw):
    q = """query Q($withQueue: Boolean = false, $skipModels: Boolean!) {
             a: model(name: "phi3") { name pattern }
             b: model(name: "mixtral") { n: name }
             queueStatus @include(if: $withQueue) { totalJobs }
             models @skip(if: $skipModels) { name }
           }"""
    data = ok_data(gql(gw.port, q, {"skipModels": True}))
    assert data == {"a": {"name": "phi3", "pattern": "REAL_TIME"}, "b": {"n": "mixtral"}}
    data = ok_data(gql(gw.port, q, {"withQueue": True, "skipModels": False}))
    assert list(data) == ["a", "b", "queueStatus", "models"]


# ------------------------------------------------------------------------------ GraphQL over HTTP

def test_request_errors_are_400_for_graphql_response_json_and_200_for_json(gw):
    bad = "{ models { nope } }"
    r = gql(gw.port, bad)
    assert r.status == 400 and r.headers["content-type"].startswith(GQL_RESPONSE), r
    doc = r.json()
    assert "data" not in doc
    (want,) = graphql.validate(graphql.build_schema(SCHEMA_FILE.read_text()), parse(bad))
    assert doc["errors"][0]["message"] == want.message  # graphql-core's words, suggestion included
    assert doc["errors"][0]["locations"] == [{"line": 1, "column": 12}]
    r = gql(gw.port, bad, headers={"Accept": "application/json"})
    assert r.status == 200 and r.headers["content-type"].startswith("application/json"), r
    assert "data" not in r.json()
    r = gql(gw.port, "{ models { name }", headers={"Accept": "*/*"})
    assert r.status == 400 and r.json()["errors"][0]["message"].startswith("Syntax Error:")
    r = gql(gw.port, "query($n: String!) { model(name: $n) { name } }")
    assert r.status == 400 and "$n" in r.json()["errors"][0]["message"] and "String!" in r.json()["errors"][0]["message"]


def test_empty_selection_set_is_a_syntax_error(gw):
    q = "query { }"
    with pytest.raises(graphql.GraphQLError) as raised:
        parse(q)
    want = {"message": raised.value.message,
            "locations": [{"line": loc.line, "column": loc.column} for loc in raised.value.locations]}
    assert want == {"message": "Syntax Error: Expected Name, found '}'.", "locations": [{"line": 1, "column": 9}]}
    r = gql(gw.port, q)
    assert r.status == 400 and r.headers["content-type"].startswith(GQL_RESPONSE), r
    doc = r.json()
    assert "data" not in doc and len(doc["errors"]) == 1, doc
    assert {k: doc["errors"][0][k] for k in ("message", "locations")} == want
    r = gql(gw.port, "{ models { } }", headers={"Accept": "application/json"})
    assert r.status == 200 and r.headers["content-type"].startswith("application/json"), r
    assert "data" not in r.json() and r.json()["errors"][0]["message"] == want["message"]
    assert ok_data(gql(gw.port, "{ __typename }")) == {"__typename": "Query"}


def test_accept_negotiation_and_406(gw):
    q = "{ __typename }"
    assert gql(gw.port, q, headers={"Accept": "application/json, application/graphql-response+json;q=0.5"}) \
        .headers["content-type"].startswith("application/json")
    assert gql(gw.port, q, headers={"Accept": "application/graphql-response+json"}) \
        .headers["content-type"].startswith(GQL_RESPONSE)
    r = gql(gw.port, q, headers={"Accept": "text/html"})
    assert r.status == 406, r


def test_get_mutation_is_405_and_other_methods_too(gw):
    r = http(gw.port, "GET", "/graphql?" + urllib.parse.urlencode({"query": 'mutation { simulateFailover(model: "phi3") { model } }'}))
    assert r.status == 405 and r.headers["allow"] == "POST", r
    r = http(gw.port, "PUT", "/graphql", {"query": "{ __typename }"})
    assert r.status == 405 and "POST" in r.headers["allow"], r


def test_json_body_is_read_whatever_its_content_type(gw):
    for ctype in ("application/x-www-form-urlencoded", "text/plain", None):
        headers = {"Content-Type": ctype} if ctype else {}
        r = http(gw.port, "POST", "/graphql", json.dumps({"query": "{ __typename }"}).encode(), headers=headers)
        assert ok_data(r) == {"__typename": "Query"}
    r = http(gw.port, "POST", "/graphql", b"{ __typename }", headers={"Content-Type": "application/graphql"})
    assert ok_data(r) == {"__typename": "Query"}


def test_malformed_requests_are_400_and_leave_the_server_healthy(gw):
    for body in (b"", b"not json", b"[1,2]", b'{"query": 5}', b'{"variables": {}}',
                 b'{"query": "{ __typename }", "variables": [1]}', b'{"query": "{ __typename }", "operationName": 3}'):
        r = http(gw.port, "POST", "/graphql", body, headers={"Accept": "application/json"})
        assert r.status == 400, (body, r)
        assert r.json()["errors"][0]["extensions"]["code"] == "invalid_argument"
    assert http(gw.port, "GET", "/graphql").status == 400
    assert ok_data(gql(gw.port, "{ __typename }")) == {"__typename": "Query"}


def test_limits_refuse_deep_aliased_and_large_documents_but_not_introspection(gw):
    deep = "{ __schema { types { " + "ofType { " * 16 + "name" + " }" * 16 + " } } }"
    r = gql(gw.port, deep)
    assert r.status == 400 and "depth" in r.json()["errors"][0]["message"], r
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"
    r = gql(gw.port, aliases)
    assert r.status == 400 and "alias" in r.json()["errors"][0]["message"], r
    r = gql(gw.port, "{ __typename " + " " * 200_000 + "}")
    assert r.status == 413, r
    assert gql(gw.port, FULL_INTROSPECTION).status == 200


def test_client_request_id_is_echoed(gw):
    r = gql(gw.port, "{ __typename }", headers={"X-Request-Id": "dash-42"})
    assert r.headers["x-request-id"] == "dash-42"


def test_graphql_over_h2c_on_the_same_port(gw):
    from helpers import curl
    r = curl(f"http://127.0.0.1:{gw.port}/graphql", "--http2-prior-knowledge",
             "-H", "Accept: application/json", "-d", json.dumps({"query": '{ model(name: "general") { vectorSize } }'}))
    assert r.status == 200 and r.http_version == "2", r
    assert r.headers.get("content-type", "").startswith("application/json"), r.headers
    assert json.loads(r.body) == {"data": {"model": {"vectorSize": MODELS["general"]["size"]}}}


def test_limits_are_configurable_by_flag_and_file(sim, gateways):
    workdir = gateways.workdir()
    (workdir / "limits.yaml").write_text("server:\n  graphql_max_aliases: 2\n")
    gw = gateways.start(gateway_env(sim), workdir=workdir,
                        extra_args=("--graphql-max-depth", "3", "--config", str(workdir / "limits.yaml")))
    assert ok_data(gql(gw.port, "{ patternStatus { realTime { models } } }"))  # depth 3
    r = gql(gw.port, "{ patternStatus { circuitBreakers { endpoints { url } } } }")  # depth 4
    assert r.status == 400 and "depth" in r.json()["errors"][0]["message"], r
    assert r.json()["errors"][0]["extensions"]["code"] == "invalid_argument"
    assert ok_data(gql(gw.port, "{ a: __typename b: __typename }"))
    r = gql(gw.port, "{ a: __typename b: __typename c: __typename }")
    assert r.status == 400 and "alias" in r.json()["errors"][0]["message"], r
