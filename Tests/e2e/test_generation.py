"""Generation through the patterns (spec §7) on the release gateway against the simulator: whole
answers and Server-Sent Events over HTTP/1.1 and HTTP/2, both upstream dialects, queued jobs with
outputs (both queue modes, across kill -9), faults mid-stream, a client that leaves, token budgets
shared through Redis, and bad input named by field."""
from __future__ import annotations

import hashlib
import http.client
import json
import socket
import subprocess
import time
import uuid

import pytest

from services import (LOOPBACK, gateway_env, gateways, get_json, http as request, module_gateways,  # noqa: F401
                      poll_batches, redis_server, sim, fresh_sim)


def uniq(p: str) -> str:
    return f"{p}-{uuid.uuid4().hex[:10]}"


def post(port, path, body, headers=None, timeout=30):
    return request(port, "POST", path, body, headers=headers, timeout=timeout)


def sse_events(raw: bytes) -> list[tuple[str, dict]]:
    """A strict reader of the gateway's event stream: `event:` then one `data:` line, blank line."""
    events = []
    for block in raw.decode().split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), block
        events.append((lines[0][7:], json.loads(lines[1][6:])))
    return events


class EventStream:
    """Reads a streamed answer over HTTP/1.1 event by event, with the arrival time of each."""

    def __init__(self, port: int, path: str, body: dict, headers: dict | None = None):
        self.conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        self.t0 = time.monotonic()
        self.conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json", **(headers or {})})
        self.resp = self.conn.getresponse()
        self.buffer = b""

    def next(self):
        while b"\n\n" not in self.buffer:
            more = self.resp.read1(65536)
            if not more:
                return None
            self.buffer += more
        block, self.buffer = self.buffer.split(b"\n\n", 1)
        (event,) = sse_events(block + b"\n\n")
        return event[0], event[1], time.monotonic() - self.t0

    def all(self):
        out = []
        while (e := self.next()) is not None:
            out.append(e)
        return out

    def close(self):
        self.conn.close()


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim, REAL_TIME_TIMEOUT=5))


# ---------------------------------------------------------------- whole answers


@pytest.mark.parametrize("route,body", [
    ("generate", {"prompt": "Write a haiku about queues"}),
    ("chat", {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}]}),
])
def test_a_whole_answer_is_the_upstreams_text_and_usage(gw, sim, route, body):
    body = {**body, "max_tokens": 40, "seed": 3}
    r = post(gw.port, f"/api/v1/external/general/{route}", body)
    assert r.status == 200, r
    got = r.json()
    kw = {"prompt": body["prompt"]} if "prompt" in body else {"messages": body["messages"]}
    want = sim.generate("general", max_tokens=40, seed=3, **kw)
    choice = want["choices"][0]
    text = choice["text"] if route == "generate" else choice["message"]["content"]
    assert got["text"] == text and got["finish_reason"] == choice["finish_reason"]
    assert got["usage"] == want["usage"], (got["usage"], want["usage"])
    assert got["model"] == "general" and got["pattern"] == "real_time" and got["processing_mode"] == "real_time"
    assert got["endpoint"] == sim.url and got["cached"] is False and got["metadata"]["urgent"] is False
    assert ("message" in got) == (route == "chat")
    if route == "chat":
        assert got["message"] == {"role": "assistant", "content": text}
    assert r.headers.get("x-request-id") and "gateway;dur=" in r.headers.get("server-timing", "")
    sent = sim.counters("general")["last_generate_request"]
    assert sent["model"] == "general"


def test_the_ollama_dialect_gives_the_same_answer(sim, gateways, tmp_path):
    cfg = tmp_path / "ollama.yaml"
    cfg.write_text("models:\n  phi3: {dialect: ollama}\n")
    g = gateways.start(gateway_env(sim), extra_args=("--config", str(cfg)))
    body = {"prompt": "same text either way", "max_tokens": 12, "seed": 5}
    whole = post(g.port, "/api/v1/external/phi3/generate", body)
    assert whole.status == 200, whole
    sent = sim.counters("phi3")["last_generate_request"]
    assert sent["stream"] is False and sent["options"]["num_predict"] == 12 and sent["options"]["seed"] == 5
    want = sim.generate("phi3", prompt=body["prompt"], max_tokens=12, seed=5)["choices"][0]["text"]
    assert whole.json()["text"] == want
    streamed = EventStream(g.port, "/api/v1/external/phi3/generate", {**body, "stream": True}).all()
    assert "".join(d["text"] for e, d, _ in streamed if e == "delta") == want
    assert streamed[-1][0] == "done" and streamed[-1][1]["usage"] == whole.json()["usage"]


