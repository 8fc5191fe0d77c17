"""One core behind four streams (issue 16, point 4): the same prompt streamed through REST SSE, gRPC
GenerateStream, GraphQL over SSE and GraphQL over WebSocket gives the same text, finish reason and
usage, each the simulator's own, and each protocol's token counters (`protocol` label) grow by that
usage."""
from __future__ import annotations

import uuid

import grpc
import pytest

from grpc_support import stubs
from services import gateway_env, http, module_gateways, sim  # noqa: F401 (fixtures)
from test_generation import EventStream
from test_graphql_streams import SSE, WS

MODEL = "general"
MAX_TOKENS = 24
SEED = 11
SUB = """subscription($p: String, $n: Int, $seed: Int) {
  generate(model: "%s", prompt: $p, maxTokens: $n, seed: $seed) {
    text finishReason usage { promptTokens completionTokens totalTokens } } }""" % MODEL


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim))


def token_counters(port: int) -> dict[tuple[str, str], float]:
    """pattern_tokens_total of MODEL by (kind, protocol)."""
    out = {}
    for line in http(port, "GET", "/metrics").body.decode().splitlines():
        if line.startswith(f'pattern_tokens_total{{model="{MODEL}",'):
            labels, value = line.rsplit(" ", 1)
            kind = labels.split('kind="')[1].split('"')[0]
            protocol = labels.split('protocol="')[1].split('"')[0]
            out[(kind, protocol)] = float(value)
    return out


def via_rest(port: int, prompt: str):
    events = EventStream(port, f"/api/v1/external/{MODEL}/generate",
                         {"prompt": prompt, "max_tokens": MAX_TOKENS, "seed": SEED, "stream": True}).all()
    assert [e for e, _, _ in events][0] == "start" and events[-1][0] == "done", events
    deltas = [d["text"] for e, d, _ in events if e == "delta"]
    done = events[-1][1]
    return deltas, done["finish_reason"], done["usage"]


def via_grpc(port: int, prompt: str):
    pb2, pb2_grpc = stubs()
    with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
        chunks = list(pb2_grpc.PatternServiceStub(ch).GenerateStream(
            pb2.GenerateRequest(model=MODEL, prompt=prompt, max_tokens=MAX_TOKENS, seed=SEED), timeout=30))
    last = chunks[-1]
    usage = {"prompt_tokens": last.usage.prompt_tokens, "completion_tokens": last.usage.completion_tokens,
             "total_tokens": last.usage.total_tokens}
    return [c.text for c in chunks if c.text], last.finish_reason, usage


def from_graphql(chunks: list[dict]):
    last = chunks[-1]
    u = last["usage"]
    usage = {"prompt_tokens": u["promptTokens"], "completion_tokens": u["completionTokens"],
             "total_tokens": u["totalTokens"]}
    return [c["text"] for c in chunks if c["text"]], last["finishReason"], usage


def via_graphql_sse(port: int, prompt: str):
    events = SSE(port, SUB, {"p": prompt, "n": MAX_TOKENS, "seed": SEED}).all()
    assert events[-1] == ("complete", None), events
    return from_graphql([d["data"]["generate"] for e, d in events[:-1]])


def via_graphql_ws(port: int, prompt: str):
    ws = WS(port)
    ws.subscribe("parity", SUB, {"p": prompt, "n": MAX_TOKENS, "seed": SEED})
    msgs = ws.until_complete("parity")
    ws.close()
    assert msgs[-1] == {"id": "parity", "type": "complete"}, msgs
    return from_graphql([m["payload"]["data"]["generate"] for m in msgs[:-1]])


def test_the_same_prompt_streams_the_same_answer_on_all_four(gw, sim):
    prompt = f"parity-{uuid.uuid4().hex[:10]}"
    want = sim.generate(MODEL, prompt=prompt, max_tokens=MAX_TOKENS, seed=SEED)
    want_usage = want["usage"]
    before = token_counters(gw.port)
    answers = {
        "rest": via_rest(gw.port, prompt),
        "grpc": via_grpc(gw.port, prompt),
        "graphql-sse": via_graphql_sse(gw.port, prompt),
        "graphql-ws": via_graphql_ws(gw.port, prompt),
    }
    for name, (pieces, reason, usage) in answers.items():
        assert "".join(pieces) == want["choices"][0]["text"], name
        assert reason == want["choices"][0]["finish_reason"], name
        assert usage == {k: want_usage[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens")}, name
        # A stream, not one buffered message: the simulator sends one token per chunk.
        assert len(pieces) > 1, (name, pieces)
    after = token_counters(gw.port)
    grew = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    for protocol, streams in (("rest", 1), ("grpc", 1), ("graphql", 2)):
        assert grew.get(("completion", protocol)) == streams * want_usage["completion_tokens"], (protocol, grew)
        assert grew.get(("prompt", protocol)) == streams * want_usage["prompt_tokens"], (protocol, grew)
