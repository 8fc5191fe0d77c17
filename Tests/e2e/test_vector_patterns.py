"""Vector patterns beyond plain ingest and search (spec §3): texts ingest through each model's
pattern, the status pages (patterns/status, health, metrics, test/all-models,
optimizations/status), and the embedded store surviving restarts (SIGTERM and kill -9)."""
from __future__ import annotations

import uuid

import pytest

from services import (MODELS, BATCH_ID, gateway_env, gateways, get_json, http, module_gateways,  # noqa: F401
                      poll_batches, sim)
from test_vectors import SCORE_TOL, cosine, ingest, search, vec


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1))


def tag() -> str:
    return uuid.uuid4().hex[:12]


def test_texts_ingest_on_a_real_time_model_stores_the_simulators_vectors(gw, sim):
    t = tag()
    texts = [f"one {t}", f"two {t}", f"three {t}"]
    r = http(gw.port, "POST", "/api/v1/patterns/general/ingest",
             {"texts": texts, "payloads": [{"run": t, "n": str(i)} for i in range(3)]})
    assert r.status == 200, r
    body = r.json()
    assert body["status"] == "ok" and body["model"] == "general" and body["ingested"] == 3, body
    ids = body["ids"]
    assert len(set(ids)) == 3
    ref = sim.vectors("general", texts)
    hits = search(gw.port, "general", {"query_vector": ref[2], "filter": {"run": t}}).json()["results"]
    want = sorted(((cosine(ref[2], v), i) for i, v in zip(ids, ref)), key=lambda x: (-x[0], x[1]))
    assert [h["id"] for h in hits] == [i for _, i in want], hits
    for h, (score, _) in zip(hits, want):
        assert abs(h["score"] - score) <= SCORE_TOL
    assert hits[0]["payload"] == {"run": t, "n": "2"}


def test_texts_ingest_on_a_bulk_model_lands_when_the_batch_completes(gw, sim):
    t = tag()
    texts = [f"bulk a {t}", f"bulk b {t}"]
    r = http(gw.port, "POST", "/api/v1/patterns/deepcoder/ingest",
             {"texts": texts, "payloads": [{"run": t}, {"run": t}], "ids": [f"a-{t}", f"b-{t}"]})
    assert r.status == 202, r
    q = r.json()
    assert q["status"] == "queued" and q["pattern"] == "bulk_only" and BATCH_ID.match(q["batch_id"]), q
    assert q["ids"] == [f"a-{t}", f"b-{t}"] and q["items_count"] == 2, q
    done = poll_batches(gw.port, [q["batch_id"]], timeout=20)
    assert done[q["batch_id"]]["completed_items"] == 2
    ref = sim.vectors("deepcoder", texts)
    hits = search(gw.port, "deepcoder", {"query_vector": ref[1], "filter": {"run": t}}).json()["results"]
    assert [h["id"] for h in hits][0] == f"b-{t}" and abs(hits[0]["score"] - 1) <= SCORE_TOL, hits
    assert {h["id"] for h in hits} == {f"a-{t}", f"b-{t}"}


def test_texts_ingest_on_a_hybrid_model_follows_urgency(gw):
    t = tag()
    now = http(gw.port, "POST", "/api/v1/patterns/hermes/ingest", {"texts": [f"u {t}"], "urgent": True})
    assert now.status == 200 and now.json()["ingested"] == 1, now
    later = http(gw.port, "POST", "/api/v1/patterns/hermes/ingest", {"texts": [f"n {t}"], "priority": 1})
    assert later.status == 202 and later.json()["pattern"] == "hybrid", later
    poll_batches(gw.port, [later.json()["batch_id"]], timeout=20)


def test_patterns_status_counts_points_and_memory(gw):
    before = get_json(gw.port, "/api/v1/patterns/status")
    assert before["store"] == "embedded"
    assert set(before["models"]) == set(MODELS)
    for name, m in before["models"].items():
        assert m["pattern"] == MODELS[name]["pattern"] and m["vector_size"] == MODELS[name]["size"], (name, m)
        assert m["breaker"] in ("closed", "open", "half_open") and 0 <= m["cache_hit_ratio"] <= 1
        assert isinstance(m["points"], int) and m["memory_bytes"] >= 0
    size = MODELS["imp"]["size"]
    ingest(gw.port, "imp", {"vectors": [vec(i, size) for i in range(5)]})
    after = get_json(gw.port, "/api/v1/patterns/status")
    assert after["models"]["imp"]["points"] == before["models"]["imp"]["points"] + 5
    grew = after["models"]["imp"]["memory_bytes"] - before["models"]["imp"]["memory_bytes"]
    assert grew >= 5 * size * 4, f"memory grew by {grew} bytes for 5 × {size} floats"
    assert after["memory_bytes"] == sum(m["memory_bytes"] for m in after["models"].values())


