"""The OpenAI-compatible API (spec §8) with the real clients, unmodified: the `openai` Python SDK
(`OpenAI(base_url=.../v1)`) and LangChain's `ChatOpenAI` and `OpenAIEmbeddings`, against the
release gateway and the simulator. Models, embeddings (float and base64), completions and chat
whole and streamed (texts equal the simulator's own), the usage chunk, bulk_only refused, errors as
the SDK's typed exceptions, API keys and rate limits, X-Request-Id, metrics, and the raw SSE
framing through curl."""
from __future__ import annotations

import base64
import hashlib
import json
import struct
import subprocess
import uuid

import openai
import pytest
from openai import OpenAI

from services import (LOOPBACK, MODELS, gateway_env, gateways, http, module_gateways,  # noqa: F401
                      sim)

TOL = 1e-6


def uniq(p: str) -> str:
    return f"{p}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim))


def client(gw, key: str = "no-keys-configured", **kw) -> OpenAI:
    # max_retries=0: an error must surface as the first answer's, not after the SDK's retries.
    return OpenAI(base_url=f"http://{LOOPBACK}:{gw.port}/v1", api_key=key, max_retries=0, timeout=30, **kw)


def close(got: list[float], want: list[float]) -> None:
    assert len(got) == len(want)
    assert max(abs(a - b) for a, b in zip(got, want)) <= TOL


# ---------------------------------------------------------------- models


def test_models_list_and_retrieve(gw):
    c = client(gw)
    models = c.models.list().data
    assert [m.id for m in models] == list(MODELS)
    assert {m.id: m.owned_by for m in models} == {k: v["pattern"] for k, v in MODELS.items()}
    assert all(m.object == "model" and m.created > 1_600_000_000 for m in models)
    assert c.models.retrieve("yi34").id == "yi34b"
    with pytest.raises(openai.NotFoundError) as e:
        c.models.retrieve("gpt-4")
    assert e.value.code == "model_not_found" and "gpt-4" in e.value.message


# ---------------------------------------------------------------- embeddings


def test_embeddings_float_and_base64(gw, sim):
    c = client(gw)
    texts = [uniq("float-a"), uniq("float-b")]
    want = sim.vectors("general", texts)
    got = c.embeddings.create(model="general", input=texts, encoding_format="float")
    assert got.object == "list" and got.model == "general"
    assert [d.index for d in got.data] == [0, 1] and all(d.object == "embedding" for d in got.data)
    for d, w in zip(got.data, want):
        close(d.embedding, w)
    assert got.usage.prompt_tokens == 0 and got.usage.total_tokens == 0
    # Without encoding_format the SDK asks for base64 and decodes it itself.
    decoded = c.embeddings.create(model="general", input=texts)
    for d, w in zip(decoded.data, want):
        close(d.embedding, w)
    # The raw base64: little-endian float32, the model's size, the same floats as the float answer.
    raw = c.embeddings.create(model="general", input=texts[0], encoding_format="base64")
    blob = base64.b64decode(raw.data[0].embedding)
    floats = struct.unpack(f"<{len(blob) // 4}f", blob)
    assert len(floats) == MODELS["general"]["size"]
    assert list(floats) == [struct.unpack("<f", struct.pack("<f", x))[0] for x in got.data[0].embedding]


def test_embeddings_cache_and_hybrid_real_time(gw, sim):
    c = client(gw)
    text = uniq("cache")
    first = c.embeddings.with_raw_response.create(model="general", input=text, encoding_format="float")
    again = c.embeddings.with_raw_response.create(model="general", input=text, encoding_format="float")
    assert first.headers["x-cache"] == "MISS" and again.headers["x-cache"] == "HIT"
    assert first.parse().data[0].embedding == again.parse().data[0].embedding
    # hermes is hybrid: the OpenAI API takes its urgent path and answers now.
    before = sim.counters("hermes")["embed_calls"]
    got = c.embeddings.create(model="hermes", input=[uniq("hybrid")], encoding_format="float")
    assert len(got.data[0].embedding) == MODELS["hermes"]["size"]
    assert sim.counters("hermes")["embed_calls"] == before + 1


