"""The Qdrant vector store (spec §3 "Vector patterns" with QDRANT_URL set): the release gateway
against the contract double in qdrant_double.py, which checks every request against the shapes
of PROTOCOLS.md ("Qdrant REST") and answers like Qdrant. Every test ends with the double's list
of contract violations empty."""
from __future__ import annotations

import os
import random
import time
import uuid

import pytest

from helpers import gateway_bin, run
from qdrant_double import QdrantDouble
from services import MODELS, gateway_env, gateways, http, module_gateways, redis_server, sim  # noqa: F401 (fixtures)
from test_vectors import SCORE_TOL, cosine, ingest, search, tag, vec

# How the gateway names points in Qdrant (documented in QdrantPointID.swift).
POINT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:pattern-gateway:point-id")
ID_KEY = "_gateway_id"
CHUNK_BYTES = 8 * 1024 * 1024
CHUNK_POINTS = 1000
INDEX = {"general": (16, 200), "phi3": (32, 400), "deepcoder": (64, 800), "mixtral": (16, 200)}


def point_uuid(pid: str) -> str:
    return str(uuid.uuid5(POINT_NAMESPACE, pid))


@pytest.fixture(scope="module")
def double():
    d = QdrantDouble().start()
    yield d
    d.stop()


@pytest.fixture(autouse=True)
def clean(double, sim):
    double.reset()
    sim.reset()
    yield
    problems = double.violation_list()
    if problems:
        pytest.fail("the gateway broke Qdrant's documented request shapes:\n" + "\n".join(problems[:20]), pytrace=False)


@pytest.fixture(scope="module")
def qgw(sim, double, module_gateways):
    # The double is Python: an ingest of 10,000 points takes it seconds, not Qdrant's milliseconds.
    return module_gateways.start(gateway_env(sim, QDRANT_URL=double.url, REAL_TIME_TIMEOUT=30))


def upserts(double: QdrantDouble, collection: str) -> list[dict]:
    """The upserts that landed. The module's gateway remembers collections the double forgot at
    its reset, so its first upsert there meets a 404, creates the collection, and is resent."""
    sent = double.recorded("PUT", rf"^/collections/{collection}/points$")
    assert all(u["status"] in (200, 404) for u in sent), sent
    return [u for u in sent if u["status"] == 200]


def small_ints(seed: int, size: int) -> list[int]:
    """Short on the wire (so 10,000 vectors fit the 16 MiB request limit), never all zero."""
    return [1 + (seed * 31 + j * 7 + (j * j) % 5) % 9 for j in range(size)]


def error_of(r) -> dict:
    doc = r.json()
    assert set(doc) == {"error", "request_id"}, doc
    assert set(doc["error"]) >= {"code", "message", "details"}, doc
    return doc["error"]


# --------------------------------------------------------------------------- the vector API over Qdrant

def test_ingest_search_filter_threshold_limit(qgw, double):
    size = MODELS["general"]["size"]
    q = vec(3, size)
    points = {"near": [x + 0.01 for x in q], "opposite": [-x for x in q], "other": vec(11, size)}
    kinds = {"near": "a", "opposite": "b", "other": "a"}
    out = ingest(qgw.port, "general", {"vectors": [{"id": pid, "vector": v, "payload": {"kind": kinds[pid]}}
                                                   for pid, v in points.items()]})
    assert out == {"status": "ok", "model": "general", "ingested": 3, "ids": list(points)}
    assert all(u["wait"] is True for u in upserts(double, "general")), upserts(double, "general")

    r = search(qgw.port, "general", {"query_vector": q})
    assert r.status == 200, r
    want = sorted(((cosine(q, v), pid) for pid, v in points.items()), key=lambda s: (-s[0], s[1]))
    hits = r.json()["results"]
    assert [h["id"] for h in hits] == [pid for _, pid in want]
    for hit, (score, pid) in zip(hits, want):
        assert abs(hit["score"] - score) <= SCORE_TOL, f"{pid}: {hit['score']} vs {score}"
        assert hit["payload"] == {"kind": kinds[pid]}, hit

    assert [h["id"] for h in search(qgw.port, "general", {"query_vector": q, "limit": 1}).json()["results"]] == ["near"]
    only_b = search(qgw.port, "general", {"query_vector": q, "filter": {"kind": "b"}}).json()["results"]
    assert [h["id"] for h in only_b] == ["opposite"] and abs(only_b[0]["score"] + 1) <= SCORE_TOL
    threshold = (cosine(q, points["near"]) + cosine(q, points["other"])) / 2
    high = search(qgw.port, "general", {"query_vector": q, "score_threshold": threshold}).json()["results"]
    assert [h["id"] for h in high] == ["near"]
    assert search(qgw.port, "general", {"query_vector": q, "filter": {"kind": "zzz"}}).json()["results"] == []

    sent = double.recorded("POST", r"/points/search$")
    assert {"limit": 11, "filter": [], "score_threshold": None, "with_payload": True} in [s["search"] for s in sent]
    assert {"limit": 11, "filter": [["kind", "b"]], "score_threshold": None, "with_payload": True} in \
        [{**s["search"], "filter": [list(c) for c in s["search"]["filter"]]} for s in sent]

    status = http(qgw.port, "GET", "/api/v1/patterns/status").json()
    assert status["store"] == "qdrant" and status["models"]["general"]["points"] == 3, status


