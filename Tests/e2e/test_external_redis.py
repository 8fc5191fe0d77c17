"""Redis mode (REDIS_URL): two gateways on one redis-server share the cache and the queue; a gateway
killed with jobs pending leaves them to the other; Redis dying mid-run degrades /ready but no
real-time or cached call fails."""
from __future__ import annotations

import subprocess
import time
import uuid

from helpers import LOOPBACK
from services import (assert_vectors_close, embed, fresh_sim, gateway_env, gateways, get_json, http,  # noqa: F401
                      poll_batches, redis_server)


def uniq(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}"


def redis_keys(redis, pattern: str) -> list[str]:
    p = subprocess.run(["redis-cli", "-h", LOOPBACK, "-p", str(redis.port), "--scan", "--pattern", pattern],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 0, p.stderr
    return [line for line in p.stdout.splitlines() if line]


def test_cache_is_shared_between_instances(fresh_sim, redis_server, gateways):
    sim = fresh_sim
    a = gateways.start(gateway_env(sim, redis_server))
    b = gateways.start(gateway_env(sim, redis_server))
    assert http(a.port, "GET", "/ready").status == 200
    text = uniq("shared")
    ra = embed(a.port, "general", {"text": text})
    assert ra.status == 200 and ra.headers.get("x-cache") == "MISS", ra
    assert redis_keys(redis_server, "pattern:general:embed:*"), "no pattern:general:embed:<sha256> key in Redis"
    rb = embed(b.port, "general", {"text": text})
    assert rb.status == 200, rb
    assert rb.headers.get("x-cache") == "HIT" and rb.json()["cached"] is True, \
        f"B should hit the entry A stored in Redis: {rb.headers}"
    assert_vectors_close([rb.json()["embedding"]], [ra.json()["embedding"]], "shared cache entry")
    assert sim.counters("general")["embed_calls"] == 1, sim.counters("general")
    assert_vectors_close([rb.json()["embedding"]], sim.vectors("general", [text]), "vs simulator")


def test_second_instance_finishes_the_jobs_of_a_killed_one(fresh_sim, redis_server, gateways):
    sim = fresh_sim
    # A never flushes (interval 3600, 20 texts < batch_size 50), accepts 20 jobs and dies.
    a = gateways.start(gateway_env(sim, redis_server, BULK_PROCESSING_INTERVAL=3600))
    jobs = []
    for i in range(20):
        text = uniq(f"handover{i}")
        r = embed(a.port, "mixtral", {"text": text})
        assert r.status == 202, r
        jobs.append((r.json()["batch_id"], text))
    gateways.kill9(a)
    b = gateways.start(gateway_env(sim, redis_server, BULK_PROCESSING_INTERVAL=1))
    recs = poll_batches(b.port, [j for j, _ in jobs], timeout=20)
    time.sleep(1.5)
    assert sim.counters("mixtral")["texts"] == 20, sim.counters("mixtral")
    want = sim.vectors("mixtral", [t for _, t in jobs])
    for (bid, _), w in zip(jobs, want):
        assert_vectors_close(recs[bid]["embeddings"], [w], bid)


def test_kill_9_with_100_jobs_some_claimed_then_another_instance_completes_each_once(fresh_sim, redis_server,
                                                                                      gateways):
    """A claims a full batch (50 texts) from the stream while mixtral hangs, and is killed with it
    pending in its consumer's list. B must claim those after the claim timeout
    (PATTERN_QUEUE_CLAIM_TIMEOUT, 5 s here; 60 s by default) and queue the other 50 normally. The simulator counts texts only when it answers, and a
    hung call never answers, so the mixtral text count must end at exactly 100: once each."""
    sim = fresh_sim
    sim.control(model="mixtral", mode="hang")
    a = gateways.start(gateway_env(sim, redis_server, BULK_PROCESSING_INTERVAL=3600, PATTERN_QUEUE_CLAIM_TIMEOUT=5))
    jobs = []
    tag = uuid.uuid4().hex[:8]
    for i in range(100):
        text = f"redis-dur-{tag}-{i}"
        r = embed(a.port, "mixtral", {"text": text})
        assert r.status == 202, f"job {i}: {r}"
        jobs.append((r.json()["batch_id"], text))
    time.sleep(0.5)  # let A's worker claim its full batch
    gateways.kill9(a)
    sim.control(model="mixtral", mode="recover")
    b = gateways.start(gateway_env(sim, redis_server, BULK_PROCESSING_INTERVAL=1, PATTERN_QUEUE_CLAIM_TIMEOUT=5))
    recs = poll_batches(b.port, [j for j, _ in jobs], timeout=30, interval=0.5)
    time.sleep(1.5)
    assert sim.counters("mixtral")["texts"] == 100, sim.counters("mixtral")
    want = sim.vectors("mixtral", [t for _, t in jobs])
    for (bid, _), w in zip(jobs, want):
        assert_vectors_close(recs[bid]["embeddings"], [w], bid)


def test_redis_dying_mid_run_keeps_real_time_and_cached_calls_answering(fresh_sim, redis_server, gateways):
    sim = fresh_sim
    a = gateways.start(gateway_env(sim, redis_server))
    warm = uniq("warm")
    r = embed(a.port, "phi3", {"text": warm})
    assert r.status == 200 and r.headers.get("x-cache") == "MISS", r
    ready = http(a.port, "GET", "/ready")
    assert ready.status == 200 and ready.json()["status"] == "ready", ready

    accepted = embed(a.port, "mixtral", {"text": uniq("before")})
    assert accepted.status == 202, accepted

    redis_server.kill()

    # the job cannot be read now: "try again", not "no such batch", which would tell the client it is gone
    lookup = http(a.port, "GET", f"/api/v1/external/batch/{accepted.json()['batch_id']}", timeout=10)
    assert lookup.status == 503 and lookup.json()["error"]["code"] == "unavailable", lookup
    assert lookup.headers.get("retry-after"), lookup.headers

    hit = embed(a.port, "phi3", {"text": warm}, timeout=10)
    assert hit.status == 200, f"cached call with Redis down: {hit}"
    assert hit.headers.get("x-cache") == "HIT", hit.headers
    assert hit.elapsed < 3, f"cached call took {hit.elapsed:.2f} s with Redis down"
    for i in range(5):
        fresh = embed(a.port, "general", {"text": uniq(f"noredis{i}")}, timeout=10)
        assert fresh.status == 200, f"real-time call {i} with Redis down: {fresh}"
        assert fresh.elapsed < 3, f"real-time call took {fresh.elapsed:.2f} s with Redis down"
    again = embed(a.port, "phi3", {"text": warm}, timeout=10)
    assert again.status == 200 and again.headers.get("x-cache") == "HIT", again

    deadline, ready = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        ready = http(a.port, "GET", "/ready", timeout=5)
        if ready.status == 503:
            break
        time.sleep(0.2)
    assert ready is not None and ready.status == 503, f"/ready with Redis down: {ready}"
    body = ready.json()
    assert body["status"] == "degraded" and body["checks"]["redis"]["status"] == "down", body
    assert http(a.port, "GET", "/health").status == 200

    # the queue lives in Redis: a bulk request cannot be stored now, and says so quickly
    q = embed(a.port, "mixtral", {"text": uniq("noqueue")}, timeout=10)
    assert q.status == 503 and q.json()["error"]["code"] == "unavailable", f"bulk request with Redis down: {q}"
    assert q.headers.get("retry-after"), q.headers
    assert q.elapsed < 3, f"bulk request took {q.elapsed:.2f} s with Redis down"

    # Redis comes back (empty): the gateway reconnects by itself
    redis_server.start()
    deadline, ready = time.monotonic() + 15, None
    while time.monotonic() < deadline:
        ready = http(a.port, "GET", "/ready", timeout=5)
        if ready.status == 200:
            break
        time.sleep(0.25)
    assert ready is not None and ready.status == 200, f"/ready after Redis came back: {ready}"
    q = embed(a.port, "mixtral", {"text": uniq("queue-again")})
    assert q.status == 202, q
    poll_batches(a.port, [q.json()["batch_id"]], timeout=15)
    text = uniq("l2-again")
    assert embed(a.port, "general", {"text": text}).status == 200
    assert redis_keys(redis_server, "pattern:general:embed:*"), "the cache does not write to Redis again"