def test_langchain_embeddings(gw, sim):
    from langchain_openai import OpenAIEmbeddings
    # check_embedding_ctx_length=False: otherwise LangChain tokenizes with tiktoken and sends token
    # arrays, which the gateway refuses (its models do not share OpenAI's tokenizers).
    emb = OpenAIEmbeddings(model="general", base_url=f"http://{LOOPBACK}:{gw.port}/v1", api_key="unused",
                           check_embedding_ctx_length=False, max_retries=0)
    docs = [uniq("lc-doc-1"), uniq("lc-doc-2")]
    got = emb.embed_documents(docs)
    for g, w in zip(got, sim.vectors("general", docs)):
        close(g, w)
    close(emb.embed_query(docs[0]), got[0])


# ---------------------------------------------------------------- completions and chat


def test_completion_whole_equals_the_simulators(gw, sim):
    prompt = uniq("Write a haiku about queues")
    got = client(gw).completions.create(model="general", prompt=prompt, max_tokens=20, seed=3)
    want = sim.generate("general", prompt=prompt, max_tokens=20, seed=3)
    assert got.object == "text_completion" and got.id.startswith("cmpl-") and got.model == "general"
    assert len(got.choices) == 1 and got.choices[0].index == 0
    assert got.choices[0].text == want["choices"][0]["text"]
    assert got.choices[0].finish_reason == want["choices"][0]["finish_reason"]
    assert got.usage.model_dump(exclude_none=True) == want["usage"]


def test_chat_whole_equals_the_simulators(gw, sim):
    messages = [{"role": "system", "content": "be brief"}, {"role": "user", "content": uniq("hi there")}]
    got = client(gw).chat.completions.create(model="phi3", messages=messages, max_tokens=15)
    want = sim.generate("phi3", messages=messages, max_tokens=15)
    assert got.object == "chat.completion" and got.id.startswith("chatcmpl-")
    assert got.choices[0].message.role == "assistant"
    assert got.choices[0].message.content == want["choices"][0]["message"]["content"]
    assert got.usage.total_tokens == want["usage"]["total_tokens"]


@pytest.mark.parametrize("include_usage", [False, True])
def test_chat_streamed_through_the_sdk(gw, sim, include_usage):
    messages = [{"role": "user", "content": uniq("stream me")}]
    kw = {"stream_options": {"include_usage": True}} if include_usage else {}
    chunks = list(client(gw).chat.completions.create(model="general", messages=messages, max_tokens=12,
                                                     stream=True, **kw))
    want = sim.generate("general", messages=messages, max_tokens=12)
    assert len({c.id for c in chunks}) == 1 and chunks[0].id.startswith("chatcmpl-")
    assert all(c.object == "chat.completion.chunk" and c.model == "general" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text_chunks = [c for c in chunks if c.choices]
    assert "".join(c.choices[0].delta.content or "" for c in text_chunks) == want["choices"][0]["message"]["content"]
    assert text_chunks[-1].choices[0].finish_reason == want["choices"][0]["finish_reason"]
    if include_usage:
        assert chunks[-1].choices == [] and chunks[-1].usage.model_dump(exclude_none=True) == want["usage"]
        assert all(c.usage is None for c in chunks[:-1])
    else:
        assert all(c.choices for c in chunks)


def test_completion_streamed_through_the_sdk(gw, sim):
    prompt = uniq("once upon")
    chunks = list(client(gw).completions.create(model="phi3", prompt=prompt, max_tokens=10, stream=True,
                                                stream_options={"include_usage": True}))
    want = sim.generate("phi3", prompt=prompt, max_tokens=10)
    assert "".join(c.choices[0].text for c in chunks if c.choices) == want["choices"][0]["text"]
    assert chunks[-1].usage.completion_tokens == want["usage"]["completion_tokens"]


def test_a_hybrid_model_answers_now(gw, sim):
    messages = [{"role": "user", "content": uniq("urgent by protocol")}]
    got = client(gw).chat.completions.create(model="openchat", messages=messages, max_tokens=8)
    assert got.choices[0].message.content == sim.generate("openchat", messages=messages, max_tokens=8)["choices"][0]["message"]["content"]


def test_langchain_chat_invoke_and_stream(gw, sim):
    from langchain_openai import ChatOpenAI
    llm = ChatOpenAI(model="phi3", base_url=f"http://{LOOPBACK}:{gw.port}/v1", api_key="unused", max_tokens=16,
                     max_retries=0)
    prompt = uniq("tell me about gateways")
    want = sim.generate("phi3", messages=[{"role": "user", "content": prompt}], max_tokens=16)["choices"][0]["message"]["content"]
    assert llm.invoke(prompt).content == want
    assert "".join(chunk.content for chunk in llm.stream(prompt)) == want
    assert sim.counters("phi3")["last_generate_request"]["max_tokens"] == 16


# ---------------------------------------------------------------- refusals and errors


@pytest.mark.parametrize("model", ["mixtral", "yi34"])
def test_a_bulk_only_model_is_refused_towards_the_batch_api(gw, model):
    c = client(gw)
    with pytest.raises(openai.BadRequestError) as e:
        c.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])
    assert "Batch API" in e.value.message and e.value.param == "model"
    with pytest.raises(openai.BadRequestError) as e:
        c.embeddings.create(model=model, input="x")
    assert "Batch API" in e.value.message


