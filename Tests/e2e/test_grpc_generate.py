"""Generation over gRPC (spec §7, gRPC): `Generate` and `GenerateStream` on gateway.PatternService
with grpcio stubs protoc compiles from Protos/gateway.proto and with grpcurl through server
reflection, against the simulator: answers equal to the simulator's own, queued jobs whose
GetBatch/WatchBatch carry `outputs`, one chunk per upstream chunk, the §2 statuses for bad input
and for a failure mid-stream, a client cancel (or deadline) that stops the upstream call, the
grpc protocol label on the token metrics, and the new messages in reflection."""
from __future__ import annotations

import hashlib
import json
import time
import uuid

import grpc
import pytest

from grpc_support import descriptor_set, grpcurl, stubs
from services import gateway_env, get_json, http, module_gateways, gateways, sim, fresh_sim  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim, REAL_TIME_TIMEOUT=5))


@pytest.fixture(autouse=True)
def clean_sim(sim):
    sim.reset()
    yield
    sim.reset()


@pytest.fixture(scope="module")
def pb():
    return stubs()


def channel_to(port: int) -> grpc.Channel:
    return grpc.insecure_channel(f"127.0.0.1:{port}")


@pytest.fixture
def svc(pb, gw):
    with channel_to(gw.port) as ch:
        yield pb[1].PatternServiceStub(ch)


def uniq(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


def json_docs(text: str) -> list[dict]:
    """grpcurl prints one JSON document per streamed message; read them one after the other."""
    decoder, docs, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        doc, i = decoder.raw_decode(text, i)
        docs.append(doc)


def messages_of(pb, messages: list[dict]):
    return [pb[0].ChatMessage(role=m["role"], content=m["content"]) for m in messages]


def wait_for(condition, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def metric_lines(port: int) -> dict[str, float]:
    text = http(port, "GET", "/metrics").body.decode()
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines() if line and not line.startswith("#")}


CHAT = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}]


# ---------------------------------------------------------------- Generate


@pytest.mark.parametrize("kind", ["prompt", "chat"])
def test_generate_answers_the_simulators_text_and_usage(svc, pb, sim, kind):
    prompt = uniq("Write a haiku about queues")
    kw = {"prompt": prompt} if kind == "prompt" else {"messages": messages_of(pb, CHAT)}
    r = svc.Generate(pb[0].GenerateRequest(model="general", max_tokens=40, seed=3, **kw), timeout=20)
    want = sim.generate("general", max_tokens=40, seed=3, **({"prompt": prompt} if kind == "prompt" else {"messages": CHAT}))
    choice = want["choices"][0]
    text = choice["text"] if kind == "prompt" else choice["message"]["content"]
    assert r.status == "completed" and r.model == "general" and r.pattern == "real_time"
    assert r.processing_mode == "real_time" and r.endpoint == sim.url and not r.cached and r.batch_id == ""
    assert r.text == text and r.finish_reason == choice["finish_reason"]
    assert r.HasField("usage")
    assert (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens) == (
        want["usage"]["prompt_tokens"], want["usage"]["completion_tokens"], want["usage"]["total_tokens"])
    assert r.processing_time_ms > 0
    sent = sim.counters("general")["last_generate_request"]
    assert sent["model"] == "general"


def test_generate_counts_tokens_under_the_grpc_protocol(svc, pb, gw):
    r = svc.Generate(pb[0].GenerateRequest(model="phi3", prompt=uniq("count"), max_tokens=7), timeout=20)
    assert r.status == "completed" and r.usage.completion_tokens > 0
    lines = metric_lines(gw.port)
    assert lines['pattern_tokens_total{model="phi3",kind="completion",protocol="grpc"}'] >= r.usage.completion_tokens
    assert lines['pattern_tokens_total{model="phi3",kind="prompt",protocol="grpc"}'] >= r.usage.prompt_tokens
    assert lines['pattern_requests_total{model="phi3",pattern="real_time",protocol="grpc",outcome="success"}'] >= 1


