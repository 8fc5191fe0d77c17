"""The vector patterns (spec §3): ingest and search against the embedded store of the release
gateway, with the simulator as every model. Scores are checked against plain Python arithmetic;
each test keeps to its own points through a unique payload tag (one gateway for the module)."""
from __future__ import annotations

import math
import re
import uuid

import pytest

from services import MODELS, gateway_env, http, module_gateways, sim  # noqa: F401 (fixtures)

SCORE_TOL = 1e-5
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim))


@pytest.fixture(autouse=True)
def clean_sim(sim):
    sim.reset()
    yield
    sim.reset()


def tag() -> str:
    return uuid.uuid4().hex[:12]


def vec(seed: int, size: int) -> list[float]:
    """Multiples of 1/64: exact in float and double, so both sides start from the same numbers."""
    return [(((seed * 37 + j * 11 + (j * j) % 7) % 64) - 32) / 64 for j in range(size)]


def cosine(a, b) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def ingest(port: int, model: str, body) -> dict:
    r = http(port, "POST", f"/api/v1/patterns/{model}/ingest", body)
    assert r.status == 200, f"ingest {model}: {r}"
    return r.json()


def search(port: int, model: str, body, path: str = "patterns"):
    return http(port, "POST", f"/api/v1/{path}/{model}/search", body)


def error_field(r) -> str | None:
    return r.json()["error"]["details"].get("field")


def test_ingest_then_search_in_cosine_order(gw):
    t = tag()
    size = MODELS["general"]["size"]
    points = {f"p{i}-{t}": vec(i, size) for i in range(3)}
    body = {"vectors": [{"id": pid, "vector": v, "payload": {"run": t, "n": str(i)}}
                        for i, (pid, v) in enumerate(points.items())]}
    out = ingest(gw.port, "general", body)
    assert out == {"status": "ok", "model": "general", "ingested": 3, "ids": list(points)}

    q = vec(7, size)
    r = search(gw.port, "general", {"query_vector": q, "filter": {"run": t}})
    assert r.status == 200, r
    doc = r.json()
    assert set(doc) == {"model", "results", "cached", "took_ms"}, doc
    assert doc["model"] == "general" and doc["cached"] is False and doc["took_ms"] >= 0
    want = sorted(((cosine(q, v), pid) for pid, v in points.items()), key=lambda s: (-s[0], s[1]))
    assert [h["id"] for h in doc["results"]] == [pid for _, pid in want]
    for hit, (score, _) in zip(doc["results"], want):
        assert abs(hit["score"] - score) <= SCORE_TOL, f"{hit['id']}: {hit['score']} vs {score}"
        assert hit["payload"]["run"] == t
    assert r.headers.get("x-cache") == "MISS"

    # limit keeps the best; the alias path answers the same.
    r2 = search(gw.port, "general", {"query_vector": q, "filter": {"run": t}, "limit": 1}, path="models")
    assert r2.status == 200 and [h["id"] for h in r2.json()["results"]] == [want[0][1]]


def test_filter_and_threshold(gw):
    t = tag()
    size = MODELS["general"]["size"]
    q = vec(3, size)
    near = [x + 0.01 for x in q]               # cosine ≈ 1
    opposite = [-x for x in q]                 # cosine −1
    ingest(gw.port, "general", {"vectors": [
        {"id": f"near-{t}", "vector": near, "payload": {"run": t, "kind": "a"}},
        {"id": f"opp-{t}", "vector": opposite, "payload": {"run": t, "kind": "b"}},
        {"id": f"other-{t}", "vector": vec(11, size), "payload": {"run": t, "kind": "a"}},
    ]})
    only_b = search(gw.port, "general", {"query_vector": q, "filter": {"run": t, "kind": "b"}}).json()["results"]
    assert [h["id"] for h in only_b] == [f"opp-{t}"]
    assert abs(only_b[0]["score"] + 1) <= SCORE_TOL
    kind_a = search(gw.port, "general", {"query_vector": q, "filter": {"run": t, "kind": "a"}}).json()["results"]
    assert {h["id"] for h in kind_a} == {f"near-{t}", f"other-{t}"}
    threshold = (cosine(q, near) + cosine(q, vec(11, size))) / 2
    high = search(gw.port, "general", {"query_vector": q, "filter": {"run": t}, "score_threshold": threshold}).json()
    assert [h["id"] for h in high["results"]] == [f"near-{t}"]
    none = search(gw.port, "general", {"query_vector": q, "filter": {"run": t, "kind": "zzz"}}).json()
    assert none["results"] == []


def test_plain_arrays_get_generated_ids_and_reingest_replaces(gw):
    size = MODELS["deepcoder"]["size"]
    out = ingest(gw.port, "deepcoder", {"vectors": [vec(1, size), vec(2, size)]})
    assert out["ingested"] == 2 and all(UUID.match(i) for i in out["ids"]), out
    t = tag()
    ingest(gw.port, "deepcoder", {"vectors": [{"id": t, "vector": vec(5, size), "payload": {"v": "1"}}]})
    ingest(gw.port, "deepcoder", {"vectors": [{"id": t, "vector": vec(6, size), "payload": {"v": "2"}}]})
    hits = search(gw.port, "deepcoder", {"query_vector": vec(6, size), "filter": {"v": "2"}}).json()["results"]
    assert [h["id"] for h in hits] == [t] and abs(hits[0]["score"] - 1) <= SCORE_TOL
    assert search(gw.port, "deepcoder", {"query_vector": vec(6, size), "filter": {"v": "1"}}).json()["results"] == []


