"""The external model-integration API (spec §1–3) against the simulator: every model and its
pattern, every documented field, bulk jobs, the cache and its request coalescing, bad input, the
status documents, /metrics and the failover drill. One simulator and one gateway for the module."""
from __future__ import annotations

import re
import threading
import uuid

import pytest

from services import (ALIASES, BATCH_ID, MODELS, RFC3339, RFC3339_UTC, assert_unit, assert_vectors_close, embed,
                      gateway_env, get_json, http, module_gateways, poll_batches, sim)  # noqa: F401 (fixtures)

THRESHOLD = 5


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim, HYBRID_URGENT_THRESHOLD=THRESHOLD))


@pytest.fixture(autouse=True)
def clean_sim(sim):
    sim.reset()
    yield
    sim.reset()


def uniq(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}"


def canonical(model: str) -> str:
    return ALIASES.get(model, model)


def expect_realtime(model: str, extra: dict) -> bool:
    pattern = MODELS[canonical(model)]["pattern"]
    if pattern == "real_time":
        return True
    if pattern == "bulk_only":
        return False
    return bool(extra.get("urgent")) or extra.get("priority", -1) >= THRESHOLD


def check_common_headers(r) -> None:
    assert r.headers.get("x-request-id"), f"no X-Request-Id: {r}"
    st = r.headers.get("server-timing", "")
    assert re.search(r"gateway;dur=[0-9.]+", st) and re.search(r"upstream;dur=[0-9.]+", st), \
        f"Server-Timing should name gateway and upstream durations: {st!r}"


def check_realtime_body(body: dict, model: str, urgent: bool, sim_url: str, single: bool, n: int) -> list:
    m = canonical(model)
    spec = MODELS[m]
    for k in ("model", "pattern", "processing_mode", "processing_time_ms", "cached", "endpoint", "metadata"):
        assert k in body, f"real-time answer lacks {k!r}: { {k: v for k, v in body.items() if 'embedding' not in k} }"
    if single:
        assert "embedding" in body and isinstance(body["embedding"], list), body.keys()
        vectors = [body["embedding"]]
    else:
        assert "embeddings" in body and isinstance(body["embeddings"], list), body.keys()
        vectors = body["embeddings"]
    assert len(vectors) == n
    for v in vectors:
        assert len(v) == spec["size"], f"{m}: dimension {len(v)}, expected {spec['size']}"
        assert_unit(v, f"{m} embedding")
    assert body["model"] == m
    assert body["pattern"] == spec["pattern"]
    assert body["processing_mode"] == "real_time"
    assert isinstance(body["processing_time_ms"], (int, float)) and body["processing_time_ms"] >= 0
    assert body["cached"] is False
    assert body["endpoint"] == sim_url
    md = body["metadata"]
    assert md.get("pattern_type") == spec["pattern"], md
    assert md.get("urgent") is urgent, md
    assert RFC3339_UTC.match(md.get("processed_at", "")), f"processed_at not RFC 3339 UTC: {md}"
    return vectors


def check_queued_body(body: dict, model: str, urgent: bool, n: int, degraded: bool = False) -> None:
    m = canonical(model)
    spec = MODELS[m]
    for k in ("status", "model", "pattern", "processing_mode", "batch_id", "items_count", "queue_position",
              "estimated_completion", "degraded", "metadata"):
        assert k in body, f"queued answer lacks {k!r}: {body}"
    assert body["status"] == "queued"
    assert body["model"] == m
    assert body["pattern"] == spec["pattern"]
    assert body["processing_mode"] == "bulk"
    mt = BATCH_ID.match(body["batch_id"])
    assert mt and mt.group("model") == m, f"batch_id {body['batch_id']!r} is not batch_{m}_YYYYMMDD_HHMMSS_<suffix>"
    assert body["items_count"] == n
    assert isinstance(body["queue_position"], int) and body["queue_position"] >= 0, body
    assert RFC3339.match(body["estimated_completion"]), body
    assert body["degraded"] is degraded
    md = body["metadata"]
    assert md.get("pattern_type") == spec["pattern"], md
    assert md.get("urgent") is urgent, md
    assert md.get("batch_size") == n, md
    assert RFC3339.match(md.get("queued_at", "")), md