@pytest.mark.parametrize("model,kind", [("mixtral", "prompt"), ("yi34", "prompt"), ("hermes", "chat")])
def test_a_queued_generation_is_a_batch_whose_status_carries_the_outputs(gw, svc, pb, sim, model, kind):
    prompt = uniq("a queued completion")
    kw = {"prompt": prompt} if kind == "prompt" else {"messages": messages_of(pb, CHAT)}
    q = svc.Generate(pb[0].GenerateRequest(model=model, max_tokens=9, **kw), timeout=10)
    canonical = "yi34b" if model == "yi34" else model
    assert q.status == "queued" and q.processing_mode == "bulk" and q.model == canonical
    assert q.batch_id.startswith(f"batch_{canonical}_") and q.text == "" and not q.HasField("usage")
    assert q.pattern == ("hybrid" if model == "hermes" else "bulk_only")

    states = list(svc.WatchBatch(pb[0].GetBatchRequest(batch_id=q.batch_id), timeout=30))
    assert states[-1].status == "completed", [s.status for s in states]
    assert all(len(s.outputs) == 0 for s in states[:-1])
    (out,) = states[-1].outputs
    want = sim.generate(canonical, max_tokens=9, **({"prompt": prompt} if kind == "prompt" else {"messages": CHAT}))
    choice = want["choices"][0]
    assert out.text == (choice["text"] if kind == "prompt" else choice["message"]["content"])
    assert out.finish_reason == choice["finish_reason"] and out.status == "completed" and out.batch_id == q.batch_id
    assert out.usage.completion_tokens == want["usage"]["completion_tokens"] > 0
    assert out.model == canonical and out.processing_mode == "bulk"
    assert len(states[-1].embeddings) == 0 and states[-1].items_count == 1 and states[-1].completed_items == 1

    got = svc.GetBatch(pb[0].GetBatchRequest(batch_id=q.batch_id), timeout=10)
    assert list(got.outputs) == list(states[-1].outputs)
    rest = get_json(gw.port, f"/api/v1/external/batch/{q.batch_id}")
    assert rest["outputs"][0]["text"] == out.text and rest["outputs"][0]["usage"]["total_tokens"] == out.usage.total_tokens


# ---------------------------------------------------------------- GenerateStream


def test_a_stream_is_one_chunk_per_upstream_chunk_and_equals_the_whole_answer(svc, pb, sim):
    # 20 tokens a second: the upstream's chunks are 50 ms apart, so each is read (and relayed) alone.
    sim.control(model="general", tokens_per_second=20, ttft_ms=20)
    req = pb[0].GenerateRequest(model="general", prompt=uniq("stream me"), max_tokens=8, seed=5)
    t0 = time.monotonic()
    chunks, arrivals = [], []
    for c in svc.GenerateStream(req, timeout=30):
        chunks.append(c)
        arrivals.append(time.monotonic() - t0)
    whole = svc.Generate(req, timeout=30)
    last = chunks[-1]
    assert last.finish_reason == whole.finish_reason and last.HasField("usage") and last.text == ""
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (
        whole.usage.prompt_tokens, whole.usage.completion_tokens, whole.usage.total_tokens)
    pieces = chunks[:-1]
    assert all(c.text and not c.finish_reason and not c.HasField("usage") for c in pieces)
    assert len(pieces) == whole.usage.completion_tokens, [c.text for c in pieces]
    assert "".join(c.text for c in pieces) == whole.text
    assert whole.text == sim.generate("general", prompt=req.prompt, max_tokens=8, seed=5)["choices"][0]["text"]
    # Relayed as they come, not gathered: the first chunk long before the last.
    assert arrivals[-1] >= 0.3 and arrivals[0] < arrivals[-1] - 0.2, arrivals