def test_reingest_replaces_by_id(qgw, double):
    size = MODELS["deepcoder"]["size"]
    t = tag()
    ingest(qgw.port, "deepcoder", {"vectors": [{"id": t, "vector": vec(5, size), "payload": {"v": "1"}}]})
    ingest(qgw.port, "deepcoder", {"vectors": [{"id": t, "vector": vec(6, size), "payload": {"v": "2"}}]})
    assert double.points("deepcoder") == [{"id": point_uuid(t), "payload": {"v": "2", ID_KEY: t}}]
    hits = search(qgw.port, "deepcoder", {"query_vector": vec(6, size)}).json()["results"]
    assert [h["id"] for h in hits] == [t] and abs(hits[0]["score"] - 1) <= SCORE_TOL
    assert hits[0]["payload"] == {"v": "2"}


def test_one_collection_per_model_created_once_with_its_settings(qgw, double):
    for model in ("general", "phi3", "deepcoder"):
        size = MODELS[model]["size"]
        for seed in (1, 2):
            ingest(qgw.port, model, {"vectors": [vec(seed, size)]})
    creates = double.recorded("PUT", r"^/collections/[^/]+$")
    assert sorted(c["collection"] for c in creates) == ["deepcoder", "general", "phi3"], creates
    for c in creates:
        m, ef = INDEX[c["collection"]]
        assert c["create"] == {"vectors": {"size": MODELS[c["collection"]]["size"], "distance": "Cosine"},
                               "hnsw_config": {"m": m, "ef_construct": ef}}, c
        assert c["status"] == 200
    summary = double.summary()
    for model in ("general", "phi3", "deepcoder"):
        assert summary[model] == {"size": MODELS[model]["size"], "distance": "Cosine", "m": INDEX[model][0],
                                  "ef_construct": INDEX[model][1], "points": 2}, summary


def test_ids_are_uuid5_in_qdrant_and_the_originals_come_back(qgw, double):
    size = MODELS["general"]["size"]
    ids = ["a1", "42", "550e8400-e29b-41d4-a716-446655440000", "héllo wörld/?", "p" * 200]
    ingest(qgw.port, "general", {"vectors": [{"id": pid, "vector": vec(i, size), "payload": {"i": str(i)}}
                                             for i, pid in enumerate(ids)]})
    stored = {p["id"]: p["payload"] for p in double.points("general")}
    assert stored == {point_uuid(pid): {"i": str(i), ID_KEY: pid} for i, pid in enumerate(ids)}
    hits = search(qgw.port, "general", {"query_vector": vec(2, size), "limit": 10}).json()["results"]
    assert sorted(h["id"] for h in hits) == sorted(ids)
    assert hits[0]["id"] == ids[2] and hits[0]["payload"] == {"i": "2"}
    assert all(ID_KEY not in h["payload"] for h in hits)

    r = http(qgw.port, "POST", "/api/v1/patterns/general/ingest",
             {"vectors": [{"id": "x", "vector": vec(1, size), "payload": {ID_KEY: "y"}}]})
    assert r.status == 400, r
    err = error_of(r)
    assert err["code"] == "invalid_argument" and ID_KEY in err["details"]["field"], err


