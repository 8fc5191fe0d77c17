"""The same vector calls over REST, GraphQL and gRPC (spec §3–§5): points ingested through any
one protocol are found by the other two, and every search — by vector, by text, with filters,
thresholds and limits — returns the same ids in the same order with the same scores."""
from __future__ import annotations

import math
import random
import uuid

import grpc
import pytest

from grpc_support import stubs
from services import MODELS, gateway_env, http, module_gateways, sim  # noqa: F401 (fixtures)
from test_graphql import gql, ok_data

SCORE_TOL = 1e-5
SIZE = MODELS["general"]["size"]
SEARCH_FIELDS = "model results { id score payload } cached"


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim))


@pytest.fixture(scope="module")
def pb():
    return stubs()


@pytest.fixture(scope="module")
def svc(gw, pb):
    ch = grpc.insecure_channel(f"127.0.0.1:{gw.port}", options=[("grpc.max_send_message_length", 16 << 20)])
    yield pb[1].PatternServiceStub(ch)
    ch.close()


def rest_search(port, body):
    r = http(port, "POST", "/api/v1/patterns/general/search", body)
    assert r.status == 200, r
    return [(h["id"], h["score"], h["payload"]) for h in r.json()["results"]]


def graphql_search(port, field, body):
    args = {"queryVector": body.get("query_vector"), "query": body.get("query"), "limit": body.get("limit", 10),
            "filter": body.get("filter"), "scoreThreshold": body.get("score_threshold")}
    op = "query" if field == "optimizedSearch" else "mutation"
    doc = (f"{op}($queryVector: [Float!], $query: String, $limit: Int, $filter: JSON, $scoreThreshold: Float) {{"
           f" {field}(model: \"general\", queryVector: $queryVector, query: $query, limit: $limit, filter: $filter,"
           f" scoreThreshold: $scoreThreshold) {{ {SEARCH_FIELDS} }} }}")
    hits = ok_data(gql(port, doc, args))[field]["results"]
    return [(h["id"], h["score"], h["payload"]) for h in hits]


def grpc_search(svc, pb, body):
    req = pb[0].SearchRequest(model="general", limit=body.get("limit", 10), filter=body.get("filter", {}))
    if "query_vector" in body:
        req.query_vector.extend(body["query_vector"])
    if "query" in body:
        req.query = body["query"]
    if "score_threshold" in body:
        req.score_threshold = body["score_threshold"]
    found = svc.SearchPattern(req, timeout=10)
    return [(p.id, p.score, dict(p.payload)) for p in found.results]


def assert_same(what, a, b):
    assert [x[0] for x in a] == [x[0] for x in b], f"{what}: ids differ\n{a[:5]}\n{b[:5]}"
    for x, y in zip(a, b):
        assert math.isclose(x[1], y[1], abs_tol=SCORE_TOL), f"{what}: {x[0]} scored {x[1]} vs {y[1]}"
        assert x[2] == y[2], f"{what}: {x[0]} payload {x[2]} vs {y[2]}"


def test_every_protocol_finds_every_protocols_points_in_the_same_order(gw, svc, pb, sim):
    rng = random.Random(20261124)
    run = uuid.uuid4().hex[:10]
    def point(i):
        return {"id": f"{run}-{i}", "vector": [rng.uniform(-1, 1) for _ in range(SIZE)],
                "payload": {"run": run, "parity": str(i % 3)}}
    points = [point(i) for i in range(150)]
    # A third through each protocol.
    r = http(gw.port, "POST", "/api/v1/patterns/general/ingest", {"vectors": points[:50]})
    assert r.status == 200 and r.json()["ingested"] == 50, r
    m = ('mutation($v: [PointInput!]!) { ingest(model: "general", vectors: $v) { ingested ids } }')
    assert ok_data(gql(gw.port, m, {"v": points[50:100]}))["ingest"]["ingested"] == 50
    resp = svc.Ingest(pb[0].IngestRequest(model="general", points=[
        pb[0].Point(id=p["id"], vector=p["vector"], payload=p["payload"]) for p in points[100:]]), timeout=10)
    assert resp.ingested == 50
    texts = [f"parity text {run} {i}" for i in range(3)]
    text_vectors = sim.vectors("general", texts)
    r = http(gw.port, "POST", "/api/v1/patterns/general/ingest",
             {"texts": texts, "payloads": [{"run": run, "parity": "t"}] * 3, "ids": [f"{run}-t{i}" for i in range(3)]})
    assert r.status == 200, r

    queries = [
        {"query_vector": points[7]["vector"], "limit": 10, "filter": {"run": run}},
        {"query_vector": points[120]["vector"], "limit": 25, "filter": {"run": run, "parity": "1"}},
        {"query_vector": [rng.uniform(-1, 1) for _ in range(SIZE)], "limit": 200, "filter": {"run": run},
         "score_threshold": 0.05},
        {"query_vector": points[60]["vector"], "limit": 1, "filter": {"run": run}},
        {"query": texts[1], "limit": 5, "filter": {"run": run}},
    ]
    for i, q in enumerate(queries):
        rest = rest_search(gw.port, q)
        assert rest, f"query {i} found nothing"
        assert_same(f"query {i} REST vs GraphQL optimizedSearch", rest, graphql_search(gw.port, "optimizedSearch", q))
        assert_same(f"query {i} REST vs GraphQL searchPattern", rest, graphql_search(gw.port, "searchPattern", q))
        assert_same(f"query {i} REST vs gRPC", rest, grpc_search(svc, pb, q))
    # The exact point queried comes first on all three, and the text query finds its own text.
    assert rest_search(gw.port, queries[0])[0][0] == f"{run}-7"
    assert rest_search(gw.port, queries[3])[0][0] == f"{run}-60"
    assert rest_search(gw.port, queries[4])[0][0] == f"{run}-t1"
    # A reference computed here: cosine over the 153 points, filter parity=1.
    def cos(a, b):
        return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    q = queries[1]
    ref = sorted(((cos(q["query_vector"], p["vector"]), p["id"]) for p in points if p["payload"]["parity"] == "1"),
                 key=lambda x: (-x[0], x[1]))[:25]
    got = rest_search(gw.port, q)
    assert [g[0] for g in got] == [i for _, i in ref]
    for g, (score, _) in zip(got, ref):
        assert abs(g[1] - score) <= SCORE_TOL
    assert text_vectors  # the simulator's vectors were what the texts ingest stored (searched above)


def test_the_same_bad_search_fails_alike_on_every_protocol(gw, svc, pb):
    r = http(gw.port, "POST", "/api/v1/patterns/general/search", {"query_vector": [1.0, 2.0]})
    assert r.status == 400 and r.json()["error"]["code"] == "invalid_argument"
    rest_message = r.json()["error"]["message"]
    doc = gql(gw.port, 'query { optimizedSearch(model: "general", queryVector: [1.0, 2.0]) { cached } }').json()
    assert doc["errors"][0]["message"] == rest_message and doc["errors"][0]["extensions"]["code"] == "invalid_argument"
    with pytest.raises(grpc.RpcError) as e:
        svc.SearchPattern(pb[0].SearchRequest(model="general", query_vector=[1.0, 2.0]), timeout=5)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT and e.value.details() == rest_message