def check_batch_record(rec: dict, model: str, texts: list[str], sim) -> None:
    m = canonical(model)
    for k in ("batch_id", "model", "status", "items_count", "completed_items", "embeddings", "attempts",
              "queued_at", "completed_at"):
        assert k in rec, f"completed batch lacks {k!r}: { {k: v for k, v in rec.items() if k != 'embeddings'} }"
    assert rec["model"] == m
    assert rec["status"] == "completed"
    assert rec["items_count"] == len(texts)
    assert rec["completed_items"] == len(texts)
    assert isinstance(rec["attempts"], int) and rec["attempts"] >= 1, rec["attempts"]
    assert RFC3339.match(rec["queued_at"] or ""), rec["queued_at"]
    assert RFC3339.match(rec["completed_at"] or ""), f"completed_at not set: {rec['completed_at']!r}"
    assert_vectors_close(rec["embeddings"], sim.vectors(m, texts), f"batch {rec['batch_id']} embeddings")
    for v in rec["embeddings"]:
        assert len(v) == MODELS[m]["size"]


# ----------------------------------------------------------------------------------- 1. every model

CASES = [(m, {}) for m in MODELS] + [
    ("yi34", {}),
    ("hermes", {"urgent": True}),
    ("openchat", {"urgent": True}),
    ("hermes", {"priority": THRESHOLD}),
    ("openchat", {"priority": THRESHOLD - 1}),
    ("phi3", {"urgent": True}),
]


@pytest.mark.parametrize("model,extra", CASES, ids=[f"{m}-{'-'.join(f'{k}={v}' for k, v in e.items()) or 'plain'}"
                                                     for m, e in CASES])
def test_every_model_answers_with_every_documented_field(gw, sim, model, extra):
    text = uniq(f"field-{model}")
    r = embed(gw.port, model, {"text": text, **extra})
    check_common_headers(r)
    urgent = bool(extra.get("urgent")) or extra.get("priority", -1) >= THRESHOLD
    if expect_realtime(model, extra):
        assert r.status == 200, f"{model} {extra}: expected a real-time 200: {r}"
        assert r.headers.get("x-cache") == "MISS", r.headers
        [v] = check_realtime_body(r.json(), model, urgent, sim.url, single=True, n=1)
        assert_vectors_close([v], sim.vectors(canonical(model), [text]), f"{model} embedding")
    else:
        assert r.status == 202, f"{model} {extra}: expected 202 queued: {r}"
        body = r.json()
        check_queued_body(body, model, urgent, n=1)
        rec = poll_batches(gw.port, [body["batch_id"]], timeout=15)[body["batch_id"]]
        assert rec.get("degraded", False) is False, rec.get("degraded")
        check_batch_record(rec, model, [text], sim)


@pytest.mark.parametrize("model", ["phi3", "general", "hermes"])
def test_texts_answer_embeddings_in_order(gw, sim, model):
    texts = [uniq(f"many-{model}-{i}") for i in range(3)]
    extra = {"urgent": True} if model == "hermes" else {}
    r = embed(gw.port, model, {"texts": texts, **extra})
    assert r.status == 200, r
    check_common_headers(r)
    vectors = check_realtime_body(r.json(), model, model == "hermes", sim.url, single=False, n=3)
    assert_vectors_close(vectors, sim.vectors(model, texts), f"{model} embeddings")


# ----------------------------------------------------------------------------------- 2. bulk jobs