def test_metrics_count_tokens_time_to_first_token_and_tokens_per_second(gw):
    r = post(gw.port, "/api/v1/external/phi3/generate", {"prompt": uniq("count"), "max_tokens": 7})
    assert r.status == 200, r
    usage = r.json()["usage"]
    text = request(gw.port, "GET", "/metrics").body.decode()
    lines = {l.rsplit(" ", 1)[0]: float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l and not l.startswith("#")}
    assert lines['pattern_tokens_total{model="phi3",kind="completion",protocol="rest"}'] >= usage["completion_tokens"]
    assert lines['pattern_tokens_total{model="phi3",kind="prompt",protocol="rest"}'] >= usage["prompt_tokens"]
    assert lines['pattern_time_to_first_token_seconds_count{model="phi3"}'] >= 1
    assert lines['pattern_generation_duration_seconds_count{model="phi3"}'] >= 1
    m = get_json(gw.port, "/api/v1/external/patterns/metrics")["models"]["phi3"]["generation"]
    assert m["generations"] >= 1 and m["completion_tokens"] >= usage["completion_tokens"] and m["tokens_per_second"] > 0
    assert get_json(gw.port, "/api/v1/patterns/status")["models"]["phi3"]["tokens_per_second"] > 0


# ---------------------------------------------------------------- streams


def test_a_stream_reaches_the_client_while_the_upstream_is_still_generating(gw, sim):
    # 10 tokens at 5 a second: the upstream needs about 2 s; the first delta must not wait for it.
    sim.control(model="general", tokens_per_second=5, ttft_ms=20)
    try:
        s = EventStream(gw.port, "/api/v1/external/general/chat",
                        {"messages": [{"role": "user", "content": uniq("slow")}], "max_tokens": 10, "stream": True})
        assert s.resp.status == 200 and s.resp.getheader("Content-Type") == "text/event-stream"
        assert s.resp.getheader("Transfer-Encoding") == "chunked"
        events = s.all()
    finally:
        sim.control(model="general", tokens_per_second=200)
    names = [e for e, _, _ in events]
    assert names[0] == "start" and names[-1] == "done" and set(names[1:-1]) == {"delta"}, names
    start = events[0][1]
    assert start["model"] == "general" and start["pattern"] == "real_time" and start["endpoint"] == sim.url
    assert start["request_id"]
    first_delta = next(t for e, _, t in events if e == "delta")
    total = events[-1][2]
    assert total >= 1.5, f"the slow upstream took only {total:.2f}s"
    assert first_delta < total - 1.0, f"the first delta came at {first_delta:.2f}s of {total:.2f}s: buffered"
    done = events[-1][1]
    assert done["finish_reason"] == "length" and done["usage"]["completion_tokens"] == 10
    assert done["processing_time_ms"] > 0