def test_wrong_size_is_400_naming_the_index(gw):
    good = vec(1, 384)
    r = http(gw.port, "POST", "/api/v1/patterns/phi3/ingest", {"vectors": [[1.0] * 2048, good]})
    assert r.status == 400, r
    err = r.json()["error"]
    assert err["code"] == "invalid_argument" and err["details"]["field"] == "vectors[1]", err
    assert "2048" in err["message"], err
    r = search(gw.port, "phi3", {"query_vector": good})
    assert r.status == 400 and error_field(r) == "query_vector" and "2048" in r.json()["error"]["message"], r


@pytest.mark.parametrize("path,body,field", [
    ("ingest", {"vectors": [{"id": "x", "vector": [1.0] * 384, "payload": {"n": 1}}]}, "vectors[0].payload.n"),
    ("ingest", {"vectors": [[0.0] * 384]}, "vectors[0]"),
    ("ingest", {"vectors": []}, "vectors"),
    ("ingest", {"texts": []}, "texts"),
    ("ingest", {"texts": ["a", "b"], "payloads": [{}]}, "payloads"),
    ("search", {"query_vector": [1.0] * 384, "filter": {"k": 1}}, "filter.k"),
    ("search", {"query_vector": [1.0] * 384, "limit": 0}, "limit"),
    ("search", {"query": "a", "query_vector": [1.0] * 384}, "query"),
    ("search", {}, "query_vector"),
])
def test_bad_bodies_name_the_field(gw, path, body, field):
    r = http(gw.port, "POST", f"/api/v1/patterns/general/{path}", body)
    assert r.status == 400, r
    assert r.json()["error"]["code"] == "invalid_argument" and error_field(r) == field, r


def test_unknown_model_is_404_and_the_alias_is_canonical(gw):
    for path in ("ingest", "search"):
        r = http(gw.port, "POST", f"/api/v1/patterns/gpt4/{path}", {"query_vector": [1.0]})
        assert r.status == 404 and r.json()["error"]["code"] == "not_found", r
    size = MODELS["yi34b"]["size"]
    assert ingest(gw.port, "yi34", {"vectors": [vec(1, size)]})["model"] == "yi34b"
    r = search(gw.port, "yi34", {"query_vector": vec(1, size), "limit": 1})
    assert r.status == 200 and r.json()["model"] == "yi34b", r


def test_text_query_is_embedded_with_the_model(gw, sim):
    t = tag()
    texts = [f"alpha {t}", f"beta {t}", f"gamma {t}"]
    ref = sim.vectors("general", texts)
    ingest(gw.port, "general", {"vectors": [{"id": s, "vector": v, "payload": {"run": t}} for s, v in zip(texts, ref)]})
    before = sim.counters("general")
    r = search(gw.port, "general", {"query": texts[1], "filter": {"run": t}})
    assert r.status == 200, r
    hits = r.json()["results"]
    want = sorted(((cosine(ref[1], v), s) for s, v in zip(texts, ref)), key=lambda x: (-x[0], x[1]))
    assert [h["id"] for h in hits] == [s for _, s in want]
    assert abs(hits[0]["score"] - 1) <= SCORE_TOL
    for hit, (score, _) in zip(hits, want):
        assert abs(hit["score"] - score) <= SCORE_TOL
    assert sim.counters("general") != before, "the query text went to the model"


def test_text_query_on_a_bulk_only_model_answers_now(gw, sim):
    t = tag()
    text = f"bulk {t}"
    v = sim.vectors("imp", [text])[0]
    ingest(gw.port, "imp", {"vectors": [{"id": t, "vector": v, "payload": {"run": t}}]})
    r = search(gw.port, "imp", {"query": text, "filter": {"run": t}})
    assert r.status == 200, r
    hits = r.json()["results"]
    assert [h["id"] for h in hits] == [t] and abs(hits[0]["score"] - 1) <= SCORE_TOL


def test_cached_then_invalidated_by_ingest(gw):
    size = MODELS["openchat"]["size"]
    t = tag()
    ingest(gw.port, "openchat", {"vectors": [{"id": f"a-{t}", "vector": vec(1, size), "payload": {"run": t}}]})
    body = {"query_vector": vec(2, size), "filter": {"run": t}}
    first = search(gw.port, "openchat", body)
    second = search(gw.port, "openchat", body)
    assert first.json()["cached"] is False and first.headers.get("x-cache") == "MISS"
    assert second.json()["cached"] is True and second.headers.get("x-cache") == "HIT"
    assert second.json()["results"] == first.json()["results"]
    ingest(gw.port, "openchat", {"vectors": [{"id": f"b-{t}", "vector": vec(2, size), "payload": {"run": t}}]})
    third = search(gw.port, "openchat", body).json()
    assert third["cached"] is False
    assert [h["id"] for h in third["results"]] == [f"b-{t}", f"a-{t}"]
    assert search(gw.port, "openchat", body).json()["cached"] is True


def test_metrics_count_vector_requests(gw):
    size = MODELS["hermes"]["size"]
    ingest(gw.port, "hermes", {"vectors": [vec(1, size)]})
    assert search(gw.port, "hermes", {"query_vector": vec(1, size)}).status == 200
    assert search(gw.port, "hermes", {"query_vector": [1.0]}).status == 400
    text = http(gw.port, "GET", "/metrics").body.decode()
    for needle in (
        'pattern_vector_requests_total{model="hermes",operation="ingest",protocol="rest",outcome="success"} 1',
        'pattern_vector_requests_total{model="hermes",operation="search",protocol="rest",outcome="success"} 1',
        'pattern_vector_requests_total{model="hermes",operation="search",protocol="rest",outcome="invalid_argument"} 1',
        'pattern_vector_points{model="hermes"} 1',
    ):
        assert needle in text, f"/metrics lacks {needle}"
