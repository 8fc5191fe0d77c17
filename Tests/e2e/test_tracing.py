"""W3C trace context (issue 19): a `traceparent` (and `tracestate`) sent on REST, the OpenAI `/v1`
API, GraphQL or gRPC metadata reaches the model server as a child span of the same trace; without
one, or with a malformed one, the gateway starts a trace of its own. The simulator keeps the last
`traceparent`/`tracestate` each model received (`GET /control`)."""
from __future__ import annotations

import json
import re
import time
import uuid

import grpc
import pytest

from grpc_support import stubs
from services import (gateway_env, gateways, http, module_gateways, poll_batches, redis_server,  # noqa: F401
                      sim)

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"
TRACESTATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
VALID = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim))


def uniq(tag: str) -> str:
    # A fresh text each time: a cached embedding makes no upstream call to look at.
    return f"{tag}-{uuid.uuid4().hex[:12]}"


def seen(sim, model: str) -> tuple[str, str | None, str | None]:
    """The last traceparent the model server saw, split as (trace id, span id), and its tracestate."""
    c = sim.counters(model)
    m = VALID.match(c["last_traceparent"] or "")
    assert m, f"the simulator saw no valid traceparent: {c['last_traceparent']!r}"
    assert int(m.group(1), 16) != 0 and int(m.group(2), 16) != 0
    return m.group(1), m.group(2), c["last_tracestate"]


def rest_embed(gw, headers: dict) -> None:
    r = http(gw.port, "POST", "/api/v1/external/general/embed", {"text": uniq("rest")}, headers=headers)
    assert r.status == 200, r


def test_rest_traceparent_reaches_the_model_server_as_a_child_span(gw, sim):
    rest_embed(gw, {"traceparent": TRACEPARENT, "tracestate": TRACESTATE})
    trace, span, state = seen(sim, "general")
    assert trace == TRACE_ID
    assert span != PARENT_ID
    assert sim.counters("general")["last_traceparent"].endswith("-01")  # the sampled flag goes on
    assert state == TRACESTATE


def test_without_a_traceparent_the_gateway_starts_a_trace(gw, sim):
    rest_embed(gw, {})
    first, _, state = seen(sim, "general")
    assert state is None
    rest_embed(gw, {})
    second, _, _ = seen(sim, "general")
    assert first != second and TRACE_ID not in (first, second)


@pytest.mark.parametrize("bad", [
    TRACEPARENT.upper(),
    f"00-{'0' * 32}-{PARENT_ID}-01",
    f"00-{TRACE_ID}-{'0' * 16}-01",
    f"ff-{TRACE_ID}-{PARENT_ID}-01",
    f"00-{TRACE_ID}-{PARENT_ID}-01-extra",
    "garbage",
])
def test_an_invalid_traceparent_gets_a_fresh_trace_and_the_call_still_succeeds(gw, sim, bad):
    rest_embed(gw, {"traceparent": bad, "tracestate": TRACESTATE})
    trace, _, state = seen(sim, "general")
    assert trace != TRACE_ID
    assert state is None  # a tracestate belongs to the traceparent it came with


def test_a_future_version_is_read_by_its_first_four_fields(gw, sim):
    rest_embed(gw, {"traceparent": f"01-{TRACE_ID}-{PARENT_ID}-01-more-fields", "tracestate": TRACESTATE})
    trace, span, state = seen(sim, "general")
    assert (trace, state) == (TRACE_ID, TRACESTATE) and span != PARENT_ID
    assert sim.counters("general")["last_traceparent"].startswith("00-")


def test_openai_embeddings_carry_the_trace(gw, sim):
    r = http(gw.port, "POST", "/v1/embeddings", {"model": "general", "input": uniq("openai")},
             headers={"traceparent": TRACEPARENT})
    assert r.status == 200, r
    trace, span, _ = seen(sim, "general")
    assert trace == TRACE_ID and span != PARENT_ID


def test_graphql_carries_the_trace(gw, sim):
    query = "mutation E($t: String) { embed(model: \"general\", text: $t) { __typename } }"
    r = http(gw.port, "POST", "/graphql", {"query": query, "variables": {"t": uniq("gql")}},
             headers={"traceparent": TRACEPARENT, "tracestate": TRACESTATE})
    assert r.status == 200 and "errors" not in r.json(), r
    trace, span, state = seen(sim, "general")
    assert (trace, state) == (TRACE_ID, TRACESTATE) and span != PARENT_ID