def test_errors_are_the_sdks_typed_exceptions(gw):
    c = client(gw)
    with pytest.raises(openai.NotFoundError):
        c.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "x"}])
    with pytest.raises(openai.BadRequestError) as e:
        c.chat.completions.create(model="general", messages=[{"role": "user", "content": "x"}], n=2)
    assert e.value.code == "unsupported" and e.value.param == "n" and e.value.type == "invalid_request_error"
    with pytest.raises(openai.BadRequestError) as e:
        c.embeddings.create(model="general", input=[[1, 2, 3]])
    assert e.value.code == "unsupported" and e.value.param == "input"
    with pytest.raises(openai.BadRequestError) as e:
        c.completions.create(model="general", prompt="x", max_tokens=5000)
    assert e.value.param == "max_tokens"


def test_a_failure_mid_stream_is_an_error_chunk_then_done(sim, gateways):
    g = gateways.start(gateway_env(sim, REAL_TIME_TIMEOUT=1))
    sim.control(model="general", cut_after_tokens=3)
    try:
        got = []
        with pytest.raises(openai.APIError) as e:
            for chunk in client(g).chat.completions.create(model="general", max_tokens=20, stream=True,
                                                           messages=[{"role": "user", "content": uniq("cut")}]):
                got.append(chunk)
        assert "broke off" in e.value.message and got, (e.value.message, got)
        sim.control(model="general", cut_after_tokens=3)
        events = sse(curl_stream(g, "/v1/completions", {"model": "general", "prompt": uniq("cut"), "max_tokens": 20,
                                                        "stream": True}))
    finally:
        sim.control(model="general", mode="recover")
    assert events[-1] == "[DONE]" and "error" in events[-2], events[-3:]
    err = events[-2]["error"]
    assert err["type"] == "server_error" and err["code"] == "upstream_error" and set(err) == {"message", "type", "param", "code"}