def test_bulk_jobs_complete_with_the_simulators_vectors(gw, sim):
    # Three jobs of different sizes in quick succession: they may share one upstream batch, and
    # each must get back exactly its own share, in order.
    jobs = []
    for n in (5, 1, 3):
        texts = [uniq(f"bulk{n}-{i}") for i in range(n)]
        r = embed(gw.port, "deepcoder", {"texts": texts, "batch": True})
        assert r.status == 202, r
        check_queued_body(r.json(), "deepcoder", False, n=n)
        jobs.append((r.json()["batch_id"], texts))
    ids = [b for b, _ in jobs]
    assert len(set(ids)) == 3, f"batch ids must be unique even within one second: {ids}"
    # right after queuing, the record exists and is not yet failed
    first = http(gw.port, "GET", f"/api/v1/external/batch/{ids[0]}")
    assert first.status == 200, first
    assert first.json()["status"] in ("queued", "processing", "completed"), first
    recs = poll_batches(gw.port, ids, timeout=15)
    for bid, texts in jobs:
        check_batch_record(recs[bid], "deepcoder", texts, sim)


def test_identical_bulk_requests_get_distinct_batch_ids(gw):
    text = uniq("same-second")
    ids = []
    for _ in range(5):
        r = embed(gw.port, "mixtral", {"text": text})
        assert r.status == 202, r
        ids.append(r.json()["batch_id"])
    assert len(set(ids)) == 5, ids
    poll_batches(gw.port, ids, timeout=15)


def test_unknown_batch_is_404(gw):
    r = http(gw.port, "GET", "/api/v1/external/batch/batch_mixtral_20200101_000000_nope")
    assert r.status == 404, r
    assert r.json()["error"]["code"] == "not_found"


# ----------------------------------------------------------------------------------- 6. cache

def test_repeat_is_a_cache_hit(gw, sim):
    text = uniq("cache")
    a = embed(gw.port, "general", {"text": text})
    assert a.status == 200 and a.headers.get("x-cache") == "MISS" and a.json()["cached"] is False, a
    before = sim.counters("general")["embed_calls"]
    b = embed(gw.port, "general", {"text": text})
    assert b.status == 200, b
    assert b.headers.get("x-cache") == "HIT", b.headers
    assert b.json()["cached"] is True
    assert sim.counters("general")["embed_calls"] == before, "a cache hit must not call the model"
    assert_vectors_close([b.json()["embedding"]], [a.json()["embedding"]], "cached embedding")
    # the key hashes the model too: the same text on another model is a miss
    c = embed(gw.port, "phi3", {"text": text})
    assert c.status == 200 and c.headers.get("x-cache") == "MISS", c.headers
    assert len(c.json()["embedding"]) == MODELS["phi3"]["size"]


def test_twenty_concurrent_identical_misses_make_one_upstream_call(gw, sim):
    text = uniq("coalesce")
    # A slow model keeps the first call in flight while the other 19 arrive.
    sim.control(model="general", latency_ms=300, jitter_ms=0)
    before = sim.counters("general")["embed_calls"]
    barrier = threading.Barrier(20, timeout=10)
    results: list = [None] * 20

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = embed(gw.port, "general", {"text": text}, timeout=15)
        except Exception as e:  # recorded and asserted below
            results[i] = e

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads), "requests still running after 20 s"
    bad = [r for r in results if not hasattr(r, "status") or r.status != 200]
    assert not bad, f"{len(bad)} of 20 failed, e.g. {bad[0]}"
    calls = sim.counters("general")["embed_calls"] - before
    assert calls == 1, f"20 concurrent identical requests made {calls} upstream calls (expected 1)"
    first = results[0].json()["embedding"]
    for r in results[1:]:
        assert_vectors_close([r.json()["embedding"]], [first], "coalesced embedding")
    sim.reset()
    assert_vectors_close([first], sim.vectors("general", [text]), "coalesced embedding vs simulator")


# ----------------------------------------------------------------------------------- 7. bad input