def test_generation_carries_the_trace(gw, sim):
    r = http(gw.port, "POST", "/api/v1/external/phi3/generate", {"prompt": uniq("gen"), "max_tokens": 3},
             headers={"traceparent": TRACEPARENT, "tracestate": TRACESTATE}, timeout=30)
    assert r.status == 200, r
    trace, span, state = seen(sim, "phi3")
    assert (trace, state) == (TRACE_ID, TRACESTATE) and span != PARENT_ID


def test_graphql_over_websocket_continues_the_upgrade_requests_trace(gw, sim):
    from test_graphql_streams import WS
    ws = WS(gw.port, headers={"traceparent": TRACEPARENT, "tracestate": TRACESTATE})
    ws.subscribe("e", "mutation E($t: String) { embed(model: \"general\", text: $t) { __typename } }", {"t": uniq("ws")})
    msgs = ws.until_complete("e")
    ws.close()
    assert msgs[0]["type"] == "next" and "errors" not in msgs[0]["payload"], msgs
    trace, span, state = seen(sim, "general")
    assert (trace, state) == (TRACE_ID, TRACESTATE) and span != PARENT_ID


@pytest.fixture(scope="module")
def pb():
    return stubs()


def grpc_embed(gw, pb, metadata) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{gw.port}") as ch:
        svc = pb[1].PatternServiceStub(ch)
        r = svc.Embed(pb[0].EmbedRequest(model="general", texts=[uniq("grpc")]), metadata=metadata, timeout=10)
        assert r.status == "completed" and len(r.embeddings) == 1, r


def test_grpc_metadata_carries_the_trace(gw, sim, pb):
    grpc_embed(gw, pb, [("traceparent", TRACEPARENT), ("tracestate", TRACESTATE)])
    trace, span, state = seen(sim, "general")
    assert (trace, state) == (TRACE_ID, TRACESTATE) and span != PARENT_ID


def test_grpc_without_metadata_starts_a_trace(gw, sim, pb):
    grpc_embed(gw, pb, [])
    trace, _, state = seen(sim, "general")
    assert trace != TRACE_ID and state is None


# ------------------------------------------------------------------ Qdrant (the vector store's calls)

@pytest.fixture(scope="module")
def double():
    from qdrant_double import QdrantDouble
    d = QdrantDouble().start()
    yield d
    d.stop()


@pytest.fixture(scope="module")
def qgw(sim, double, module_gateways):
    return module_gateways.start(gateway_env(sim, QDRANT_URL=double.url, REAL_TIME_TIMEOUT=30))


def test_qdrant_calls_carry_the_trace(qgw, double, sim):
    size = 384  # general's vectors
    point = {"id": uniq("p"), "vector": [((j % 7) - 3) / 8 for j in range(size)], "payload": {"k": "v"}}
    r = http(qgw.port, "POST", "/api/v1/patterns/general/ingest", {"vectors": [point]},
             headers={"traceparent": TRACEPARENT, "tracestate": TRACESTATE})
    assert r.status == 200, r
    sent = double.recorded("PUT", r"/points$")
    assert sent, double.recorded()
    for call in sent:
        m = VALID.match(call["traceparent"] or "")
        assert m and m.group(1) == TRACE_ID and m.group(2) != PARENT_ID, call
        assert call["tracestate"] == TRACESTATE
    # A text search: the model server embeds the query and Qdrant searches, under one trace.
    r = http(qgw.port, "POST", "/api/v1/patterns/general/search", {"query": uniq("q"), "limit": 1},
             headers={"traceparent": TRACEPARENT})
    assert r.status == 200, r
    trace, _, _ = seen(sim, "general")
    searched = double.recorded("POST", r"/points/(search|query)$")
    assert trace == TRACE_ID and searched and VALID.match(searched[-1]["traceparent"]).group(1) == TRACE_ID


# ------------------------------------------------------------------ queued work

