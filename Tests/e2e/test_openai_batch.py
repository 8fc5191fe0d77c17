"""The OpenAI Batch API (spec §8) with the unmodified `openai` SDK: files up, a batch over the
durable bulk queue, its output and error files down; a restart mid-batch (kill -9), cancel, a
malformed file, and two instances sharing one Redis."""
from __future__ import annotations

import json
import time
import uuid

import pytest

openai = pytest.importorskip("openai")

from services import gateway_env, gateways, redis_server, fresh_sim  # noqa: E402,F401


def client(gw, key: str = "unused") -> "openai.OpenAI":
    return openai.OpenAI(base_url=f"http://127.0.0.1:{gw.port}/v1", api_key=key, max_retries=0, timeout=30)


def jsonl(lines: list[dict]) -> bytes:
    return ("\n".join(json.dumps(l) for l in lines) + "\n").encode()


def wait_status(c, batch_id: str, final: set[str], timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    b = c.batches.retrieve(batch_id)
    while b.status not in final and time.monotonic() < deadline:
        time.sleep(0.2)
        b = c.batches.retrieve(batch_id)
    assert b.status in final, f"batch {batch_id} is {b.status} after {timeout}s: {b}"
    return b


def lines_of(c, file_id: str | None) -> dict[str, dict]:
    if file_id is None:
        return {}
    text = c.files.content(file_id).text
    return {l["custom_id"]: l for l in map(json.loads, text.splitlines()) if l}


def uniq(p: str) -> str:
    return f"{p}-{uuid.uuid4().hex[:8]}"


def test_an_embeddings_batch_over_several_models_with_one_bad_line(fresh_sim, gateways):
    sim = fresh_sim
    gw = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1))
    c = client(gw)
    texts = {f"e{i}": uniq(f"text{i}") for i in range(6)}
    requests = [{"custom_id": k, "method": "POST", "url": "/v1/embeddings",
                 "body": {"model": "mixtral" if i % 2 else "general", "input": t}} for i, (k, t) in enumerate(texts.items())]
    requests.append({"custom_id": "bad", "method": "POST", "url": "/v1/embeddings", "body": {"model": "general"}})
    f = c.files.create(file=("in.jsonl", jsonl(requests)), purpose="batch")
    assert f.purpose == "batch" and f.bytes > 0 and f.filename == "in.jsonl"
    assert c.files.retrieve(f.id).id == f.id
    assert c.files.content(f.id).content == jsonl(requests)
    b = c.batches.create(input_file_id=f.id, endpoint="/v1/embeddings", completion_window="24h",
                         metadata={"team": "search"})
    assert b.status == "validating" and b.endpoint == "/v1/embeddings" and b.metadata == {"team": "search"}
    b = wait_status(c, b.id, {"completed", "failed"})
    assert b.status == "completed", b
    assert b.request_counts.total == 7 and b.request_counts.completed == 6 and b.request_counts.failed == 1
    assert b.in_progress_at and b.finalizing_at and b.completed_at
    out = lines_of(c, b.output_file_id)
    assert set(out) == set(texts)
    for i, (k, t) in enumerate(texts.items()):
        model = "mixtral" if i % 2 else "general"
        resp = out[k]["response"]
        assert resp["status_code"] == 200 and out[k]["error"] is None
        emb = resp["body"]["data"][0]["embedding"]
        want = sim.vectors(model, [t])[0]
        assert len(emb) == len(want) and all(abs(a - b) < 1e-5 for a, b in zip(emb, want))
    err = lines_of(c, b.error_file_id)
    assert set(err) == {"bad"} and err["bad"]["response"] is None and err["bad"]["error"]["code"]
    # Lines were queued as bulk jobs and batched upstream by each model's batch_size.
    assert all(n <= 50 for n in sim.counters("mixtral")["call_sizes"])
    listed = c.batches.list(limit=10)
    assert b.id in [x.id for x in listed.data]


def test_a_chat_batch_and_a_completions_batch(fresh_sim, gateways):
    sim = fresh_sim
    gw = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1))
    c = client(gw)
    for endpoint, body_of in [
        ("/v1/chat/completions", lambda i: {"model": "hermes", "messages": [{"role": "user", "content": f"q{i}"}], "max_tokens": 8}),
        ("/v1/completions", lambda i: {"model": "deepseek", "prompt": f"p{i}", "max_tokens": 8}),
    ]:
        reqs = [{"custom_id": f"r{i}", "method": "POST", "url": endpoint, "body": body_of(i)} for i in range(5)]
        f = c.files.create(file=("in.jsonl", jsonl(reqs)), purpose="batch")
        b = wait_status(c, c.batches.create(input_file_id=f.id, endpoint=endpoint, completion_window="24h").id,
                        {"completed", "failed"})
        assert b.status == "completed" and b.request_counts.completed == 5, b
        out = lines_of(c, b.output_file_id)
        for i in range(5):
            body = out[f"r{i}"]["response"]["body"]
            ref = sim.generate(reqs[i]["body"]["model"], **{k: v for k, v in reqs[i]["body"].items() if k != "model"})
            if endpoint == "/v1/completions":
                assert body["object"] == "text_completion" and body["choices"][0]["text"] == ref["choices"][0]["text"]
            else:
                assert body["object"] == "chat.completion"
                assert body["choices"][0]["message"]["content"] == ref["choices"][0]["message"]["content"]
            assert body["usage"]["completion_tokens"] == ref["usage"]["completion_tokens"]


