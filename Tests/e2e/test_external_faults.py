"""Faults injected into the simulator: the circuit breaker trips, fast-fails and recovers; a hybrid
model degrades to the queue and catches up; wrong dimensions are 502; a hung model is 504 at the
deadline; a bulk job against a broken model fails with its reason. Each test gets its own gateway
(breaker state must not leak between tests); the simulator is shared and reset around each test."""
from __future__ import annotations

import time
import uuid

import pytest

from services import (MODELS, assert_vectors_close, embed, fresh_sim, gateway_env, gateways, get_json,  # noqa: F401
                      http, poll_batches, sim)


@pytest.fixture(autouse=True)
def clean_sim(sim):
    sim.reset()
    yield
    sim.reset()


def uniq(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}"


def breaker(port: int, model: str) -> dict:
    return get_json(port, "/api/v1/external/patterns/status")["circuit_breakers"][model]


def error_code(r) -> str | None:
    try:
        return r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


# ----------------------------------------------------------------------------------- 3. breaker

def test_breaker_trips_fast_fails_and_recovers(sim, gateways):
    gw = gateways.start(gateway_env(sim, PATTERN_CIRCUIT_BREAKER_THRESHOLD=2, PATTERN_RETRY_ATTEMPTS=0,
                                    PATTERN_BREAKER_COOLDOWN=1))
    assert embed(gw.port, "phi3", {"text": uniq("warm")}).status == 200
    sim.control(model="phi3", mode="fail", status=503)

    for i in range(2):
        r = embed(gw.port, "phi3", {"text": uniq(f"fail{i}")})
        assert r.status == 502 and error_code(r) == "upstream_error", f"failure {i + 1} of 2: {r}"

    calls_before = sim.counters("phi3")["embed_calls"]
    r = embed(gw.port, "phi3", {"text": uniq("open")})
    assert r.status == 503 and error_code(r) == "circuit_open", f"third call should fast-fail: {r}"
    ra = r.headers.get("retry-after")
    assert ra is not None and ra.isdigit() and 1 <= int(ra) <= 300, f"Retry-After {ra!r}"
    # loose: the spec wants < 5 ms inside the gateway; the client side adds a new connection
    assert r.elapsed < 0.05, f"circuit_open took {r.elapsed * 1000:.1f} ms"
    assert sim.counters("phi3")["embed_calls"] == calls_before, "an open breaker must not call the model"

    b = breaker(gw.port, "phi3")
    assert b["status"] == "open", b
    assert b["endpoints"][0]["status"] == "open" and b["endpoints"][0]["url"] == sim.url, b
    assert b["failure_count"] >= 2 or b["endpoints"][0]["failure_count"] >= 2, b
    # another model is not affected
    assert embed(gw.port, "general", {"text": uniq("other")}).status == 200

    sim.control(model="phi3", mode="recover")
    time.sleep(1.3)  # > cooldown (1 s, first trip)
    r = embed(gw.port, "phi3", {"text": uniq("after")})
    assert r.status == 200, f"after recovery and the cooldown: {r}"
    assert breaker(gw.port, "phi3")["status"] == "closed", breaker(gw.port, "phi3")
    m = http(gw.port, "GET", "/metrics").body.decode()
    assert any(line.startswith("integration_circuit_breaker_state{") and 'model="phi3"' in line
               and line.rstrip().endswith((" 0", " 0.0")) for line in m.splitlines()), \
        "integration_circuit_breaker_state for phi3 should be back at 0"


def test_retries_hide_a_single_upstream_failure(sim, gateways):
    gw = gateways.start(gateway_env(sim, PATTERN_RETRY_ATTEMPTS=3))
    # 20% injected 503s: with 3 retries a request fails only if 4 attempts in a row do (0.16%),
    # so at most one of 30 may fail; and over ~37 upstream calls some 503 is all but certain
    sim.control(model="general", error_rate=0.2)
    before = sim.counters("general")["failures"]
    statuses = [embed(gw.port, "general", {"text": uniq("flaky")}).status for _ in range(30)]
    assert sim.counters("general")["failures"] > before, "the simulator injected no failure; test is void"
    assert statuses.count(200) >= 29, f"statuses {statuses}"


# ----------------------------------------------------------------------------------- 4. hybrid degrades

