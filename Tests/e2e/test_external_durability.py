"""Embedded queue durability: accepted bulk jobs survive kill -9 (journal fsync'd on accept) and are
finished exactly once after a restart on the same --data-dir."""
from __future__ import annotations

import time
import uuid

from services import assert_vectors_close, embed, fresh_sim, gateway_env, gateways, get_json, poll_batches  # noqa: F401

JOBS = 100
TEXTS_PER_JOB = 2


def test_kill_9_with_100_queued_jobs_then_restart_completes_each_once(fresh_sim, gateways):
    sim = fresh_sim
    # Interval 3600 s: no timed flush before the kill. The size trigger still fires (mixtral's
    # batch_size is 50 texts and 100 jobs hold 200), so the worker may claim a batch while we
    # enqueue. The model therefore *hangs* during this phase: a claimed batch never gets an
    # answer, and the simulator counts texts only when it answers, so nothing is counted before
    # the kill. After the restart every text must then be embedded exactly once: the simulator's
    # mixtral text counter must be exactly JOBS × TEXTS_PER_JOB — a job replayed twice (or a batch
    # claimed before the kill and also re-queued twice) would push it higher, a lost job would
    # leave its batch id unfinished.
    sim.control(model="mixtral", mode="hang")
    first = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=3600))
    tag = uuid.uuid4().hex[:8]
    jobs: list[tuple[str, list[str]]] = []
    for i in range(JOBS):
        texts = [f"dur-{tag}-{i}-{k}" for k in range(TEXTS_PER_JOB)]
        r = embed(first.port, "mixtral", {"texts": texts})
        assert r.status == 202, f"job {i}: {r}"
        jobs.append((r.json()["batch_id"], texts))
    ids = [b for b, _ in jobs]
    assert len(set(ids)) == JOBS, "batch ids must be unique"
    gateways.kill9(first)

    sim.control(model="mixtral", mode="recover")
    assert sim.counters("mixtral")["texts"] == 0, sim.counters("mixtral")

    second = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1), workdir=first.workdir)
    assert second.data_dir == first.data_dir
    recs = poll_batches(second.port, ids, timeout=45, interval=0.3)
    # nothing else may trickle in afterwards (a duplicate replay would show up here)
    time.sleep(1.5)
    counted = sim.counters("mixtral")
    assert counted["texts"] == JOBS * TEXTS_PER_JOB, \
        f"simulator embedded {counted['texts']} mixtral texts for {JOBS * TEXTS_PER_JOB} accepted: {counted}"
    assert counted["failures"] == 0, counted

    # each job got its own vectors back (read counters first: this call counts as embed calls)
    all_texts = [t for _, ts in jobs for t in ts]
    want = sim.vectors("mixtral", all_texts)
    for n, (bid, texts) in enumerate(jobs):
        rec = recs[bid]
        assert rec["items_count"] == TEXTS_PER_JOB and rec["completed_items"] == TEXTS_PER_JOB, rec["items_count"]
        assert_vectors_close(rec["embeddings"], want[n * TEXTS_PER_JOB:(n + 1) * TEXTS_PER_JOB], f"job {bid}")
        assert rec["completed_at"], bid

    qs = get_json(second.port, "/api/v1/external/batch/queue/status")
    assert qs["queue_status"]["pending_jobs"] == 0 and qs["queue_status"]["processing_jobs"] == 0, qs
    assert qs["model_queues"]["mixtral"]["pending"] == 0, qs

    # and a third start replays nothing again
    gateways.kill9(second)
    before = sim.counters("mixtral")["texts"]
    third = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1), workdir=first.workdir)
    time.sleep(2.5)
    assert sim.counters("mixtral")["texts"] == before, "a restart re-embedded finished jobs"
    rec = get_json(third.port, f"/api/v1/external/batch/{ids[0]}")
    assert rec["status"] == "completed" and len(rec["embeddings"]) == TEXTS_PER_JOB, \
        {k: v for k, v in rec.items() if k != "embeddings"}