def key_config(tmp_path, keys: dict[str, tuple[str, float, int]]) -> str:
    lines = ["security:", "  api_keys:"]
    for name, (key, rate, burst) in keys.items():
        role = "read" if name == "reader" else "write"
        lines += [f"    - name: {name}", f"      sha256: {hashlib.sha256(key.encode()).hexdigest()}", f"      role: {role}",
                  f"      rate: {rate}", f"      burst: {burst}"]
    path = tmp_path / "openai-keys.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_keys_roles_and_rate_limits(sim, gateways, tmp_path):
    keys = {"writer": ("pg-w-" + uuid.uuid4().hex, 1000, 1000), "reader": ("pg-r-" + uuid.uuid4().hex, 1000, 1000),
            "tight": ("pg-t-" + uuid.uuid4().hex, 0.01, 2)}
    g = gateways.start(gateway_env(sim), extra_args=("--config", key_config(tmp_path, keys)))
    # No key at all: 401 in OpenAI's shape (the SDK always sends one, so ask with plain HTTP).
    r = http(g.port, "GET", "/v1/models")
    assert r.status == 401 and r.headers.get("www-authenticate") == "Bearer", r
    assert r.json()["error"]["type"] == "authentication_error"
    with pytest.raises(openai.AuthenticationError):
        client(g, "wrong-key").models.list()
    reader = client(g, keys["reader"][0])
    assert len(reader.models.list().data) == 9
    with pytest.raises(openai.PermissionDeniedError) as e:
        reader.embeddings.create(model="general", input="x")
    assert "write" in e.value.message
    writer = client(g, keys["writer"][0]).with_raw_response
    ok = writer.embeddings.create(model="general", input=uniq("keyed"))
    assert ok.headers["ratelimit-limit"] == "1000" and "ratelimit-remaining" in ok.headers
    tight = client(g, keys["tight"][0])
    tight.models.list()
    tight.models.list()
    with pytest.raises(openai.RateLimitError) as e:
        tight.models.list()
    assert e.value.code == "rate_limit_exceeded" and int(e.value.response.headers["retry-after"]) >= 1
    assert e.value.response.headers["ratelimit-remaining"] == "0"


def test_request_id_passthrough_and_metrics(gw):
    c = client(gw)
    r = c.chat.completions.with_raw_response.create(model="general", messages=[{"role": "user", "content": uniq("id")}],
                                                    max_tokens=4, extra_headers={"X-Request-Id": "openai-e2e-1"})
    assert r.headers["x-request-id"] == "openai-e2e-1" and "gateway;dur=" in r.headers["server-timing"]
    c.embeddings.create(model="general", input=uniq("metric"))
    text = http(gw.port, "GET", "/metrics").body.decode()
    assert 'protocol="openai"' in text
    lines = [l for l in text.splitlines() if l.startswith("pattern_requests_total{") and 'protocol="openai"' in l]
    assert any('model="general"' in l and 'outcome="success"' in l for l in lines), lines
    assert any(l.startswith('pattern_tokens_total{model="general",kind="completion",protocol="openai"}') for l in text.splitlines())


# ---------------------------------------------------------------- the raw framing


def curl_stream(g, path: str, body: dict, *args: str) -> bytes:
    p = subprocess.run(["curl", "-sN", *args, "-H", "Content-Type: application/json", "-d", json.dumps(body),
                        f"http://{LOOPBACK}:{g.port}{path}"], capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


def sse(raw: bytes) -> list:
    """A strict reader of OpenAI's framing: each event exactly one `data: ` line and a blank line."""
    text = raw.decode()
    assert text.endswith("\n\n"), text[-200:]
    events = []
    for block in text[:-2].split("\n\n"):
        assert block.startswith("data: ") and "\n" not in block, block
        data = block[6:]
        events.append(data if data == "[DONE]" else json.loads(data))
    return events


@pytest.mark.parametrize("http_version", ["--http1.1", "--http2-prior-knowledge"])
def test_the_raw_sse_framing_with_curl(gw, sim, tmp_path, http_version):
    messages = [{"role": "user", "content": uniq("raw")}]
    head = tmp_path / "head.txt"
    events = sse(curl_stream(gw, "/v1/chat/completions", {"model": "general", "messages": messages, "max_tokens": 9,
                                                          "stream": True, "stream_options": {"include_usage": True}},
                             http_version, "-D", str(head)))
    headers = head.read_text().lower()
    assert "content-type: text/event-stream" in headers and "x-request-id:" in headers
    assert events[-1] == "[DONE]" and all(isinstance(e, dict) for e in events[:-1])
    chunks = events[:-1]
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] > 0
    assert all(c["usage"] is None for c in chunks[:-1])
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[:-1])
    assert text == sim.generate("general", messages=messages, max_tokens=9)["choices"][0]["message"]["content"]
    assert chunks[-2]["choices"][0]["finish_reason"] in ("stop", "length")