def test_hybrid_degrades_to_the_queue_and_completes_after_recovery(sim, gateways):
    gw = gateways.start(gateway_env(sim, PATTERN_CIRCUIT_BREAKER_THRESHOLD=2, PATTERN_RETRY_ATTEMPTS=0,
                                    PATTERN_BREAKER_COOLDOWN=1, BULK_PROCESSING_INTERVAL=1))
    sim.control(model="hermes", mode="fail", status=503)
    jobs, answers = [], []
    for i in range(3):
        text = uniq(f"degraded{i}")
        r = embed(gw.port, "hermes", {"text": text, "urgent": True})
        answers.append(r)
        assert r.status in (202, 502), f"urgent hermes #{i} while failing: {r}"
        if r.status == 202:
            jobs.append((r.json(), text))
    # by the third request the breaker is open: that one at least must be queued, degraded
    last = answers[-1]
    assert last.status == 202, f"with the breaker open an urgent hybrid request must be queued: {last}"
    assert breaker(gw.port, "hermes")["status"] == "open", breaker(gw.port, "hermes")
    for body, _ in jobs:
        assert body["status"] == "queued" and body["degraded"] is True, body
        assert body["pattern"] == "hybrid" and body["processing_mode"] == "bulk" and body["model"] == "hermes", body
        assert body["metadata"]["urgent"] is True, body["metadata"]

    sim.control(model="hermes", mode="recover")
    ids = [b["batch_id"] for b, _ in jobs]
    recs = poll_batches(gw.port, ids, timeout=20)
    want = sim.vectors("hermes", [t for _, t in jobs])
    for (body, text), w in zip(jobs, want):
        rec = recs[body["batch_id"]]
        assert rec.get("degraded") is True, {k: v for k, v in rec.items() if k != "embeddings"}
        assert_vectors_close(rec["embeddings"], [w], f"degraded job {body['batch_id']}")
    # and the real-time path is back
    r = embed(gw.port, "hermes", {"text": uniq("rt-again"), "urgent": True})
    assert r.status == 200, r


def test_real_time_model_does_not_degrade(sim, gateways):
    gw = gateways.start(gateway_env(sim, PATTERN_CIRCUIT_BREAKER_THRESHOLD=1, PATTERN_RETRY_ATTEMPTS=0,
                                    PATTERN_BREAKER_COOLDOWN=5))
    sim.control(model="general", mode="fail", status=503)
    codes = [(embed(gw.port, "general", {"text": uniq("rt")})) for _ in range(2)]
    assert [r.status for r in codes] == [502, 503], [str(r) for r in codes]


# ----------------------------------------------------------------------------------- 5. bad upstreams

def test_wrong_dimensions_is_502_and_hang_is_504_at_the_deadline(sim, gateways):
    # default retries (3): REAL_TIME_TIMEOUT is the whole request's deadline, retries included
    gw = gateways.start(gateway_env(sim, REAL_TIME_TIMEOUT=1, PATTERN_RETRY_ATTEMPTS=None))
    sim.control(model="general", mode="wrong_dimensions")
    r = embed(gw.port, "general", {"text": uniq("dims")})
    assert r.status == 502 and error_code(r) == "upstream_error", r
    # a bad answer is not cached: after recovery the right vector comes back
    sim.control(model="general", mode="recover")
    text = uniq("dims-ok")
    r = embed(gw.port, "general", {"text": text})
    assert r.status == 200 and len(r.json()["embedding"]) == MODELS["general"]["size"], r

    sim.control(model="phi3", mode="hang")
    r = embed(gw.port, "phi3", {"text": uniq("hang")}, timeout=10)
    assert r.status == 504 and error_code(r) == "upstream_timeout", r
    assert 0.8 <= r.elapsed <= 5.0, f"504 after {r.elapsed:.2f} s; REAL_TIME_TIMEOUT=1"
    assert r.elapsed <= 2.0, f"504 after {r.elapsed:.2f} s: retries went past the 1 s deadline"


def test_hybrid_hang_degrades_at_the_deadline(sim, gateways):
    gw = gateways.start(gateway_env(sim, REAL_TIME_TIMEOUT=1, PATTERN_RETRY_ATTEMPTS=0))
    sim.control(model="openchat", mode="hang")
    r = embed(gw.port, "openchat", {"text": uniq("hang"), "urgent": True}, timeout=10)
    assert r.status == 202 and r.json()["degraded"] is True, r
    assert r.elapsed <= 3.0, f"degraded answer after {r.elapsed:.2f} s"
    sim.control(model="openchat", mode="recover")


def test_bulk_job_against_a_broken_model_fails_with_its_reason(sim, gateways):
    gw = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1, PATTERN_RETRY_ATTEMPTS=0,
                                    PATTERN_CIRCUIT_BREAKER_THRESHOLD=100))
    sim.control(model="imp", mode="wrong_dimensions")
    r = embed(gw.port, "imp", {"texts": ["x", "y"]})
    assert r.status == 202, r
    bid = r.json()["batch_id"]
    deadline, rec = time.monotonic() + 40, None
    while time.monotonic() < deadline:
        rec = get_json(gw.port, f"/api/v1/external/batch/{bid}")
        if rec["status"] in ("failed", "completed"):
            break
        time.sleep(0.25)
    assert rec is not None and rec["status"] == "failed", f"after 40 s: {rec}"
    assert isinstance(rec.get("error"), str) and rec["error"], rec
    assert rec["attempts"] >= 2, f"a failed job should have been retried: {rec}"
    assert "embeddings" not in rec or not rec["embeddings"], rec
    qs = get_json(gw.port, "/api/v1/external/batch/queue/status")["queue_status"]
    assert qs["failed_jobs"] >= 1, qs


