"""The model-server simulator behaves like vLLM / Ollama: real HTTP, the model's dimensions,
deterministic unit vectors, latency, injected faults."""
from __future__ import annotations

import json
import math
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from helpers import LOOPBACK, gateway_bin, free_ports

SIZES = {"mixtral": 4096, "hermes": 4096, "openchat": 4096, "phi3": 2048, "yi34b": 4096,
         "deepcoder": 1024, "imp": 2048, "deepseek": 4096, "general": 384}


def sim_bin():
    return gateway_bin().parent / "pattern-upstream-sim"


@pytest.fixture(scope="module")
def sim():
    if not sim_bin().exists():
        pytest.skip(f"{sim_bin()} not built")
    port = free_ports(1)[0]
    proc = subprocess.Popen([str(sim_bin()), "--port", str(port), "--latency-ms", "20", "--jitter-ms", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    assert "all models" in line, line
    yield port
    proc.terminate()
    assert proc.wait(timeout=10) == 0


def post(port, path, body, timeout=5):
    req = urllib.request.Request(f"http://{LOOPBACK}:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


@pytest.mark.parametrize("model,size", sorted(SIZES.items()))
def test_openai_dialect_gives_the_models_dimension(sim, model, size):
    status, _, body = post(sim, "/v1/embeddings", {"model": model, "input": ["a", "b", "c"]})
    assert status == 200
    assert body["object"] == "list" and body["model"] == model
    assert [d["index"] for d in body["data"]] == [0, 1, 2]
    for d in body["data"]:
        assert len(d["embedding"]) == size
        assert math.isclose(sum(x * x for x in d["embedding"]), 1.0, rel_tol=1e-4)
    assert body["usage"]["total_tokens"] >= 3


def test_ollama_dialects_and_determinism(sim):
    s1, _, a = post(sim, "/api/embed", {"model": "general", "input": ["same text"]})
    s2, _, b = post(sim, "/api/embeddings", {"model": "general", "prompt": "same text"})
    s3, _, c = post(sim, "/v1/embeddings", {"model": "general", "input": "other text"})
    assert (s1, s2, s3) == (200, 200, 200)
    assert a["embeddings"][0] == b["embedding"]
    assert a["embeddings"][0] != c["data"][0]["embedding"]


def test_bad_input_is_a_vllm_style_400(sim):
    status, _, body = post(sim, "/v1/embeddings", {"model": "general"})
    assert status == 400 and body["object"] == "error" and body["code"] == 400


def test_latency_is_applied(sim):
    t = time.monotonic()
    post(sim, "/v1/embeddings", {"model": "general", "input": "x"})
    assert time.monotonic() - t >= 0.018


def test_fail_wrong_dimensions_and_recover(sim):
    status, _, _ = post(sim, "/control", {"model": "imp", "mode": "fail", "status": 503, "retry_after": 2})
    assert status == 200
    status, headers, _ = post(sim, "/v1/embeddings", {"model": "imp", "input": "x"})
    assert status == 503 and headers.get("Retry-After") == "2"
    post(sim, "/control", {"model": "imp", "mode": "wrong_dimensions"})
    status, _, body = post(sim, "/v1/embeddings", {"model": "imp", "input": "x"})
    assert status == 200 and len(body["data"][0]["embedding"]) == SIZES["imp"] // 2
    post(sim, "/control", {"model": "imp", "mode": "recover"})
    status, _, body = post(sim, "/v1/embeddings", {"model": "imp", "input": "x"})
    assert status == 200 and len(body["data"][0]["embedding"]) == SIZES["imp"]
    with urllib.request.urlopen(f"http://{LOOPBACK}:{sim}/control", timeout=5) as r:
        state = json.loads(r.read())
    assert state["models"]["imp"]["failures"] == 1 and state["models"]["imp"]["embed_calls"] >= 3


# --------------------------------------------------------------------------- generation

import http.client  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
from contextlib import contextmanager  # noqa: E402

CHAT = [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Name a colour."}]


def state(port) -> dict:
    with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/control", timeout=5) as r:
        return json.loads(r.read())["models"]


@contextmanager
def faults(port, model, **settings):
    """The model's generation faults or pace for one block; `recover` after, whatever happens."""
    status, _, body = post(port, "/control", {"model": model, **settings})
    assert status == 200, body
    try:
        yield
    finally:
        post(port, "/control", {"model": model, "mode": "recover"})


def wait_for(predicate, timeout=1.0, interval=0.02):
    """Polls until predicate() is true; False after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def stream(port, path, body, timeout=10):
    """A streamed call read line by line as it arrives: (response, [(seconds since the request, line)])."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    t0 = time.monotonic()
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    lines = []
    try:
        while line := resp.readline():
            lines.append((time.monotonic() - t0, line))
    finally:
        conn.close()
    return resp, lines


def sse_payloads(raw: bytes) -> list[str]:
    """Strict: every event is exactly one `data: ` line and a blank line, nothing else, and the
    stream is whole events only."""
    text = raw.decode()
    assert "\r" not in text and text.endswith("\n\n"), text[-200:]
    events = text[:-2].split("\n\n")
    for e in events:
        assert "\n" not in e and e.startswith("data: "), repr(e)
    return [e[len("data: "):] for e in events]


def sse(port, path, body):
    """(response, chunks as JSON, raw body) of a streamed OpenAI-dialect call ending in [DONE]."""
    resp, lines = stream(port, path, body)
    assert resp.status == 200 and resp.getheader("Content-Type").startswith("text/event-stream")
    payloads = sse_payloads(b"".join(line for _, line in lines))
    assert payloads[-1] == "[DONE]" and "[DONE]" not in payloads[:-1]
    return resp, [json.loads(p) for p in payloads[:-1]], lines


def ndjson(port, path, body):
    """(response, objects) of a streamed Ollama-dialect call: one JSON object per line."""
    resp, lines = stream(port, path, body)
    assert resp.status == 200 and resp.getheader("Content-Type") == "application/x-ndjson"
    objects = []
    for _, line in lines:
        assert line.endswith(b"\n") and line.count(b"\n") == 1, line
        objects.append(json.loads(line))
    return resp, objects


def raw_exchange(port, path, body, timeout=5):
    """Sends one HTTP/1.1 request on a bare socket and reads until the server closes it: the raw bytes."""
    data = json.dumps(body).encode()
    with socket.create_connection((LOOPBACK, port), timeout=timeout) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n"
                  f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def dechunk(raw: bytes) -> tuple[bytes, bool]:
    """A chunked body's data and whether its last (zero-size) chunk came."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower(), head
    data = b""
    while rest:
        size_line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        size = int(size_line, 16)
        if size == 0:
            return data, rest == b"\r\n"
        assert len(rest) >= size + 2 and rest[size:size + 2] == b"\r\n", "a chunk cut in the middle"
        data, rest = data + rest[:size], rest[size + 2:]
    return data, False


def completion_text(port, model, prompt, **options):
    status, _, body = post(port, "/v1/completions", {"model": model, "prompt": prompt, **options})
    assert status == 200, body
    return body


# whole answers -------------------------------------------------------------

def test_completions_whole_answer_is_vllm_shaped(sim):
    status, headers, body = post(sim, "/v1/completions", {"model": "phi3", "prompt": "hello there, model", "max_tokens": 5,
                                                          "temperature": 0.7, "top_p": 0.9, "seed": 3})
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert body["id"].startswith("cmpl-") and len(body["id"]) == len("cmpl-") + 32
    assert body["object"] == "text_completion" and body["model"] == "phi3"
    assert isinstance(body["created"], int) and abs(body["created"] - time.time()) < 60
    (choice,) = body["choices"]
    assert choice["index"] == 0 and choice["logprobs"] is None and choice["finish_reason"] == "length"
    words = choice["text"].split(" ")
    assert len(words) == 6 and words[-1] == "" and all(w.isalpha() for w in words[:-1])
    assert body["usage"] == {"prompt_tokens": len("hello there, model") // 4, "completion_tokens": 5, "total_tokens": 4 + 5}


def test_chat_whole_answer_is_vllm_shaped(sim):
    status, _, body = post(sim, "/v1/chat/completions", {"model": "phi3", "messages": CHAT, "max_tokens": 7})
    assert status == 200
    assert body["id"].startswith("chatcmpl-") and body["object"] == "chat.completion"
    (choice,) = body["choices"]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] == "length"
    assert len(choice["message"]["content"].split()) == 7
    prompt_tokens = sum(len(m["content"]) // 4 + 4 for m in CHAT)
    assert body["usage"] == {"prompt_tokens": prompt_tokens, "completion_tokens": 7, "total_tokens": prompt_tokens + 7}


def test_ollama_whole_answers(sim):
    status, _, gen = post(sim, "/api/generate", {"model": "phi3", "prompt": "hello there, model", "stream": False,
                                                 "options": {"num_predict": 5, "seed": 3, "temperature": 0.2}})
    assert status == 200
    assert gen["model"] == "phi3" and gen["done"] is True and gen["done_reason"] == "length"
    assert gen["created_at"].endswith("Z") and gen["created_at"][:2] == "20"
    assert gen["prompt_eval_count"] == 4 and gen["eval_count"] == 5
    assert gen["total_duration"] >= gen["prompt_eval_duration"] > 0 and gen["eval_duration"] >= 0
    assert gen["response"] == completion_text(sim, "phi3", "hello there, model", max_tokens=5, seed=3)["choices"][0]["text"]
    status, _, chat = post(sim, "/api/chat", {"model": "phi3", "messages": CHAT, "stream": False, "options": {"num_predict": 7}})
    assert status == 200 and chat["done"] is True and chat["message"]["role"] == "assistant"
    _, _, openai_chat = post(sim, "/v1/chat/completions", {"model": "phi3", "messages": CHAT, "max_tokens": 7})
    assert chat["message"]["content"] == openai_chat["choices"][0]["message"]["content"]
    assert chat["eval_count"] == 7 and chat["prompt_eval_count"] == openai_chat["usage"]["prompt_tokens"]


def test_text_depends_on_model_prompt_and_seed_only(sim):
    def text(model="general", prompt="p", **kw):
        return completion_text(sim, model, prompt, max_tokens=64, **kw)["choices"][0]["text"]
    assert text(seed=1) == text(seed=1) == text(seed=1, temperature=1.5)
    assert text(seed=1) != text(seed=2)
    assert text() != text(prompt="q")
    assert text() != text(model="phi3")
    # Chat and completion of "the same words" are different requests.
    _, _, chat = post(sim, "/v1/chat/completions", {"model": "general", "messages": [{"role": "user", "content": "p"}]})
    assert chat["choices"][0]["message"]["content"] != text()


def test_natural_end_and_max_tokens(sim):
    for prompt in ["a", "b", "c", "d"]:
        body = completion_text(sim, "general", prompt, max_tokens=1000)
        n = body["usage"]["completion_tokens"]
        assert 8 <= n <= 64 and body["choices"][0]["finish_reason"] == "stop"
        assert len(body["choices"][0]["text"].split()) == n
        exact = completion_text(sim, "general", prompt, max_tokens=n)
        assert exact["choices"][0]["finish_reason"] == "length" and exact["choices"][0]["text"] == body["choices"][0]["text"]
        short = completion_text(sim, "general", prompt, max_tokens=3)
        assert short["choices"][0]["finish_reason"] == "length" and short["usage"]["completion_tokens"] == 3
        assert body["choices"][0]["text"].startswith(short["choices"][0]["text"])
    # vLLM's default for the legacy route is 16 tokens.
    assert completion_text(sim, "general", "e")["usage"]["completion_tokens"] <= 16


def test_stop_strings(sim):
    full = completion_text(sim, "general", "stop me", max_tokens=64)["choices"][0]["text"]
    words = full.split()
    assert len(words) >= 8
    single = " " + words[4] + " "
    spanning = words[5] + " " + words[6]          # across two tokens: both come back empty
    for stop in [single, [spanning, "zzz"], [spanning, single]]:
        first = min(full.find(s) for s in ([stop] if isinstance(stop, str) else stop) if s in full)
        body = completion_text(sim, "general", "stop me", max_tokens=64, stop=stop)
        (choice,) = body["choices"]
        assert choice["text"] == full[:first] and choice["finish_reason"] == "stop"
        assert choice["stop_reason"] in ([stop] if isinstance(stop, str) else stop)
        _, chunks, _ = sse(sim, "/v1/completions", {"model": "general", "prompt": "stop me", "max_tokens": 64,
                                                     "stop": stop, "stream": True})
        assert "".join(c["choices"][0]["text"] for c in chunks) == full[:first]
        assert len(chunks) == body["usage"]["completion_tokens"]
        status, _, gen = post(sim, "/api/generate", {"model": "general", "prompt": "stop me", "stream": False,
                                                     "options": {"num_predict": 64, "stop": stop}})
        assert gen["response"] == full[:first] and gen["done_reason"] == "stop"


# streaming -----------------------------------------------------------------

def test_chat_stream_framing(sim):
    body = {"model": "hermes", "messages": CHAT, "max_tokens": 6, "stream": True, "stream_options": {"include_usage": True}}
    resp, chunks, _ = sse(sim, "/v1/chat/completions", body)
    whole = post(sim, "/v1/chat/completions", {"model": "hermes", "messages": CHAT, "max_tokens": 6})[2]
    ids = {c["id"] for c in chunks}
    assert len(ids) == 1 and ids.pop().startswith("chatcmpl-")
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "hermes" for c in chunks)
    content, usage = chunks[:-1], chunks[-1]
    assert content[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert all("role" not in c["choices"][0]["delta"] for c in content[1:])
    assert [c["choices"][0]["finish_reason"] for c in content] == [None] * 6 + ["length"]
    assert "".join(c["choices"][0]["delta"]["content"] for c in content) == whole["choices"][0]["message"]["content"]
    assert usage["choices"] == [] and usage["usage"] == whole["usage"]
    # Without include_usage: no usage chunk, and none carries usage.
    _, chunks, _ = sse(sim, "/v1/chat/completions", {**body, "stream_options": None})
    assert len(chunks) == 7 and all("usage" not in c and c["choices"] for c in chunks)


def test_completion_stream_framing(sim):
    body = {"model": "hermes", "prompt": "stream it", "max_tokens": 64, "seed": 9}
    whole = post(sim, "/v1/completions", body)[2]
    _, chunks, _ = sse(sim, "/v1/completions", {**body, "stream": True, "stream_options": {"include_usage": True}})
    content, usage = chunks[:-1], chunks[-1]
    assert all(c["object"] == "text_completion" and c["id"].startswith("cmpl-") for c in chunks)
    assert len(content) == whole["usage"]["completion_tokens"]
    assert all(len(c["choices"][0]["text"].split()) == 1 for c in content)     # one token, one piece
    assert "".join(c["choices"][0]["text"] for c in content) == whole["choices"][0]["text"]
    assert [c["choices"][0]["finish_reason"] for c in content][-2:] == [None, whole["choices"][0]["finish_reason"]]
    assert usage["choices"] == [] and usage["usage"] == whole["usage"]


def test_ollama_streams_by_default_as_ndjson(sim):
    _, gen = ndjson(sim, "/api/generate", {"model": "hermes", "prompt": "stream it", "options": {"num_predict": 64, "seed": 9}})
    pieces, last = gen[:-1], gen[-1]
    assert all(o["done"] is False and o["model"] == "hermes" and "created_at" in o for o in pieces)
    whole = post(sim, "/v1/completions", {"model": "hermes", "prompt": "stream it", "max_tokens": 64, "seed": 9})[2]
    assert "".join(o["response"] for o in pieces) == whole["choices"][0]["text"]
    assert last["done"] is True and last["response"] == "" and last["done_reason"] == whole["choices"][0]["finish_reason"]
    assert last["eval_count"] == len(pieces) == whole["usage"]["completion_tokens"]
    assert last["prompt_eval_count"] == whole["usage"]["prompt_tokens"]
    _, chat = ndjson(sim, "/api/chat", {"model": "hermes", "messages": CHAT, "stream": True, "options": {"num_predict": 5}})
    assert [o["done"] for o in chat] == [False] * 5 + [True]
    assert all(o["message"]["role"] == "assistant" for o in chat) and chat[-1]["message"]["content"] == ""
    assert chat[-1]["done_reason"] == "length" and chat[-1]["eval_count"] == 5
    whole_chat = post(sim, "/api/chat", {"model": "hermes", "messages": CHAT, "stream": False, "options": {"num_predict": 5}})[2]
    assert "".join(o["message"]["content"] for o in chat) == whole_chat["message"]["content"]


def test_openai_sdk_reads_both_kinds(sim):
    """The official client, when the venv has it (it is not a dependency of this suite)."""
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"http://{LOOPBACK}:{sim}/v1", api_key="unused", max_retries=0)
    done = client.completions.create(model="phi3", prompt="sdk", max_tokens=4)
    assert done.choices[0].finish_reason == "length" and done.usage.completion_tokens == 4
    chunks = client.chat.completions.create(model="phi3", messages=CHAT, max_tokens=4, stream=True,
                                            stream_options={"include_usage": True})
    pieces, usage = [], None
    for c in chunks:
        if c.choices:
            pieces.append(c.choices[0].delta.content or "")
        else:
            usage = c.usage
    whole = client.chat.completions.create(model="phi3", messages=CHAT, max_tokens=4)
    assert "".join(pieces) == whole.choices[0].message.content and usage.completion_tokens == 4


# pace ------------------------------------------------------------------------

def data_times(lines):
    return [t for t, line in lines if line.startswith(b"data: {")]


def test_time_to_first_token_and_tokens_per_second(sim):
    with faults(sim, "deepcoder", ttft_ms=300, tokens_per_second=20):
        assert state(sim)["deepcoder"]["ttft_ms"] == 300 and state(sim)["deepcoder"]["tokens_per_second"] == 20
        body = {"model": "deepcoder", "prompt": "pace", "max_tokens": 8}
        _, _, lines = sse(sim, "/v1/completions", {**body, "stream": True})
        times = data_times(lines)
        assert len(times) == 8
        assert 0.28 <= times[0] < 2.0, times                # the first token after the configured wait
        assert 0.30 <= times[-1] - times[0] < 3.0, times    # 7 more at 50 ms each, as they come
        t0 = time.monotonic()
        post(sim, "/v1/completions", body)
        assert 0.6 <= time.monotonic() - t0 < 4.0           # a whole answer waits for its last token
    with faults(sim, "deepcoder", slow_tokens_ms=100):
        t0 = time.monotonic()
        post(sim, "/api/generate", {"model": "deepcoder", "prompt": "pace", "stream": False, "options": {"num_predict": 5}})
        assert 0.5 <= time.monotonic() - t0 < 4.0           # 5 tokens, each 100 ms late
    assert state(sim)["deepcoder"]["ttft_ms"] == 20         # recover: the command line's defaults again


def test_pace_options_on_the_command_line():
    port = free_ports(1)[0]
    proc = subprocess.Popen([str(sim_bin()), "--port", str(port), "--ttft-ms", "250", "--tokens-per-second", "40"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "all models" in proc.stdout.readline()
        assert state(port)["imp"]["ttft_ms"] == 250 and state(port)["imp"]["tokens_per_second"] == 40
        _, _, lines = sse(port, "/v1/completions", {"model": "imp", "prompt": "x", "max_tokens": 5, "stream": True})
        times = data_times(lines)
        assert 0.23 <= times[0] < 2.0 and 0.08 <= times[-1] - times[0] < 2.0
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


# faults ----------------------------------------------------------------------

def deltas(before, after):
    return {k: after[k] - before[k] for k in ("generate_calls", "streams_started", "streams_completed", "tokens_sent",
                                               "abandoned", "generate_failures")}


def test_failures_before_the_first_token(sim):
    before = state(sim)["deepseek"]
    with faults(sim, "deepseek", mode="fail", status=503, retry_after=1):
        status, headers, body = post(sim, "/v1/chat/completions", {"model": "deepseek", "messages": CHAT, "stream": True})
        assert status == 503 and headers["Retry-After"] == "1" and headers["Content-Type"] == "application/json"
        assert body["object"] == "error" and body["code"] == 503
        status, _, body = post(sim, "/api/generate", {"model": "deepseek", "prompt": "x"})
        assert status == 503 and body == {"error": "injected failure"}
    with faults(sim, "deepseek", fail_next=2, status=500):
        assert post(sim, "/v1/completions", {"model": "deepseek", "prompt": "x", "stream": True})[0] == 500
        assert post(sim, "/api/chat", {"model": "deepseek", "messages": CHAT, "stream": False})[0] == 500
        assert state(sim)["deepseek"]["fail_next"] == 0
        assert post(sim, "/v1/completions", {"model": "deepseek", "prompt": "x"})[0] == 200
    d = deltas(before, state(sim)["deepseek"])
    assert d["generate_calls"] == 5 and d["generate_failures"] == 4 and d["streams_started"] == 0


def test_cut_after_tokens_closes_without_the_end_marker(sim):
    with faults(sim, "yi34b", cut_after_tokens=3):
        before = state(sim)["yi34b"]
        raw = raw_exchange(sim, "/v1/completions", {"model": "yi34b", "prompt": "cut", "max_tokens": 10, "stream": True})
        assert raw.startswith(b"HTTP/1.1 200")
        data, complete = dechunk(raw)
        assert not complete                                  # no zero-size chunk: the body stops short
        payloads = sse_payloads(data)
        assert len(payloads) == 3 and "[DONE]" not in payloads
        assert all(json.loads(p)["choices"][0]["finish_reason"] is None for p in payloads)
        data, complete = dechunk(raw_exchange(sim, "/api/chat", {"model": "yi34b", "messages": CHAT}))
        assert not complete and [json.loads(line)["done"] for line in data.splitlines()] == [False] * 3
        # A whole answer is cut before any of it: the connection closes with no response at all.
        assert raw_exchange(sim, "/v1/completions", {"model": "yi34b", "prompt": "cut", "max_tokens": 10}) == b""
        # http.client calls it what it is.
        conn = http.client.HTTPConnection(LOOPBACK, sim, timeout=5)
        conn.request("POST", "/v1/completions", body=json.dumps({"model": "yi34b", "prompt": "cut", "stream": True}))
        with pytest.raises(http.client.IncompleteRead):
            conn.getresponse().read()
        conn.close()
        assert wait_for(lambda: deltas(before, state(sim)["yi34b"]) == {
            "generate_calls": 4, "streams_started": 3, "streams_completed": 0, "tokens_sent": 9, "abandoned": 0,
            "generate_failures": 4})
        # Past the answer's end the fault never strikes.
        assert post(sim, "/v1/completions", {"model": "yi34b", "prompt": "cut", "max_tokens": 2})[0] == 200


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_cut_over_h2c_resets_the_stream(sim):
    with faults(sim, "yi34b", cut_after_tokens=2):
        r = subprocess.run(["curl", "-sS", "-N", "--http2-prior-knowledge", "--max-time", "5",
                            f"http://{LOOPBACK}:{sim}/v1/completions", "-d",
                            json.dumps({"model": "yi34b", "prompt": "cut", "stream": True})],
                           capture_output=True, text=True, timeout=10)
    assert r.returncode == 92, (r.returncode, r.stderr)     # CURLE_HTTP2_STREAM: RST_STREAM, not END_STREAM
    # curl drops what it read in the same pass as the reset, so "some" tokens show, or none when
    # the tokens and the reset arrive in one read (a busy machine); never the end of the stream.
    assert (r.stdout == "" or r.stdout.startswith("data: {")) and "[DONE]" not in r.stdout, r.stdout


def test_error_event_after_tokens(sim):
    with faults(sim, "yi34b", error_event_after_tokens=2):
        _, chunks, _ = sse(sim, "/v1/chat/completions", {"model": "yi34b", "messages": CHAT, "stream": True})
        assert [c["choices"][0]["delta"]["content"] != "" for c in chunks[:3]] == [False, True, True]
        error = chunks[-1]["error"]                          # then [DONE], as vLLM ends every stream
        assert len(chunks) == 4 and error["object"] == "error" and error["code"] == 500 and error["message"]
        _, lines = stream(sim, "/api/generate", {"model": "yi34b", "prompt": "x"})
        objects = [json.loads(line) for _, line in lines]
        assert [o.get("done") for o in objects] == [False, False, None] and "error" in objects[-1]
        status, _, body = post(sim, "/v1/completions", {"model": "yi34b", "prompt": "x"})
        assert status == 500 and body["type"] == "InternalServerError"


def test_stall_after_tokens_goes_silent_until_the_client_leaves(sim):
    with faults(sim, "openchat", stall_after_tokens=2):
        before = state(sim)["openchat"]
        conn = http.client.HTTPConnection(LOOPBACK, sim, timeout=0.8)
        conn.request("POST", "/v1/completions", body=json.dumps({"model": "openchat", "prompt": "x", "stream": True}))
        resp = conn.getresponse()
        got = []
        with pytest.raises(TimeoutError):
            while line := resp.readline():
                got.append(line)
        assert sum(line.startswith(b"data: {") for line in got) == 2
        assert deltas(before, state(sim)["openchat"])["abandoned"] == 0
        conn.close()
        assert wait_for(lambda: deltas(before, state(sim)["openchat"])["abandoned"] == 1)


# abandoned calls -------------------------------------------------------------

def test_a_client_closing_mid_stream_is_counted_at_once(sim):
    with faults(sim, "openchat", tokens_per_second=10):
        for path, body in [("/v1/chat/completions", {"messages": CHAT, "max_tokens": 50, "stream": True}),
                           ("/api/generate", {"prompt": "x", "options": {"num_predict": 50}})]:
            before = state(sim)["openchat"]
            conn = http.client.HTTPConnection(LOOPBACK, sim, timeout=5)
            conn.request("POST", path, body=json.dumps({"model": "openchat", **body}))
            resp = conn.getresponse()
            pieces = 0
            while pieces < 2:
                if resp.readline().strip():
                    pieces += 1
            closed_at = time.monotonic()
            conn.close()
            assert wait_for(lambda: deltas(before, state(sim)["openchat"])["abandoned"] == 1)
            assert time.monotonic() - closed_at < 1.0
            sent = deltas(before, state(sim)["openchat"])["tokens_sent"]
            time.sleep(0.3)                                 # nothing more is produced for nobody
            d = deltas(before, state(sim)["openchat"])
            assert d["tokens_sent"] == sent <= 4 and d["streams_completed"] == 0


def test_a_client_leaving_a_whole_answer_or_a_hang_is_counted(sim):
    for settings in [{"ttft_ms": 5000}, {"mode": "hang"}]:
        with faults(sim, "openchat", **settings):
            before = state(sim)["openchat"]
            conn = http.client.HTTPConnection(LOOPBACK, sim, timeout=0.3)
            conn.request("POST", "/v1/completions", body=json.dumps({"model": "openchat", "prompt": "x"}))
            with pytest.raises(TimeoutError):
                conn.getresponse()
            conn.close()
            assert wait_for(lambda: deltas(before, state(sim)["openchat"])["abandoned"] == 1), settings
    # A call answered in full is never abandoned, whoever closes first afterwards.
    before = state(sim)["openchat"]
    sse(sim, "/v1/completions", {"model": "openchat", "prompt": "x", "stream": True})
    post(sim, "/api/chat", {"model": "openchat", "messages": CHAT, "stream": False})
    assert wait_for(lambda: deltas(before, state(sim)["openchat"])["streams_completed"] == 1)
    assert deltas(before, state(sim)["openchat"])["abandoned"] == 0


# counters and what the caller sent ---------------------------------------------

def test_counters_and_last_request(sim):
    before = state(sim)["mixtral"]
    body = {"model": "mixtral", "prompt": "count me", "max_tokens": 3, "temperature": 0, "top_p": 1, "stop": ["\n"],
            "seed": 5, "stream": True, "stream_options": {"include_usage": True}}
    sse(sim, "/v1/completions", body)
    post(sim, "/v1/chat/completions", {"model": "mixtral", "messages": CHAT, "max_tokens": 4})
    assert wait_for(lambda: deltas(before, state(sim)["mixtral"]) == {
        "generate_calls": 2, "streams_started": 1, "streams_completed": 1, "tokens_sent": 7, "abandoned": 0,
        "generate_failures": 0})
    assert state(sim)["mixtral"]["last_generate_request"] == {"model": "mixtral", "messages": CHAT, "max_tokens": 4}
    sse(sim, "/v1/completions", body)
    assert state(sim)["mixtral"]["last_generate_request"] == body
    assert state(sim)["mixtral"]["embed_calls"] == before["embed_calls"]


def test_control_rejects_bad_generation_settings(sim):
    for bad in [{"tokens_per_second": 0}, {"ttft_ms": -1}, {"cut_after_tokens": -2}, {"stall_after_tokens": "x"},
                {"slow_tokens_ms": "slow"}]:
        status, _, body = post(sim, "/control", {"model": "imp", **bad})
        assert status == 400, bad
    assert state(sim)["imp"]["tokens_per_second"] == 200 and state(sim)["imp"]["cut_after_tokens"] is None
    with faults(sim, "imp", cut_after_tokens=1):
        post(sim, "/control", {"model": "imp", "cut_after_tokens": None})
        assert state(sim)["imp"]["cut_after_tokens"] is None


# bad input -------------------------------------------------------------------

def post_raw(port, path, data: bytes):
    req = urllib.request.Request(f"http://{LOOPBACK}:{port}{path}", data=data, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_bad_generation_input(sim):
    before = state(sim)["general"]
    vllm_400 = [
        ("/v1/completions", {"model": "general"}),
        ("/v1/completions", {"model": "general", "prompt": 7}),
        ("/v1/completions", {"model": "general", "prompt": "x", "max_tokens": 0}),
        ("/v1/completions", {"model": "general", "prompt": "x", "stream_options": {"include_usage": True}}),
        ("/v1/completions", {"model": "general", "prompt": "x", "stop": [1]}),
        ("/v1/chat/completions", {"model": "general", "messages": []}),
        ("/v1/chat/completions", {"model": "general", "messages": [{"role": "user"}]}),
        ("/v1/chat/completions", {"model": "general", "messages": CHAT, "temperature": "hot"}),
    ]
    for path, body in vllm_400:
        status, _, answer = post(sim, path, body)
        assert status == 400 and answer["object"] == "error" and answer["type"] == "BadRequestError", (body, answer)
    for path, body in [("/api/generate", {"model": "general"}), ("/api/chat", {"model": "general", "messages": "hi"}),
                       ("/api/generate", {"model": "general", "prompt": "x", "options": {"num_predict": "many"}})]:
        status, _, answer = post(sim, path, body)
        assert status == 400 and list(answer) == ["error"], (body, answer)
    assert post_raw(sim, "/v1/chat/completions", b"{not json")[0] == 400
    status, answer = post_raw(sim, "/api/chat", b"[1, 2")
    assert status == 400 and "error" in answer
    status, _, answer = post(sim, "/v1/completions", {"model": "gpt-17", "prompt": "x"})
    assert status == 404 and answer["type"] == "NotFoundError" and "gpt-17" in answer["message"]
    status, _, answer = post(sim, "/api/generate", {"model": "gpt-17", "prompt": "x"})
    assert status == 404 and "gpt-17" in answer["error"]
    assert deltas(before, state(sim)["general"])["generate_calls"] == 0