def test_a_chat_stream_on_a_hybrid_model(svc, pb, sim):
    req = pb[0].GenerateRequest(model="openchat", messages=messages_of(pb, CHAT), max_tokens=6)
    chunks = list(svc.GenerateStream(req, timeout=30))
    want = sim.generate("openchat", messages=CHAT, max_tokens=6)["choices"][0]["message"]["content"]
    assert "".join(c.text for c in chunks) == want and chunks[-1].finish_reason


def test_grpcurl_streams_chunks_through_reflection(gw, sim):
    prompt = uniq("grpcurl")
    r = grpcurl(gw.port, "gateway.PatternService/GenerateStream",
                data={"model": "general", "prompt": prompt, "max_tokens": 5, "seed": 9}, timeout=30)
    assert r.returncode == 0, r.stderr
    docs = json_docs(r.stdout)
    want = sim.generate("general", prompt=prompt, max_tokens=5, seed=9)
    assert len(docs) >= 2, r.stdout
    assert "".join(d.get("text", "") for d in docs) == want["choices"][0]["text"]
    assert docs[-1]["finishReason"] == want["choices"][0]["finish_reason"]
    assert docs[-1]["usage"]["completionTokens"] == want["usage"]["completion_tokens"]
    assert all("finishReason" not in d and "usage" not in d for d in docs[:-1])

    r = grpcurl(gw.port, "gateway.PatternService/Generate",
                data={"model": "general", "prompt": prompt, "max_tokens": 5, "seed": 9}, timeout=30)
    assert r.returncode == 0, r.stderr
    whole = json.loads(r.stdout)
    assert whole["status"] == "completed" and whole["text"] == want["choices"][0]["text"]

    r = grpcurl(gw.port, "gateway.PatternService/GenerateStream", data={"model": "mixtral", "prompt": "x"})
    assert r.returncode != 0 and "Code: InvalidArgument" in r.stderr and "bulk_only" in r.stderr, r.stderr


@pytest.mark.parametrize("method,request_kw,code,text", [
    ("GenerateStream", {"model": "mixtral", "prompt": "x"}, grpc.StatusCode.INVALID_ARGUMENT, "bulk_only"),
    ("GenerateStream", {"model": "deepseek", "prompt": "x"}, grpc.StatusCode.INVALID_ARGUMENT, "batch_id"),
    ("GenerateStream", {"model": "general", "prompt": "x", "messages": [("user", "y")]},
     grpc.StatusCode.INVALID_ARGUMENT, "not both"),
    ("Generate", {"model": "general", "prompt": "x", "messages": [("user", "y")]},
     grpc.StatusCode.INVALID_ARGUMENT, "not both"),
    ("GenerateStream", {"model": "general"}, grpc.StatusCode.INVALID_ARGUMENT, "prompt or messages is required"),
    ("Generate", {"model": "general", "max_tokens": 5}, grpc.StatusCode.INVALID_ARGUMENT, "prompt or messages is required"),
    ("GenerateStream", {"model": "gpt5", "prompt": "x"}, grpc.StatusCode.NOT_FOUND, 'unknown model "gpt5"'),
    ("Generate", {"model": "gpt5", "prompt": "x"}, grpc.StatusCode.NOT_FOUND, 'unknown model "gpt5"'),
    ("GenerateStream", {"model": "general", "prompt": "x", "max_tokens": 5000}, grpc.StatusCode.INVALID_ARGUMENT,
     "at most 4096"),
    ("Generate", {"model": "general", "messages": [("wizard", "y")]}, grpc.StatusCode.INVALID_ARGUMENT, "role"),
    ("Generate", {"model": "general", "prompt": "x", "stop": ["a", "b", "c", "d", "e"]},
     grpc.StatusCode.INVALID_ARGUMENT, "stop"),
    ("Generate", {"prompt": "x"}, grpc.StatusCode.INVALID_ARGUMENT, "model is required"),
])
def test_bad_requests_follow_the_spec_mapping(svc, pb, sim, method, request_kw, code, text):
    before = sim.counters("general")["generate_calls"]
    kw = dict(request_kw)
    if "messages" in kw:
        kw["messages"] = [pb[0].ChatMessage(role=r, content=c) for r, c in kw["messages"]]
    with pytest.raises(grpc.RpcError) as e:
        answer = getattr(svc, method)(pb[0].GenerateRequest(**kw), timeout=10)
        if method == "GenerateStream":
            list(answer)
    assert e.value.code() == code, e.value
    assert text in e.value.details(), e.value.details()
    assert sim.counters("general")["generate_calls"] == before