def test_ten_thousand_points_go_in_chunks_and_all_land(qgw, double):
    size = MODELS["general"]["size"]
    n = 10_000
    body = {"vectors": [{"id": f"big-{i}", "vector": small_ints(i, size), "payload": {"n": str(i)}} for i in range(n)]}
    r = http(qgw.port, "POST", "/api/v1/patterns/general/ingest", body, timeout=120)
    assert r.status == 200, r
    assert r.json()["ingested"] == n
    chunks = upserts(double, "general")
    assert sum(c["points"] for c in chunks) == n
    assert len(chunks) >= n // CHUNK_POINTS
    for c in chunks:
        assert c["points"] <= CHUNK_POINTS and c["bytes"] <= CHUNK_BYTES, c
        assert c["wait"] is True and c["status"] == 200, c
    assert double.summary()["general"]["points"] == n
    hits = search(qgw.port, "general", {"query_vector": small_ints(1234, size), "filter": {"n": "1234"}}).json()["results"]
    assert [h["id"] for h in hits] == ["big-1234"] and abs(hits[0]["score"] - 1) <= SCORE_TOL


def test_wide_vectors_are_chunked_by_bytes(qgw, double):
    size = MODELS["mixtral"]["size"]
    n = 1200
    body = {"vectors": [{"id": f"w-{i}", "vector": small_ints(i, size)} for i in range(n)]}
    r = http(qgw.port, "POST", "/api/v1/patterns/mixtral/ingest", body, timeout=120)
    assert r.status == 200, r
    chunks = upserts(double, "mixtral")
    assert sum(c["points"] for c in chunks) == n and len(chunks) >= 3, chunks
    # Each body is as full as the byte budget allows, never over it, far below Qdrant's 32 MiB cap.
    for c in chunks:
        assert c["bytes"] <= CHUNK_BYTES and c["points"] < CHUNK_POINTS, c
    assert all(c["bytes"] > CHUNK_BYTES * 0.9 for c in chunks[:-1]), [c["bytes"] for c in chunks]
    assert double.summary()["mixtral"]["points"] == n


# --------------------------------------------------------------------------- several instances

def test_two_gateways_share_one_store(gateways, sim, double):
    a = gateways.start(gateway_env(sim, QDRANT_URL=double.url))
    b = gateways.start(gateway_env(sim, QDRANT_URL=double.url))
    size = MODELS["phi3"]["size"]
    t = tag()
    ingest(a.port, "phi3", {"vectors": [{"id": f"shared-{t}", "vector": vec(1, size), "payload": {"by": "a"}}]})
    hits = search(b.port, "phi3", {"query_vector": vec(1, size)}).json()["results"]
    assert [(h["id"], h["payload"]) for h in hits] == [(f"shared-{t}", {"by": "a"})]
    ingest(b.port, "phi3", {"vectors": [{"id": f"shared-{t}", "vector": vec(2, size), "payload": {"by": "b"}},
                                        {"id": f"more-{t}", "vector": vec(3, size)}]})
    hits = search(a.port, "phi3", {"query_vector": vec(2, size), "limit": 1}).json()["results"]
    assert hits[0]["id"] == f"shared-{t}" and hits[0]["payload"] == {"by": "b"} and abs(hits[0]["score"] - 1) <= SCORE_TOL
    for gw in (a, b):
        assert http(gw.port, "GET", "/api/v1/patterns/status").json()["models"]["phi3"]["points"] == 2
    # One collection, however many instances raced to use it first.
    assert len(double.recorded("PUT", r"^/collections/phi3$")) == 1


def test_an_ingest_through_one_instance_invalidates_the_others_cached_searches(gateways, sim, double, redis_server):
    a = gateways.start(gateway_env(sim, redis_server, QDRANT_URL=double.url))
    b = gateways.start(gateway_env(sim, redis_server, QDRANT_URL=double.url))
    size = MODELS["general"]["size"]
    t = tag()
    ingest(a.port, "general", {"vectors": [{"id": f"old-{t}", "vector": vec(1, size), "payload": {"run": t}}]})
    body = {"query_vector": vec(2, size), "filter": {"run": t}}
    assert search(a.port, "general", body).json()["cached"] is False
    cached = search(a.port, "general", body).json()
    assert cached["cached"] is True and [h["id"] for h in cached["results"]] == [f"old-{t}"]
    ingest(b.port, "general", {"vectors": [{"id": f"new-{t}", "vector": vec(2, size), "payload": {"run": t}}]})
    fresh = search(a.port, "general", body).json()
    assert fresh["cached"] is False, "instance a served a search cached before b's ingest"
    assert [h["id"] for h in fresh["results"]] == [f"new-{t}", f"old-{t}"]
    assert search(a.port, "general", body).json()["cached"] is True


