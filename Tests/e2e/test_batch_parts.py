"""Spec §9, batches keep batch_size: a queued job larger than its model's batch_size goes upstream in
calls of at most batch_size inputs, in order, and completes only when every part has; kill -9 between
two parts loses nothing and writes nothing twice, in both queue modes."""
from __future__ import annotations

import time
import uuid

import pytest

from services import (assert_vectors_close, embed, fresh_sim, gateway_env, gateways, get_json,  # noqa: F401
                      poll_batches, redis_server)

MIXTRAL_BATCH = 50
TEXTS = 120


def wait_for(what: str, check, timeout: float = 15.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout}s")


@pytest.mark.parametrize("mode", ["embedded", "redis"])
def test_a_120_text_job_goes_up_in_parts_and_survives_kill_9_between_them(mode, fresh_sim, gateways, request):
    sim = fresh_sim
    redis = request.getfixturevalue("redis_server") if mode == "redis" else None
    extra = dict(BULK_PROCESSING_INTERVAL=1, PATTERN_QUEUE_CLAIM_TIMEOUT=2)
    # Slow parts, so the kill lands after the first part answered and before the job could finish.
    sim.control(model="mixtral", latency_ms=1200, jitter_ms=0)
    first = gateways.start(gateway_env(sim, redis, **extra))
    tag = uuid.uuid4().hex[:8]
    texts = [f"part-{tag}-{i}" for i in range(TEXTS)]
    r = embed(first.port, "mixtral", {"texts": texts})
    assert r.status == 202 and r.json()["items_count"] == TEXTS, r
    bid = r.json()["batch_id"]
    wait_for("the first part answered", lambda: sim.counters("mixtral")["embed_calls"] >= 1)
    rec = get_json(first.port, f"/api/v1/external/batch/{bid}")
    assert rec["status"] == "processing" and "embeddings" not in rec, {k: v for k, v in rec.items()}
    gateways.kill9(first)
    sizes_before = sim.counters("mixtral")["call_sizes"]
    assert sizes_before[0] == MIXTRAL_BATCH, sizes_before

    sim.control(model="mixtral", latency_ms=1)
    second = gateways.start(gateway_env(sim, redis, **extra), workdir=first.workdir if redis is None else None)
    done = poll_batches(second.port, [bid], timeout=45, interval=0.2)[bid]
    time.sleep(1.5)  # a duplicate run would show up as more calls
    sizes = sim.counters("mixtral")["call_sizes"]
    assert all(n <= MIXTRAL_BATCH for n in sizes), sizes
    # The restart sends every part anew, in order: nothing of the dead run is kept or counted twice.
    after = sizes[len(sizes_before):]
    # (the part in flight at the kill may still be answered into the void: it then shows here first)
    if after[:1] == [MIXTRAL_BATCH] and len(after) == 4:
        after = after[1:]
    assert after == [50, 50, 20], sizes
    assert done["items_count"] == TEXTS and done["completed_items"] == TEXTS
    assert len(done["embeddings"]) == TEXTS
    assert_vectors_close(done["embeddings"], sim.vectors("mixtral", texts), f"job {bid}")
    qs = get_json(second.port, "/api/v1/external/batch/queue/status")["queue_status"]
    assert qs["completed_jobs"] == 1 and qs["pending_jobs"] == 0 and qs["processing_jobs"] == 0, qs

    # A further restart finds nothing to do.
    gateways.kill9(second)
    calls = sim.counters("mixtral")["embed_calls"]
    third = gateways.start(gateway_env(sim, redis, **extra), workdir=first.workdir if redis is None else None)
    time.sleep(3)
    assert sim.counters("mixtral")["embed_calls"] == calls
    again = get_json(third.port, f"/api/v1/external/batch/{bid}")
    assert again["status"] == "completed" and len(again["embeddings"]) == TEXTS