def test_generation_needs_the_write_role(fresh_sim, gateways, pb, tmp_path):
    keys = {"reader": uniq("read"), "writer": uniq("write")}
    cfg = tmp_path / "keys.yaml"
    cfg.write_text("security:\n  api_keys:\n" + "".join(
        f"    - name: {name}\n      sha256: {hashlib.sha256(key.encode()).hexdigest()}\n"
        f"      role: {'read' if name == 'reader' else 'write'}\n" for name, key in keys.items()))
    g = gateways.start(gateway_env(fresh_sim), extra_args=("--config", str(cfg)))
    req = pb[0].GenerateRequest(model="general", prompt="x", max_tokens=3)
    with channel_to(g.port) as ch:
        stub = pb[1].PatternServiceStub(ch)
        with pytest.raises(grpc.RpcError) as e:
            list(stub.GenerateStream(req, timeout=10, metadata=[("authorization", f"Bearer {keys['reader']}")]))
        assert e.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.RpcError) as e:
            stub.Generate(req, timeout=10)
        assert e.value.code() == grpc.StatusCode.UNAUTHENTICATED
        ok = stub.Generate(req, timeout=10, metadata=[("x-api-key", keys["writer"])])
        assert ok.status == "completed"
    assert fresh_sim.counters("general")["generate_calls"] == 1


# ---------------------------------------------------------------- cancel, deadline, failures mid-stream


def test_a_client_cancel_stops_the_upstream_call(fresh_sim, gateways, pb):
    sim = fresh_sim
    g = gateways.start(gateway_env(sim))
    sim.control(model="phi3", tokens_per_second=4)
    with channel_to(g.port) as ch:
        stream = pb[1].PatternServiceStub(ch).GenerateStream(
            pb[0].GenerateRequest(model="phi3", prompt=uniq("leave"), max_tokens=200), timeout=60)
        first, second = next(stream), next(stream)
        assert first.text and second.text and not second.finish_reason
        assert sim.counters("phi3")["abandoned"] == 0
        stream.cancel()
        with pytest.raises(grpc.RpcError) as e:
            next(stream)
        assert e.value.code() == grpc.StatusCode.CANCELLED
    assert wait_for(lambda: sim.counters("phi3")["abandoned"] == 1), "the upstream call kept running after the cancel"
    counters = sim.counters("phi3")
    assert counters["streams_completed"] == 0 and counters["tokens_sent"] < 20, counters
    assert wait_for(lambda: metric_lines(g.port).get(
        'pattern_requests_total{model="phi3",pattern="real_time",protocol="grpc",outcome="cancelled"}', 0) == 1)
    assert http(g.port, "GET", "/health").status == 200


def test_a_client_deadline_mid_stream_stops_the_upstream_call(fresh_sim, gateways, pb):
    sim = fresh_sim
    g = gateways.start(gateway_env(sim))
    sim.control(model="general", tokens_per_second=5)
    got = []
    with channel_to(g.port) as ch:
        with pytest.raises(grpc.RpcError) as e:
            for c in pb[1].PatternServiceStub(ch).GenerateStream(
                    pb[0].GenerateRequest(model="general", prompt=uniq("late"), max_tokens=100), timeout=1.2):
                got.append(c)
    assert e.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert 1 <= len(got) < 20
    assert wait_for(lambda: sim.counters("general")["abandoned"] == 1), "the upstream call outlived the deadline"
    assert sim.counters("general")["streams_completed"] == 0