def check_error(r, status: int, code: str, field: str | None = None, sent_id: str | None = None) -> dict:
    assert r.status == status, f"expected {status} {code}: {r}"
    body = r.json()
    assert set(body) >= {"error", "request_id"}, body
    err = body["error"]
    assert err.get("code") == code, body
    assert isinstance(err.get("message"), str) and err["message"], body
    assert isinstance(err.get("details"), dict), body
    if field is not None:
        assert err["details"].get("field") == field, f"details.field should be {field!r}: {body}"
    assert "gateway;dur=" in r.headers.get("server-timing", ""), f"error answer without Server-Timing: {r.headers}"
    hdr = r.headers.get("x-request-id")
    assert hdr and body["request_id"] == hdr, f"request_id {body['request_id']!r} != X-Request-Id {hdr!r}"
    if sent_id is not None:
        assert hdr == sent_id, f"the client's X-Request-Id was not kept: {hdr!r}"
    return body


BAD_INPUT = [
    ("unknown model", "nosuchmodel", b'{"text":"x"}', 404, "not_found", None),
    ("not JSON", "general", b"this is not json", 400, "invalid_argument", None),
    ("truncated JSON", "general", b'{"text": "x"', 400, "invalid_argument", None),
    ("texts[0] not a string", "general", b'{"texts":[1]}', 400, "invalid_argument", "texts[0]"),
    ("texts[1] not a string", "general", b'{"texts":["a", null]}', 400, "invalid_argument", "texts[1]"),
    ("text not a string", "phi3", b'{"text":5}', 400, "invalid_argument", "text"),
    ("empty text", "general", b'{"text":""}', 400, "invalid_argument", "text"),
    ("empty texts", "general", b'{"texts":[]}', 400, "invalid_argument", "texts"),
    ("urgent not a bool", "hermes", b'{"text":"x","urgent":"yes"}', 400, "invalid_argument", "urgent"),
    ("priority not an int", "hermes", b'{"text":"x","priority":"high"}', 400, "invalid_argument", "priority"),
    ("no text", "general", b'{}', 400, "invalid_argument", None),
    ("array body", "general", b'["x"]', 400, "invalid_argument", None),
    ("texts[0] on a bulk model", "mixtral", b'{"texts":[1]}', 400, "invalid_argument", "texts[0]"),
]