def test_sigterm_keeps_queued_jobs_too(fresh_sim, gateways):
    sim = fresh_sim
    first = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=3600))
    ids = []
    for i in range(5):
        r = embed(first.port, "deepseek", {"text": f"term-{uuid.uuid4().hex[:8]}-{i}"})
        assert r.status == 202, r
        body = r.json()
        # nothing flushes (interval 3600, 5 texts < batch_size 50): positions count up from 1
        assert body["queue_position"] == i + 1, body
        assert body["estimated_completion"] >= body["metadata"]["queued_at"], body
        ids.append(body["batch_id"])
    rec = get_json(first.port, f"/api/v1/external/batch/{ids[-1]}")
    assert rec["status"] == "queued" and rec["completed_items"] == 0 and rec["attempts"] == 0, rec
    assert "embeddings" not in rec and rec.get("completed_at") is None, rec
    qs = get_json(first.port, "/api/v1/external/batch/queue/status")
    assert qs["model_queues"]["deepseek"]["pending"] == 5, qs["model_queues"]
    assert qs["queue_status"]["pending_jobs"] >= 5, qs["queue_status"]
    rc = first.stop()
    first.checked = True
    assert rc == 0, f"SIGTERM exit status {rc}"
    second = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1), workdir=first.workdir)
    poll_batches(second.port, ids, timeout=15)
    assert sim.counters("deepseek")["texts"] == 5, sim.counters("deepseek")


def test_queue_full_is_429_with_retry_after(fresh_sim, gateways):
    """The per-model queue limit (10,000 queued jobs by default): mixtral hangs, so its worker holds
    one batch (50) and the rest stays queued; 10,400 one-text jobs over 4 keep-alive connections."""
    import http.client as hc
    import json
    import threading

    sim = fresh_sim
    sim.control(model="mixtral", mode="hang")
    gw = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=3600))
    counts: dict[int, int] = {}
    sample: list = []
    lock = threading.Lock()

    def worker(k: int) -> None:
        c = hc.HTTPConnection("127.0.0.1", gw.port, timeout=10)
        try:
            for i in range(2600):
                c.request("POST", "/api/v1/external/mixtral/embed", body=json.dumps({"text": f"qf{k}-{i}"}),
                          headers={"Content-Type": "application/json"})
                r = c.getresponse()
                body = r.read()
                with lock:
                    counts[r.status] = counts.get(r.status, 0) + 1
                    if r.status == 429 and not sample:
                        sample.append(({h.lower(): v for h, v in r.getheaders()}, body))
        finally:
            c.close()

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "enqueueing took over 60 s"
    assert set(counts) <= {202, 429}, counts
    assert 10_000 <= counts.get(202, 0) <= 10_000 + MIXTRAL_BATCH, counts
    assert counts.get(429, 0) >= 10_400 - 10_000 - MIXTRAL_BATCH, counts
    headers, body = sample[0]
    assert headers.get("retry-after", "").isdigit(), headers
    doc = json.loads(body)
    assert doc["error"]["code"] == "queue_full" and doc["request_id"] == headers.get("x-request-id"), doc
    # the limit is per model
    assert embed(gw.port, "deepseek", {"text": "other model"}).status == 202
    sim.control(model="mixtral", mode="recover")


def test_queue_limit_is_configurable(fresh_sim, gateways):
    """PATTERN_QUEUE_LIMIT=100: mixtral hangs and its worker holds one batch (50) in processing; once it
    does, exactly 100 more jobs fit, so 150 are accepted in all and the next one is refused."""
    sim = fresh_sim
    sim.control(model="mixtral", mode="hang")
    gw = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=3600, PATTERN_QUEUE_LIMIT=100))
    statuses = [embed(gw.port, "mixtral", {"text": f"ql-{i}"}).status for i in range(200)]
    assert set(statuses) <= {202, 429}, statuses
    assert 100 <= statuses.count(202) <= 100 + MIXTRAL_BATCH, statuses.count(202)
    # the worker claims its full batch asynchronously; wait until it holds it, then top the queue up
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        qs = get_json(gw.port, "/api/v1/external/batch/queue/status")["queue_status"]
        if qs["processing_jobs"] == MIXTRAL_BATCH:
            break
        time.sleep(0.05)
    assert qs["processing_jobs"] == MIXTRAL_BATCH, qs
    more = []
    for i in range(MIXTRAL_BATCH + 1):
        more.append(embed(gw.port, "mixtral", {"text": f"ql-more-{i}"}).status)
        if more[-1] == 429:
            break
    assert more[-1] == 429, more
    assert statuses.count(202) + more.count(202) == 100 + MIXTRAL_BATCH, (statuses.count(202), more)
    qs = get_json(gw.port, "/api/v1/external/batch/queue/status")
    assert qs["model_queues"]["mixtral"]["pending"] == 100, qs
    sim.control(model="mixtral", mode="recover")


MIXTRAL_BATCH = 50