def test_a_stream_over_http2(gw):
    p = subprocess.run(["curl", "-sN", "--http2-prior-knowledge", "-d",
                        json.dumps({"prompt": uniq("h2"), "max_tokens": 5, "stream": True}),
                        f"http://{LOOPBACK}:{gw.port}/api/v1/external/phi3/generate"],
                       capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    events = sse_events(p.stdout)
    assert events[0][0] == "start" and events[-1][0] == "done" and events[-1][1]["usage"]["completion_tokens"] == 5


def test_closing_the_client_connection_cancels_the_upstream_call(gw, sim):
    sim.control(model="phi3", tokens_per_second=4)
    try:
        before = sim.counters("phi3")["abandoned"]
        s = EventStream(gw.port, "/api/v1/external/phi3/generate", {"prompt": uniq("leave"), "max_tokens": 200, "stream": True})
        assert s.next()[0] == "start"
        assert s.next()[0] == "delta"
        s.conn.sock.shutdown(socket.SHUT_RDWR)
        s.close()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and sim.counters("phi3")["abandoned"] == before:
            time.sleep(0.05)
        assert sim.counters("phi3")["abandoned"] == before + 1, "the upstream call kept running"
    finally:
        sim.control(model="phi3", tokens_per_second=200)


@pytest.mark.parametrize("fault,code", [
    ({"cut_after_tokens": 3}, "upstream_error"),
    ({"error_event_after_tokens": 2}, "upstream_error"),
    ({"stall_after_tokens": 2}, "upstream_timeout"),
])
def test_a_failure_mid_stream_ends_with_an_error_event(sim, gateways, fault, code):
    g = gateways.start(gateway_env(sim, REAL_TIME_TIMEOUT=1))
    sim.control(model="general", **fault)
    try:
        events = EventStream(g.port, "/api/v1/external/general/generate",
                             {"prompt": uniq("fault"), "max_tokens": 20, "stream": True}).all()
    finally:
        sim.control(model="general", mode="recover")
    names = [e for e, _, _ in events]
    assert names[0] == "start" and names[-1] == "error" and "done" not in names, names
    assert events[-1][1]["error"]["code"] == code, events[-1]
    assert names.count("delta") >= 1


def test_a_failure_before_the_first_token_is_the_ordinary_error_answer_and_is_retried(sim, gateways):
    g = gateways.start(gateway_env(sim, PATTERN_RETRY_ATTEMPTS=2))
    before = sim.counters("general")["generate_calls"]
    sim.control(model="general", fail_next=1, status=503)
    events = EventStream(g.port, "/api/v1/external/general/generate",
                         {"prompt": uniq("retry"), "max_tokens": 4, "stream": True}).all()
    assert [e for e, _, _ in events][-1] == "done"
    assert sim.counters("general")["generate_calls"] - before == 2
    sim.control(model="general", mode="fail", status=500)
    try:
        r = post(g.port, "/api/v1/external/general/generate", {"prompt": "x", "stream": True})
        assert r.status == 502 and r.json()["error"]["code"] == "upstream_error", r
        assert r.headers.get("content-type") == "application/json"
    finally:
        sim.control(model="general", mode="recover")


# ---------------------------------------------------------------- queued generations


@pytest.mark.parametrize("model,body", [
    ("mixtral", {"prompt": "a queued completion", "max_tokens": 9}),
    ("hermes", {"messages": [{"role": "user", "content": "a queued chat"}], "max_tokens": 9}),
])
def test_bulk_and_non_urgent_hybrid_generations_are_jobs_with_outputs(gw, sim, model, body):
    r = post(gw.port, f"/api/v1/external/{model}/{'chat' if 'messages' in body else 'generate'}", body)
    assert r.status == 202, r
    q = r.json()
    assert q["status"] == "queued" and q["items_count"] == 1 and q["processing_mode"] == "bulk"
    rec = poll_batches(gw.port, [q["batch_id"]], timeout=30)[q["batch_id"]]
    assert rec["items_count"] == 1 and rec["completed_items"] == 1 and "embeddings" not in rec
    (out,) = rec["outputs"]
    kw = {"prompt": body["prompt"]} if "prompt" in body else {"messages": body["messages"]}
    want = sim.generate(model, max_tokens=9, **kw)["choices"][0]
    text = want.get("text") if "prompt" in body else want["message"]["content"]
    assert out["text"] == text and out["finish_reason"] == want["finish_reason"] and out["usage"]["completion_tokens"] > 0
    assert ("message" in out) == ("messages" in body)


def test_streaming_a_bulk_only_model_is_refused(gw):
    r = post(gw.port, "/api/v1/external/mixtral/generate", {"prompt": "x", "stream": True})
    assert r.status == 400, r
    e = r.json()["error"]
    assert e["code"] == "invalid_argument" and "bulk_only" in e["message"] and e["details"]["field"] == "stream"


@pytest.mark.parametrize("mode", ["embedded", "redis"])
def test_kill_9_with_queued_generations_then_each_completes_once(mode, fresh_sim, gateways, request):
    sim = fresh_sim
    redis = request.getfixturevalue("redis_server") if mode == "redis" else None
    sim.control(model="deepseek", mode="hang")
    first = gateways.start(gateway_env(sim, redis, BULK_PROCESSING_INTERVAL=3600, PATTERN_QUEUE_CLAIM_TIMEOUT=2))
    prompts = [uniq(f"durable-{i}") for i in range(12)]
    ids = []
    for p in prompts:
        r = post(first.port, "/api/v1/external/deepseek/generate", {"prompt": p, "max_tokens": 6})
        assert r.status == 202, r
        ids.append(r.json()["batch_id"])
    gateways.kill9(first)
    sim.control(model="deepseek", mode="recover")
    second = gateways.start(gateway_env(sim, redis, BULK_PROCESSING_INTERVAL=1, PATTERN_QUEUE_CLAIM_TIMEOUT=2),
                            workdir=first.workdir if redis is None else None)
    recs = poll_batches(second.port, ids, timeout=45)
    time.sleep(1.5)
    assert sim.counters("deepseek")["streams_completed"] == 0
    calls = sim.counters("deepseek")["generate_calls"]
    for p, bid in zip(prompts, ids):
        (out,) = recs[bid]["outputs"]
        assert out["text"] == sim.generate("deepseek", prompt=p, max_tokens=6)["choices"][0]["text"]
    assert sim.counters("deepseek")["generate_calls"] == calls + len(prompts)  # only the reference calls above
    assert calls == len(prompts), f"{calls} upstream generations for {len(prompts)} jobs"


# ---------------------------------------------------------------- token budgets and bad input


def test_a_tokens_per_minute_budget_is_shared_by_two_instances_on_one_redis(sim, gateways, redis_server, tmp_path):
    key = "pg-gen-" + uuid.uuid4().hex
    cfg = tmp_path / "tokens.yaml"
    cfg.write_text("security:\n  rate_limit: {rate: 1000, burst: 1000}\n  api_keys:\n"
                   f"    - name: gen-key\n      sha256: {hashlib.sha256(key.encode()).hexdigest()}\n"
                   "      role: write\n      tokens_per_minute: 100\n")
    a = gateways.start(gateway_env(sim, redis_server), extra_args=("--config", str(cfg)))
    b = gateways.start(gateway_env(sim, redis_server), extra_args=("--config", str(cfg)))
    auth = {"Authorization": f"Bearer {key}"}
    # 60 reserved on a, then 50 more cannot fit on b while a's call is out; after a settles (its
    # real count is small) they do.
    r = post(a.port, "/api/v1/external/general/generate", {"prompt": "budget", "max_tokens": 60}, headers=auth)
    assert r.status == 200, r
    used = r.json()["usage"]["total_tokens"]
    assert used < 60
    ok = post(b.port, "/api/v1/external/general/generate", {"prompt": "budget", "max_tokens": 100 - used - 2}, headers=auth)
    assert ok.status == 200, ok
    refused = post(a.port, "/api/v1/external/general/generate", {"prompt": "budget", "max_tokens": 60}, headers=auth)
    assert refused.status == 429, refused
    assert refused.json()["error"]["code"] == "rate_limited" and int(refused.headers["retry-after"]) >= 1


@pytest.mark.parametrize("route,body,field", [
    ("generate", {}, "prompt"),
    ("generate", {"prompt": ""}, "prompt"),
    ("generate", {"prompt": 7}, "prompt"),
    ("chat", {"messages": []}, "messages"),
    ("chat", {"messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
    ("chat", {"messages": [{"role": "user"}]}, "messages[0].content"),
    ("generate", {"prompt": "x", "max_tokens": 0}, "max_tokens"),
    ("generate", {"prompt": "x", "max_tokens": 5000}, "max_tokens"),
    ("generate", {"prompt": "x", "stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ("generate", {"prompt": "x", "stop": 3}, "stop"),
    ("generate", {"prompt": "x", "temperature": "hot"}, "temperature"),
    ("generate", {"prompt": "x", "stream": "yes"}, "stream"),
])
def test_bad_input_is_named_by_field(gw, route, body, field):
    r = post(gw.port, f"/api/v1/external/general/{route}", body)
    assert r.status == 400, r
    assert r.json()["error"]["details"]["field"] == field, r.json()
    assert request(gw.port, "GET", "/health").status == 200


def test_an_unknown_model_and_a_huge_prompt(gw):
    assert post(gw.port, "/api/v1/external/gpt5/generate", {"prompt": "x"}).status == 404
    r = post(gw.port, "/api/v1/external/general/generate", {"prompt": "x" * (1 << 20 + 1)})
    assert r.status == 413 and r.json()["error"]["code"] == "payload_too_large", r