@pytest.mark.parametrize("fault,code,text", [
    ({"cut_after_tokens": 3}, grpc.StatusCode.UNAVAILABLE, "broke off"),
    ({"error_event_after_tokens": 2}, grpc.StatusCode.UNAVAILABLE, "injected failure"),
    ({"stall_after_tokens": 2}, grpc.StatusCode.DEADLINE_EXCEEDED, "sent no token"),
])
def test_a_failure_mid_stream_ends_the_call_with_the_spec_status(fresh_sim, gateways, pb, fault, code, text):
    sim = fresh_sim
    g = gateways.start(gateway_env(sim, REAL_TIME_TIMEOUT=1))
    sim.control(model="general", tokens_per_second=50, **fault)
    got = []
    with channel_to(g.port) as ch:
        with pytest.raises(grpc.RpcError) as e:
            for c in pb[1].PatternServiceStub(ch).GenerateStream(
                    pb[0].GenerateRequest(model="general", prompt=uniq("fault"), max_tokens=20), timeout=20):
                got.append(c)
    assert e.value.code() == code, e.value
    assert text in e.value.details(), e.value.details()
    pieces = [c.text for c in got]
    assert 1 <= len(pieces) and all(pieces), pieces
    assert not any(c.finish_reason or c.HasField("usage") for c in got)
    want = sim.generate("general", prompt="unused", max_tokens=1)  # the simulator still answers
    assert want["choices"]
    if "stall_after_tokens" in fault:
        assert wait_for(lambda: sim.counters("general")["abandoned"] == 1), "the stalled upstream call was left open"
    assert http(g.port, "GET", "/health").status == 200


# ---------------------------------------------------------------- reflection


@pytest.mark.parametrize("symbol,expect", [
    ("gateway.PatternService.Generate", "rpc Generate ( .gateway.GenerateRequest ) returns ( .gateway.GenerateResponse );"),
    ("gateway.PatternService.GenerateStream",
     "rpc GenerateStream ( .gateway.GenerateRequest ) returns ( stream .gateway.GenerateChunk );"),
    ("gateway.GenerateRequest", "repeated .gateway.ChatMessage messages = 3;"),
    ("gateway.GenerateRequest", "uint64 seed = 10;"),
    ("gateway.GenerateResponse", ".gateway.Usage usage = 7;"),
    ("gateway.GenerateChunk", ".gateway.Usage usage = 3;"),
    ("gateway.BatchStatus", "repeated .gateway.GenerateResponse outputs = 11;"),
    ("gateway.Usage", "uint32 total_tokens = 3;"),
])
def test_grpcurl_describes_the_generation_api(gw, symbol, expect):
    r = grpcurl(gw.port, "describe", symbol)
    assert r.returncode == 0, r.stderr
    assert expect in r.stdout, r.stdout


def test_reflection_equals_protoc_for_the_new_proto(gw):
    from google.protobuf import descriptor_pb2
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
    want = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set()).file[0]
    assert {"Generate", "GenerateStream"} <= {m.name for m in want.service[0].method}
    with channel_to(gw.port) as ch:
        stub = reflection_pb2_grpc.ServerReflectionStub(ch)
        reqs = [reflection_pb2.ServerReflectionRequest(file_containing_symbol=s)
                for s in ("gateway.PatternService.GenerateStream", "gateway.GenerateChunk", "gateway.Usage")]
        answers = list(stub.ServerReflectionInfo(iter(reqs), timeout=10))
    assert len(answers) == 3
    for a in answers:
        got = descriptor_pb2.FileDescriptorProto.FromString(a.file_descriptor_response.file_descriptor_proto[0])
        assert got == want, f"reflection:\n{got}\nprotoc:\n{want}"