def test_results_equal_the_embedded_store(gateways, sim, double):
    embedded = gateways.start(gateway_env(sim))
    qdrant = gateways.start(gateway_env(sim, QDRANT_URL=double.url))
    size = MODELS["general"]["size"]
    rng = random.Random(7)
    # Repeated vectors make exact ties, which both stores must order by id, and ids in an order
    # unrelated to their UUIDs.
    points = [{"id": f"{rng.randrange(10**6):06d}-{i}", "vector": vec(i % 90, size),
               "payload": {"kind": "abc"[i % 3], "i": str(i)}} for i in range(300)]
    for gw in (embedded, qdrant):
        ingest(gw.port, "general", {"vectors": points})
    queries = []
    for seed in (0, 7, 45, 89, 1000):
        for extra in ({"limit": 1}, {"limit": 5}, {"limit": 10}, {"limit": 50}, {"limit": 300},
                      {"limit": 7, "filter": {"kind": "b"}}, {"limit": 20, "score_threshold": 0.1},
                      {"limit": 1000, "filter": {"kind": "c"}, "score_threshold": -0.2}):
            queries.append({"query_vector": vec(seed, size), **extra})
    for body in queries:
        want = search(embedded.port, "general", body)
        got = search(qdrant.port, "general", body)
        assert want.status == 200 and got.status == 200, (want, got)
        w, g = want.json()["results"], got.json()["results"]
        assert [h["id"] for h in g] == [h["id"] for h in w], body
        for a, b in zip(g, w):
            assert abs(a["score"] - b["score"]) <= 1e-5 and a["payload"] == b["payload"], (body, a, b)
    # The searches with ties at the cut asked for more than `limit`, and only then cut.
    assert any(s["search"]["limit"] > 12 for s in double.recorded("POST", r"/points/search$"))


# --------------------------------------------------------------------------- failures

def test_qdrant_down_is_a_spec_error_and_the_breaker_opens_then_recovers(gateways, sim, double):
    gw = gateways.start(gateway_env(sim, QDRANT_URL=double.url, PATTERN_CIRCUIT_BREAKER_THRESHOLD=2,
                                    PATTERN_RETRY_ATTEMPTS=0, PATTERN_BREAKER_COOLDOWN=1))
    size = MODELS["general"]["size"]
    ingest(gw.port, "general", {"vectors": [{"id": "survivor", "vector": vec(1, size)}]})
    double.stop()
    try:
        for seed in (2, 3):
            r = search(gw.port, "general", {"query_vector": vec(seed, size)})
            assert r.status == 502, r
            err = error_of(r)
            assert err["code"] == "upstream_error" and "qdrant" in err["message"], err
            assert r.headers.get("x-request-id"), r
        r = search(gw.port, "general", {"query_vector": vec(4, size)})
        assert r.status == 503, r
        assert error_of(r)["code"] == "circuit_open" and int(r.headers["retry-after"]) >= 1, r
        r = http(gw.port, "POST", "/api/v1/patterns/general/ingest", {"vectors": [vec(5, size)]})
        assert r.status == 503 and error_of(r)["code"] == "circuit_open", r
        assert http(gw.port, "GET", "/health").status == 200
        ready = http(gw.port, "GET", "/ready")
        assert ready.status == 503 and ready.json()["checks"]["vector_store"]["status"] == "down", ready
        metrics = http(gw.port, "GET", "/metrics").body.decode()
        assert f'integration_circuit_breaker_state{{model="qdrant",endpoint="{double.url}"}} 2' in metrics
    finally:
        double.start()
    deadline = time.monotonic() + 10
    while True:
        r = search(gw.port, "general", {"query_vector": vec(1, size)})
        if r.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.status == 200, r
    assert [h["id"] for h in r.json()["results"]] == ["survivor"]
    assert http(gw.port, "GET", "/ready").status == 200