# ----------------------------------------------------------------------------------- configuration

def test_env_overrides_threshold_cache_ttl_and_batch_size(sim, gateways):
    gw = gateways.start(gateway_env(sim, HYBRID_URGENT_THRESHOLD=2, PATTERN_CACHE_TTL=1, BULK_BATCH_SIZE=10,
                                    BULK_PROCESSING_INTERVAL=1))
    # priority 2 is urgent now, 1 is not
    assert embed(gw.port, "openchat", {"text": uniq("p2"), "priority": 2}).status == 200
    assert embed(gw.port, "openchat", {"text": uniq("p1"), "priority": 1}).status == 202
    # PATTERN_CACHE_TTL=1 overrides general's 900 s
    text = uniq("ttl")
    assert embed(gw.port, "general", {"text": text}).headers.get("x-cache") == "MISS"
    assert embed(gw.port, "general", {"text": text}).headers.get("x-cache") == "HIT"
    time.sleep(1.6)
    r = embed(gw.port, "general", {"text": text})
    assert r.status == 200 and r.headers.get("x-cache") == "MISS", f"entry should have expired after 1 s: {r.headers}"
    # BULK_BATCH_SIZE=10 caps deepcoder's 200: 25 one-text jobs need at least 3 upstream calls
    before = sim.counters("deepcoder")
    ids = []
    for i in range(25):
        r = embed(gw.port, "deepcoder", {"text": uniq(f"cap{i}")})
        assert r.status == 202, r
        ids.append(r.json()["batch_id"])
    poll_batches(gw.port, ids, timeout=20)
    after = sim.counters("deepcoder")
    assert after["texts"] - before["texts"] == 25, (before, after)
    assert after["embed_calls"] - before["embed_calls"] >= 3, f"batches larger than BULK_BATCH_SIZE=10: {(before, after)}"
    opt = http(gw.port, "GET", "/api/v1/optimizations/status")
    if opt.status == 200:  # (spec §3 vector patterns; may come with a later issue)
        assert opt.json()["models"]["deepcoder"]["batch_size"] == 10, opt.json()["models"]["deepcoder"]


def test_replicas_fail_over_to_the_healthy_one(sim, fresh_sim, gateways):
    gw = gateways.start(gateway_env(sim, GENERAL_ENDPOINT=f"{sim.url},{fresh_sim.url}",
                                    PATTERN_CIRCUIT_BREAKER_THRESHOLD=2, PATTERN_RETRY_ATTEMPTS=1,
                                    PATTERN_BREAKER_COOLDOWN=30))
    endpoints = set()
    for i in range(10):
        r = embed(gw.port, "general", {"text": uniq(f"rep{i}")})
        assert r.status == 200, r
        endpoints.add(r.json()["endpoint"])
    assert endpoints == {sim.url, fresh_sim.url}, f"requests not balanced over both replicas: {endpoints}"
    fresh_sim.control(model="general", mode="fail", status=503)
    statuses = [embed(gw.port, "general", {"text": uniq(f"half{i}")}) for i in range(10)]
    assert all(r.status == 200 for r in statuses), [str(r) for r in statuses if r.status != 200][:2]
    assert {r.json()["endpoint"] for r in statuses[-5:]} == {sim.url}, "the failing replica still serves"
    b = breaker(gw.port, "general")
    eps = {e["url"]: e for e in b["endpoints"]}
    assert eps[fresh_sim.url]["status"] == "open" and eps[sim.url]["status"] == "closed", b
    assert b["status"] != "open", f"the model is not open while one replica is healthy: {b}"


def test_ollama_dialect_from_the_config_file(sim, gateways):
    wd = gateways.workdir()
    (wd / "config").mkdir()
    (wd / "config" / "gateway.yaml").write_text(
        "models:\n  general: {dialect: ollama}\n  mixtral: {dialect: ollama}\n")
    gw = gateways.start(gateway_env(sim), workdir=wd)
    # the simulator speaks both dialects, so make sure the file was read at all
    listening = [r for r in gw.log_records() if r.get("message") == "listening"]
    assert listening and listening[0].get("config") == "config/gateway.yaml", listening
    texts = [uniq("ol1"), uniq("ol2")]
    r = embed(gw.port, "general", {"texts": texts})
    assert r.status == 200, r
    assert_vectors_close(r.json()["embeddings"], sim.vectors("general", texts), "ollama-dialect embeddings")
    q = embed(gw.port, "mixtral", {"text": texts[0]})
    assert q.status == 202, q
    rec = poll_batches(gw.port, [q.json()["batch_id"]], timeout=15)[q.json()["batch_id"]]
    assert_vectors_close(rec["embeddings"], sim.vectors("mixtral", [texts[0]]), "ollama-dialect batch")