@pytest.mark.parametrize("what,model,raw,status,code,field", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_gets_its_code_and_names_the_field(gw, what, model, raw, status, code, field):
    rid = f"ext-{uuid.uuid4().hex[:10]}"
    r = http(gw.port, "POST", f"/api/v1/external/{model}/embed", raw, headers={"X-Request-Id": rid})
    check_error(r, status, code, field, sent_id=rid)


def test_errors_without_a_client_request_id_get_a_generated_one(gw):
    r = http(gw.port, "POST", "/api/v1/external/general/embed", b"{", headers={})
    body = check_error(r, 400, "invalid_argument")
    assert len(body["request_id"]) >= 8


def test_json_accepted_whatever_the_content_type(gw):
    r = http(gw.port, "POST", "/api/v1/external/general/embed", b'{"text":"ctype"}',
             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200, r


def test_over_one_mib_of_texts_is_413(gw):
    texts = ["a" * 600_000, "b" * 600_000]
    r = embed(gw.port, "general", {"texts": texts}, headers={"X-Request-Id": "big-one"}, timeout=20)
    check_error(r, 413, "payload_too_large", sent_id="big-one")
    # the limit counts the texts, not the body: 1 MiB of texts exactly is accepted (bulk model,
    # so nothing that big has to be embedded now)
    ok = embed(gw.port, "mixtral", {"texts": ["c" * (1 << 19), "d" * (1 << 19)]}, timeout=20)
    assert ok.status == 202, ok


# ----------------------------------------------------------------------------------- 8. status, metrics, drill

def test_patterns_status_has_every_field(gw):
    # some traffic first, so the numbers are not all defaults
    assert embed(gw.port, "phi3", {"text": uniq("st")}).status == 200
    assert embed(gw.port, "hermes", {"text": uniq("st")}).status == 202
    doc = get_json(gw.port, "/api/v1/external/patterns/status")
    p = doc["patterns"]
    want = {
        "real_time": {"models", "active_requests", "success_rate", "avg_response_time_ms"},
        "hybrid": {"models", "real_time_requests", "bulk_requests", "success_rate", "avg_response_time_ms"},
        "bulk_only": {"models", "queued_batches", "processing_batches", "completed_batches", "success_rate",
                      "avg_batch_processing_time_ms"},
    }
    for pattern, keys in want.items():
        assert pattern in p, doc
        missing = keys - set(p[pattern])
        assert not missing, f"patterns.{pattern} lacks {missing}: {p[pattern]}"
        assert set(p[pattern]["models"]) == {m for m, s in MODELS.items() if s["pattern"] == pattern}, p[pattern]
        assert 0 <= p[pattern]["success_rate"] <= 100, p[pattern]
    assert p["hybrid"]["bulk_requests"] >= 1
    cb = doc["circuit_breakers"]
    assert set(cb) >= set(MODELS), f"circuit_breakers lacks {set(MODELS) - set(cb)}"
    for m in MODELS:
        b = cb[m]
        assert b.get("status") in ("closed", "open", "half_open"), b
        assert isinstance(b.get("failure_count"), int), b
        assert isinstance(b.get("endpoints"), list) and b["endpoints"], b
        for e in b["endpoints"]:
            assert {"url", "status", "failure_count"} <= set(e), e
        assert b["status"] == "closed", f"{m} breaker not closed on a healthy simulator: {b}"


def test_queue_status_has_every_field(gw):
    r = embed(gw.port, "imp", {"text": uniq("qs")})
    assert r.status == 202, r
    poll_batches(gw.port, [r.json()["batch_id"]], timeout=15)
    doc = get_json(gw.port, "/api/v1/external/batch/queue/status")
    qs = doc["queue_status"]
    assert {"total_jobs", "pending_jobs", "processing_jobs", "completed_jobs", "failed_jobs"} <= set(qs), qs
    assert qs["completed_jobs"] >= 1 and qs["total_jobs"] >= qs["completed_jobs"], qs
    ps = doc["processing_stats"]
    assert {"avg_processing_time_seconds", "items_per_minute", "success_rate"} <= set(ps), ps
    mq = doc["model_queues"]
    queued_models = {m for m, s in MODELS.items() if s["pattern"] in ("bulk_only", "hybrid")}
    assert set(mq) >= queued_models, f"model_queues lacks {queued_models - set(mq)}"
    for m in queued_models:
        assert {"pending", "processing"} <= set(mq[m]), mq[m]


def test_pattern_metrics_have_every_field(gw):
    text = uniq("pm")
    assert embed(gw.port, "general", {"text": text}).status == 200
    assert embed(gw.port, "general", {"text": text}).headers.get("x-cache") == "HIT"
    for m in ("phi3", "mixtral", "hermes"):
        assert embed(gw.port, m, {"text": uniq("pm")}).status in (200, 202)
    doc = get_json(gw.port, "/api/v1/external/patterns/metrics")
    models = doc["models"]
    for m in ("general", "phi3", "mixtral", "hermes"):
        assert m in models, f"patterns/metrics lacks {m}: {list(models)}"
        s = models[m]
        missing = {"pattern", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "cache_hits", "cache_misses"} - set(s)
        assert not missing, f"{m} lacks {missing}: {s}"
        assert s["pattern"] == MODELS[m]["pattern"]
        assert s["requests"] >= 1, s
    assert models["general"]["cache_hits"] >= 1 and models["general"]["cache_misses"] >= 1, models["general"]
    assert models["general"]["p50_ms"] <= models["general"]["p95_ms"] <= models["general"]["p99_ms"]


def test_prometheus_metrics(gw):
    text = uniq("prom")
    assert embed(gw.port, "general", {"text": text}).status == 200
    assert embed(gw.port, "general", {"text": text}).status == 200  # a hit
    assert embed(gw.port, "phi3", {"text": text}).status == 200
    q = embed(gw.port, "mixtral", {"text": text})
    assert q.status == 202, q
    poll_batches(gw.port, [q.json()["batch_id"]], timeout=15)
    r = http(gw.port, "GET", "/metrics")
    assert r.status == 200, r
    assert r.headers.get("content-type", "").startswith("text/plain"), r.headers
    text = r.body.decode()
    want = [
        r'^pattern_requests_total\{(?=[^}]*model="general")(?=[^}]*pattern="real_time")(?=[^}]*protocol="rest")'
        r'(?=[^}]*outcome="[a-z_]+")[^}]*\} [0-9.e+]+$',
        r'^pattern_request_duration_seconds_bucket\{[^}]*le="[^"]+"[^}]*\} [0-9.e+]+$',
        r'^pattern_cache_hits_total\{[^}]*model="[a-z0-9]+"[^}]*\} [0-9.e+]+$',
        r'^pattern_cache_misses_total\{[^}]*model="general"[^}]*\} [0-9.e+]+$',
        r'^pattern_cache_hit_ratio\{[^}]*model="[a-z0-9]+"[^}]*\} [0-9.e+-]+$',
        r'^integration_upstream_requests_total\{(?=[^}]*model="general")(?=[^}]*endpoint=")(?=[^}]*outcome=")[^}]*\} [0-9.e+]+$',
        r'^integration_upstream_duration_seconds_bucket\{[^}]*\} [0-9.e+]+$',
        r'^integration_circuit_breaker_state\{(?=[^}]*model="phi3")(?=[^}]*endpoint=")[^}]*\} [012](\.0)?$',
        r'^pattern_batch_queue_depth\{[^}]*model="[a-z0-9]+"[^}]*\} [0-9.e+]+$',
        r'^pattern_batch_jobs_total\{(?=[^}]*model="[a-z0-9]+")(?=[^}]*outcome=")[^}]*\} [0-9.e+]+$',
    ]
    missing = [w for w in want if not re.search(w, text, re.M)]
    assert not missing, f"/metrics lacks series matching {missing}\n--- head ---\n{text[:3000]}"
    for name in ("pattern_requests_total", "pattern_request_duration_seconds", "integration_circuit_breaker_state"):
        assert re.search(rf"^# TYPE {name} (counter|histogram|gauge)$", text, re.M), f"no # TYPE line for {name}"


def test_failover_drill_goes_closed_open_half_open_closed(gw, sim):
    before = sim.counters("phi3")
    r = http(gw.port, "POST", "/api/v1/external/test/failover", {"model": "phi3", "simulate_failure": True}, timeout=30)
    assert r.status == 200, r
    doc = r.json()
    assert {"model", "steps", "fast_fail_ms", "recovered"} <= set(doc), doc
    assert doc["model"] == "phi3"
    assert doc["recovered"] is True, doc
    assert isinstance(doc["fast_fail_ms"], (int, float)) and 0 <= doc["fast_fail_ms"] < 50, doc
    states = [s["state"] for s in doc["steps"]]
    assert all("at" in s for s in doc["steps"]), doc["steps"]
    collapsed = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    assert collapsed == ["closed", "open", "half_open", "closed"], f"steps {states}"
    # live traffic untouched: the breaker of the real endpoint is closed and phi3 answers
    assert sim.counters("phi3")["failures"] == before["failures"], "the drill must not fail real upstream calls"
    assert embed(gw.port, "phi3", {"text": uniq("after-drill")}).status == 200
    st = get_json(gw.port, "/api/v1/external/patterns/status")
    assert st["circuit_breakers"]["phi3"]["status"] == "closed", st["circuit_breakers"]["phi3"]


def test_failover_drill_bad_input(gw):
    check_error(http(gw.port, "POST", "/api/v1/external/test/failover", {"model": "nosuch"}), 404, "not_found")
    check_error(http(gw.port, "POST", "/api/v1/external/test/failover", {}), 400, "invalid_argument", "model")


def test_ready_and_health_in_embedded_mode(gw):
    r = http(gw.port, "GET", "/ready")
    assert r.status == 200 and r.json()["status"] == "ready", r
    r = http(gw.port, "GET", "/health")
    assert r.status == 200, r