@pytest.mark.parametrize("store", ["embedded", "redis"])
def test_a_queued_job_continues_the_accepting_requests_trace(sim, gateways, redis_server, store):
    env = gateway_env(sim, redis_server if store == "redis" else None)
    gw = gateways.start(env)
    r = http(gw.port, "POST", "/api/v1/external/deepseek/embed", {"texts": [uniq("bulk")]},
             headers={"traceparent": TRACEPARENT, "tracestate": TRACESTATE})
    assert r.status == 202, r
    batch_id = r.json()["batch_id"]
    done = poll_batches(gw.port, [batch_id], timeout=20)
    assert done[batch_id]["status"] == "completed", done
    trace, span, state = seen(sim, "deepseek")
    assert (trace, state) == (TRACE_ID, TRACESTATE) and span != PARENT_ID


# ------------------------------------------------------------------ the access log

def access_lines(gw) -> list[dict]:
    lines = []
    for raw in gw.log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(raw)
        except ValueError:
            continue
        if entry.get("logger") == "access":
            lines.append(entry)
    return lines


def access_line(gw, request_id: str, timeout: float = 5.0) -> dict:
    """The access line of one request (the log is written off the loops, so it may come a moment later)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [l for l in access_lines(gw) if l["request_id"] == request_id]
        if found or time.monotonic() > deadline:
            assert len(found) == 1, (request_id, access_lines(gw)[-5:])
            return found[0]
        time.sleep(0.05)


@pytest.fixture(scope="module")
def logged(sim, module_gateways):
    return module_gateways.start(gateway_env(sim), extra_args=("--access-log",))


def test_the_access_log_names_the_request_id_and_the_callers_trace(logged, sim):
    r = http(logged.port, "POST", "/api/v1/external/general/embed", {"text": uniq("log")},
             headers={"traceparent": TRACEPARENT, "X-Request-Id": "req-trace-1"})
    assert r.status == 200, r
    assert r.headers["x-request-id"] == "req-trace-1"
    line = access_line(logged, "req-trace-1")
    assert line["trace_id"] == TRACE_ID and line["trace_from"] == "caller"
    assert (line["protocol"], line["method"], line["path"], line["status"]) == \
        ("rest", "POST", "/api/v1/external/general/embed", 200)
    assert float(line["duration_ms"]) > 0


def test_a_generated_trace_in_the_log_is_the_one_the_model_server_saw(logged, sim):
    for headers in ({}, {"traceparent": "garbage", "tracestate": TRACESTATE}):
        r = http(logged.port, "POST", "/v1/embeddings", {"model": "general", "input": uniq("gen")}, headers=headers)
        assert r.status == 200, r
        line = access_line(logged, r.headers["x-request-id"])
        trace, _, state = seen(sim, "general")
        assert line["trace_id"] == trace != TRACE_ID and line["trace_from"] == "gateway" and state is None
        assert line["protocol"] == "openai" and line["status"] == 200


def test_the_access_log_covers_graphql_and_grpc_with_its_status(logged, sim, pb):
    r = http(logged.port, "POST", "/graphql", {"query": "{ __typename }"},
             headers={"traceparent": TRACEPARENT, "X-Request-Id": "req-gql"})
    assert r.status == 200, r
    gql = access_line(logged, "req-gql")
    assert (gql["protocol"], gql["path"], gql["status"], gql["trace_id"]) == ("graphql", "/graphql", 200, TRACE_ID)
    grpc_embed(logged, pb, [("traceparent", TRACEPARENT), ("x-request-id", "req-grpc")])
    ok = access_line(logged, "req-grpc")
    assert (ok["protocol"], ok["path"], ok["status"], ok["grpc_status"], ok["trace_id"]) == \
        ("grpc", "/gateway.PatternService/Embed", 200, 0, TRACE_ID)
    with grpc.insecure_channel(f"127.0.0.1:{logged.port}") as ch:
        with pytest.raises(grpc.RpcError) as err:
            ch.unary_unary("/gateway.PatternService/NoSuchMethod")(b"", metadata=[("x-request-id", "req-grpc-12")],
                                                                   timeout=5)
        assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert access_line(logged, "req-grpc-12")["grpc_status"] == 12  # UNIMPLEMENTED


def test_without_the_flag_no_access_lines_are_written(gw, sim):
    rest_embed(gw, {"traceparent": TRACEPARENT})
    time.sleep(0.3)
    assert access_lines(gw) == []