def test_patterns_health_and_metrics(gw):
    r = http(gw.port, "GET", "/api/v1/patterns/health")
    assert r.status == 200, r
    h = r.json()
    assert h["status"] == "ok" and set(h["models"]) == set(MODELS)
    assert all(m == {"upstream": "ok", "store": "ok"} for m in h["models"].values()), h
    size = MODELS["openchat"]["size"]
    t = tag()
    before = get_json(gw.port, "/api/v1/patterns/metrics")["models"]["openchat"]
    ingest(gw.port, "openchat", {"vectors": [{"id": t, "vector": vec(3, size)}]})
    body = {"query_vector": vec(3, size), "limit": 1}
    for _ in range(3):
        assert search(gw.port, "openchat", body).status == 200
    assert search(gw.port, "openchat", {"query_vector": [1.0]}).status == 400
    after = get_json(gw.port, "/api/v1/patterns/metrics")["models"]["openchat"]
    keys = {"requests", "errors", "p50_ms", "p95_ms", "p99_ms", "cache_hits", "cache_misses"}
    assert set(after) == {"ingest", "search"} and set(after["search"]) == keys and set(after["ingest"]) == keys
    assert after["ingest"]["requests"] - before["ingest"]["requests"] == 1
    assert after["search"]["requests"] - before["search"]["requests"] == 4
    assert after["search"]["errors"] - before["search"]["errors"] == 1
    assert after["search"]["cache_hits"] - before["search"]["cache_hits"] == 2
    assert after["search"]["cache_misses"] - before["search"]["cache_misses"] == 1
    assert after["search"]["p99_ms"] >= after["search"]["p50_ms"] >= 0


def test_optimizations_status_shows_effective_settings(sim, gateways):
    g = gateways.start(gateway_env(sim, BULK_BATCH_SIZE=40, PATTERN_RETRY_ATTEMPTS=2))
    doc = get_json(g.port, "/api/v1/optimizations/status")
    models = doc["models"]
    assert set(models) == set(MODELS)
    # spec §1's table, with BULK_BATCH_SIZE=40 capping every batch_size
    assert models["deepcoder"]["batch_size"] == 40 and models["phi3"]["batch_size"] == 40
    # plus the embedded store's graph settings (defaults) and its graph: none below the threshold
    graphless = {"index_threshold": 20000, "ef": 128, "graph": None}
    assert models["general"]["index"] == {"m": 16, "ef_construct": 200, **graphless}
    assert models["phi3"]["index"] == {"m": 32, "ef_construct": 400, **graphless}
    assert models["deepcoder"]["index"] == {"m": 64, "ef_construct": 800, **graphless}
    assert models["deepcoder"]["cache_ttl"] == 1200 and models["general"]["vector_size"] == 384
    assert models["general"]["endpoints"] == [sim.url] and models["general"]["timeout"] == 5
    assert doc["settings"]["retry_attempts"] == 2 and doc["settings"]["vector_store"] == "embedded"


def test_all_models_self_test(gw):
    before = get_json(gw.port, "/api/v1/patterns/status")["models"]
    r = http(gw.port, "POST", "/api/v1/patterns/test/all-models", timeout=30)
    assert r.status == 200, r
    doc = r.json()
    assert doc["passed"] == 9 and doc["failed"] == 0, doc
    for name, m in doc["models"].items():
        assert m["health"] and m["embed"] and m["search"] and m["latency_ms"] >= 0 and "error" not in m, (name, m)
    after = get_json(gw.port, "/api/v1/patterns/status")["models"]
    assert {n: m["points"] for n, m in after.items()} == {n: m["points"] for n, m in before.items()}, \
        "the self-test wrote into a model's own collection"
    assert http(gw.port, "GET", "/api/v1/patterns/test/all-models").status == 405


def test_all_models_self_test_reports_a_dead_upstream(sim, gateways):
    dead = f"http://127.0.0.1:9"
    g = gateways.start(gateway_env(sim, PHI3_ENDPOINT=dead, PATTERN_RETRY_ATTEMPTS=0))
    doc = http(g.port, "POST", "/api/v1/patterns/test/all-models", timeout=30).json()
    assert doc["failed"] == 1 and doc["passed"] == 8, doc
    phi3 = doc["models"]["phi3"]
    assert phi3["health"] is False and phi3["embed"] is False and phi3["search"] is True and phi3["error"], phi3
    h = http(g.port, "GET", "/api/v1/patterns/health")
    assert h.status == 200, "one failed probe does not open phi3's breaker (threshold 10)"


@pytest.mark.parametrize("stop", ["sigterm", "kill9"])
def test_points_survive_a_restart(sim, gateways, stop):
    first = gateways.start(gateway_env(sim))
    size = MODELS["general"]["size"]
    t = tag()
    points = [{"id": f"{t}-{i}", "vector": vec(i, size), "payload": {"run": t}} for i in range(20)]
    ingest(first.port, "general", {"vectors": points})
    ingest(first.port, "general", {"vectors": [{"id": f"{t}-3", "vector": vec(99, size), "payload": {"run": t, "v": "2"}}]})
    ingest(first.port, "phi3", {"vectors": [vec(1, 2048)]})
    body = {"query_vector": vec(5, size), "filter": {"run": t}, "limit": 20}
    want = search(first.port, "general", body).json()["results"]
    assert len(want) == 20
    if stop == "kill9":
        gateways.kill9(first)
    else:
        rc = first.stop()
        first.checked = True
        assert rc == 0, f"SIGTERM exit status {rc}"
    second = gateways.start(gateway_env(sim), workdir=first.workdir)
    got = search(second.port, "general", body).json()
    assert got["cached"] is False and got["results"] == want
    status = get_json(second.port, "/api/v1/patterns/status")["models"]
    assert status["general"]["points"] == 20 and status["phi3"]["points"] == 1, status