def test_faults_are_retried_or_mapped(gateways, sim, double):
    gw = gateways.start(gateway_env(sim, QDRANT_URL=double.url, PATTERN_RETRY_ATTEMPTS=2, REAL_TIME_TIMEOUT=1))
    size = MODELS["general"]["size"]
    ingest(gw.port, "general", {"vectors": [{"id": "p", "vector": vec(1, size)}]})

    double.add_fault(status=503, count=2, path_contains="/points/search", retry_after=0)
    r = search(gw.port, "general", {"query_vector": vec(2, size)})
    assert r.status == 200 and [h["id"] for h in r.json()["results"]] == ["p"], r
    assert [s["status"] for s in double.recorded("POST", r"/points/search$")] == [503, 503, 200]

    double.add_fault(status=400, error="Wrong input: something the caller sent", path_contains="/points/search")
    r = search(gw.port, "general", {"query_vector": vec(3, size)})
    assert r.status == 400, r
    err = error_of(r)
    assert err["code"] == "invalid_argument" and "Wrong input: something the caller sent" in err["message"], err

    # A dropped connection is retried (the call is idempotent): one drop is hidden...
    double.add_fault(drop=True, count=1, path_contains="/points/search")
    r = search(gw.port, "general", {"query_vector": vec(4, size)})
    assert r.status == 200 and [h["id"] for h in r.json()["results"]] == ["p"], r
    double.clear_faults()
    # ...and drops outlasting the retries (2, each possibly resent once by curl) are a 502.
    double.add_fault(drop=True, count=20, path_contains="/points/search")
    r = search(gw.port, "general", {"query_vector": vec(5, size)})
    assert r.status == 502 and error_of(r)["code"] == "upstream_error", r
    double.clear_faults()

    double.add_fault(delay_ms=1500, count=3, path_contains="/points/search")
    r = search(gw.port, "general", {"query_vector": vec(5, size)})
    assert r.status == 504 and error_of(r)["code"] == "upstream_timeout", r
    assert r.elapsed < 3, r
    assert http(gw.port, "GET", "/health").status == 200


def test_api_key_is_sent_and_never_logged(gateways, sim, tmp_path_factory):
    key = "k3y-" + uuid.uuid4().hex
    locked = QdrantDouble(api_key=key).start()
    try:
        gw = gateways.start(gateway_env(sim, QDRANT_URL=locked.url, QDRANT_API_KEY=key))
        size = MODELS["general"]["size"]
        ingest(gw.port, "general", {"vectors": [vec(1, size)]})
        assert search(gw.port, "general", {"query_vector": vec(1, size)}).status == 200
        sent = locked.recorded()
        assert sent and all(r["api_key"] and r["status"] in (200, 404) for r in sent), sent
        assert any(r["path"] == "/collections/general/points/search" and r["status"] == 200 for r in sent), sent

        keyless = gateways.start(gateway_env(sim, QDRANT_URL=locked.url))
        r = http(keyless.port, "POST", "/api/v1/patterns/general/ingest", {"vectors": [vec(2, size)]})
        assert r.status == 502, r
        assert "QDRANT_API_KEY" in error_of(r)["message"]
        for g in (gw, keyless):
            assert key not in g.log_text()
        assert locked.violation_list() == []
    finally:
        locked.stop()


@pytest.mark.parametrize("env,config,key,secret", [
    ({"QDRANT_URL": "http://admin:hunter2@127.0.0.1:6333"}, None, "QDRANT_URL", "hunter2"),
    ({"QDRANT_URL": "127.0.0.1:6333"}, None, "QDRANT_URL", None),
    ({"QDRANT_API_KEY": "two words"}, None, "QDRANT_API_KEY", "two words"),
    ({}, "patterns:\n  vector_store: sqlite\n", "patterns.vector_store", None),
])
def test_bad_qdrant_settings_fail_at_start(tmp_path, env, config, key, secret):
    args = [gateway_bin(), "--host", "127.0.0.1", "--port", "0", "--data-dir", tmp_path / "data"]
    if config is not None:
        (tmp_path / "g.yaml").write_text(config)
        args += ["--config", tmp_path / "g.yaml"]
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("QDRANT_", "REDIS_"))}
    p = run(args, timeout=20, env={**clean_env, **env}, cwd=tmp_path)
    out = (p.stdout + p.stderr).decode(errors="replace")
    assert p.returncode != 0, out
    assert key in out, out
    if secret is not None:
        assert secret not in out, out


def test_vector_store_qdrant_without_a_url_uses_the_local_default(gateways, sim, tmp_path):
    (tmp_path / "g.yaml").write_text("patterns:\n  vector_store: qdrant\n")
    gw = gateways.start(gateway_env(sim), extra_args=("--config", str(tmp_path / "g.yaml")))
    ready = [r for r in gw.log_records() if r.get("message") == "core ready"]
    assert ready and ready[0].get("vector_store") == "qdrant at http://127.0.0.1:6333", gw.log_tail()