def test_a_malformed_file_fails_the_batch_with_numbered_errors(fresh_sim, gateways):
    gw = gateways.start(gateway_env(fresh_sim))
    c = client(gw)
    good = {"custom_id": "a", "method": "POST", "url": "/v1/embeddings", "body": {"model": "general", "input": "x"}}
    wrong = {"custom_id": "b", "method": "POST", "url": "/v1/chat/completions", "body": {}}
    f = c.files.create(file=("in.jsonl", jsonl([good, wrong]) + b"not json\n"), purpose="batch")
    b = wait_status(c, c.batches.create(input_file_id=f.id, endpoint="/v1/embeddings", completion_window="24h").id,
                    {"failed", "completed"})
    assert b.status == "failed" and b.failed_at
    assert [(e.line, e.code) for e in b.errors.data] == [(2, "mismatched_endpoint"), (3, "invalid_json_line")]


def test_cancel_fails_what_has_not_run(fresh_sim, gateways):
    sim = fresh_sim
    sim.control(model="imp", mode="hang")
    gw = gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=3600))
    c = client(gw)
    reqs = [{"custom_id": f"c{i}", "method": "POST", "url": "/v1/embeddings", "body": {"model": "imp", "input": f"t{i}"}}
            for i in range(5)]
    f = c.files.create(file=("in.jsonl", jsonl(reqs)), purpose="batch")
    b = wait_status(c, c.batches.create(input_file_id=f.id, endpoint="/v1/embeddings", completion_window="24h").id,
                    {"in_progress"})
    cancelling = c.batches.cancel(b.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at
    b = wait_status(c, b.id, {"cancelled"})
    assert b.request_counts.failed == 5 and b.output_file_id is None
    assert {l["error"]["code"] for l in lines_of(c, b.error_file_id).values()} == {"batch_cancelled"}
    with pytest.raises(openai.BadRequestError):
        c.batches.cancel(b.id)


@pytest.mark.parametrize("mode", ["embedded", "redis"])
def test_a_batch_survives_kill_9_and_finishes_on_restart(mode, fresh_sim, gateways, request):
    sim = fresh_sim
    redis = request.getfixturevalue("redis_server") if mode == "redis" else None
    sim.control(model="deepcoder", mode="hang")
    first = gateways.start(gateway_env(sim, redis, BULK_PROCESSING_INTERVAL=3600, PATTERN_QUEUE_CLAIM_TIMEOUT=2))
    c = client(first)
    reqs = [{"custom_id": f"k{i}", "method": "POST", "url": "/v1/embeddings",
             "body": {"model": "deepcoder", "input": uniq(f"k{i}")}} for i in range(8)]
    f = c.files.create(file=("in.jsonl", jsonl(reqs)), purpose="batch")
    b = wait_status(c, c.batches.create(input_file_id=f.id, endpoint="/v1/embeddings", completion_window="24h").id,
                    {"in_progress"})
    gateways.kill9(first)
    sim.control(model="deepcoder", mode="recover")
    second = gateways.start(gateway_env(sim, redis, BULK_PROCESSING_INTERVAL=1, PATTERN_QUEUE_CLAIM_TIMEOUT=2),
                            workdir=first.workdir if redis is None else None)
    c2 = client(second)
    done = wait_status(c2, b.id, {"completed", "failed"})
    assert done.status == "completed" and done.request_counts.completed == 8, done
    assert set(lines_of(c2, done.output_file_id)) == {r["custom_id"] for r in reqs}
    # Each line's job ran once: 8 texts upstream in all.
    assert sim.counters("deepcoder")["texts"] == 8


def test_two_instances_on_one_redis_share_files_and_batches(fresh_sim, gateways, redis_server):
    sim = fresh_sim
    a = gateways.start(gateway_env(sim, redis_server, BULK_PROCESSING_INTERVAL=1))
    b = gateways.start(gateway_env(sim, redis_server, BULK_PROCESSING_INTERVAL=1))
    ca, cb = client(a), client(b)
    reqs = [{"custom_id": f"s{i}", "method": "POST", "url": "/v1/embeddings", "body": {"model": "imp", "input": f"s{i}"}}
            for i in range(4)]
    f = ca.files.create(file=("in.jsonl", jsonl(reqs)), purpose="batch")
    assert cb.files.retrieve(f.id).bytes == f.bytes
    batch = cb.batches.create(input_file_id=f.id, endpoint="/v1/embeddings", completion_window="24h")
    done = wait_status(ca, batch.id, {"completed", "failed"})
    assert done.status == "completed" and done.request_counts.completed == 4
    assert cb.files.content(done.output_file_id).content == ca.files.content(done.output_file_id).content
    assert sim.counters("imp")["texts"] == 4
