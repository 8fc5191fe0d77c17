"""GraphQL generation and subscriptions (spec §7) on the release gateway against the simulator:
Mutation.generate (answered now or queued), Subscription.generate / batch / patternStatus over
GraphQL over SSE (graphql-sse, distinct connections mode, read with a small SSE reader on
http.client) and over GraphQL over WebSocket (graphql-transport-ws, driven with the `websockets`
package): the same text and usage as the simulator gives for the same seed, a client that stops
cancels the upstream call, and the WebSocket protocol's close codes."""
from __future__ import annotations

import hashlib
import http.client as httpclient
import json
import socket
import subprocess
import time
import uuid

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from services import LOOPBACK, gateway_env, http, module_gateways, sim  # noqa: F401 (fixtures)

GEN_FIELDS = "text finishReason usage { promptTokens completionTokens totalTokens }"


def uniq(p: str) -> str:
    return f"{p}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim, BULK_PROCESSING_INTERVAL=1))


KEYS = {"read": "gql-read-" + uuid.uuid4().hex, "write": "gql-write-" + uuid.uuid4().hex}


@pytest.fixture(scope="module")
def keyed(sim, module_gateways, tmp_path_factory):
    lines = ["security:", "  rate_limit: {rate: 1000, burst: 1000}", "  api_keys:"]
    for role, key in KEYS.items():
        lines += [f"    - name: {role}-key", f"      sha256: {hashlib.sha256(key.encode()).hexdigest()}",
                  f"      role: {role}"]
    cfg = tmp_path_factory.mktemp("gqlkeys") / "keys.yaml"
    cfg.write_text("\n".join(lines) + "\n")
    return module_gateways.start(gateway_env(sim), extra_args=("--config", str(cfg)))


def gql(port, query, variables=None, headers=None):
    body = {"query": query, **({"variables": variables} if variables is not None else {})}
    r = http(port, "POST", "/graphql", body, headers=headers, timeout=30)
    assert r.status == 200, r
    return r.json()


# ---------------------------------------------------------------- GraphQL over SSE


class SSE:
    """graphql-sse, distinct connections mode, over one HTTP/1.1 connection: reads `next` and
    `complete` events as they arrive."""

    def __init__(self, port: int, query: str, variables: dict | None = None, headers: dict | None = None):
        self.conn = httpclient.HTTPConnection(LOOPBACK, port, timeout=30)
        body = json.dumps({"query": query, "variables": variables or {}})
        self.conn.request("POST", "/graphql", body=body,
                          headers={"Content-Type": "application/json", "Accept": "text/event-stream", **(headers or {})})
        self.resp = self.conn.getresponse()
        self.buffer = b""

    def next(self):
        """(event, payload-or-None), or None when the stream ended; keep-alive comments are skipped."""
        while True:
            while b"\n\n" not in self.buffer:
                more = self.resp.read1(65536)
                if not more:
                    return None
                self.buffer += more
            block, self.buffer = self.buffer.split(b"\n\n", 1)
            lines = block.decode().split("\n")
            if all(line.startswith(":") for line in lines):
                continue
            assert lines[0].startswith("event: ") and lines[1].startswith("data:") and len(lines) == 2, block
            data = lines[1][5:].strip()
            return lines[0][7:], (json.loads(data) if data else None)

    def all(self):
        out = []
        while (e := self.next()) is not None:
            out.append(e)
        self.conn.close()
        return out

    def close(self):
        """Goes away mid-stream, as a client that stops listening does."""
        self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


# ---------------------------------------------------------------- GraphQL over WebSocket


class WS:
    """graphql-transport-ws with the `websockets` package."""

    def __init__(self, port: int, init: dict | None | bool = True, headers: dict | None = None,
                 subprotocols=("graphql-transport-ws",)):
        self.ws = connect(f"ws://{LOOPBACK}:{port}/graphql", subprotocols=list(subprotocols) or None,
                          additional_headers=headers, open_timeout=10, close_timeout=5).__enter__()
        if init is not False:
            self.send({"type": "connection_init", **({"payload": init} if isinstance(init, dict) else {})})
            assert self.recv() == {"type": "connection_ack"}

    def send(self, message):
        self.ws.send(message if isinstance(message, str) else json.dumps(message))

    def recv(self, timeout: float = 30):
        return json.loads(self.ws.recv(timeout=timeout))

    def subscribe(self, op_id: str, query: str, variables: dict | None = None):
        self.send({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})

    def until_complete(self, op_id: str):
        """Every message of the operation up to and including its complete (or error)."""
        out = []
        while True:
            m = self.recv()
            if m.get("id") != op_id:
                continue
            out.append(m)
            if m["type"] in ("complete", "error"):
                return out

    def closed_with(self, timeout: float = 15):
        """The close code and reason the server sent."""
        try:
            while True:
                self.ws.recv(timeout=timeout)
        except ConnectionClosed as e:
            return e.rcvd.code, e.rcvd.reason
        except TimeoutError:
            return None, "no close"

    def close(self):
        self.ws.close()


# ---------------------------------------------------------------- Mutation.generate


@pytest.mark.parametrize("chat", [False, True])
def test_the_generate_mutation_answers_with_the_simulators_text_and_usage(gw, sim, chat):
    prompt = uniq("haiku about queues")
    arg = '"messages": [{"role": "user", "content": "%s"}]' % prompt
    messages = [{"role": "user", "content": prompt}]
    q = """mutation($prompt: String, $messages: [ChatMessageInput!]) {
      generate(model: "general", prompt: $prompt, messages: $messages, maxTokens: 30, seed: 7) {
        __typename ... on Generation { model pattern processingMode endpoint cached message { role content } %s } } }""" % GEN_FIELDS
    got = gql(gw.port, q, {"messages": messages} if chat else {"prompt": prompt})
    assert "errors" not in got, got
    g = got["data"]["generate"]
    want = sim.generate("general", **({"messages": messages} if chat else {"prompt": prompt}), max_tokens=30, seed=7)
    choice = want["choices"][0]
    text = choice["message"]["content"] if chat else choice["text"]
    assert g["__typename"] == "Generation" and g["text"] == text and g["finishReason"] == choice["finish_reason"]
    assert g["usage"] == {"promptTokens": want["usage"]["prompt_tokens"],
                          "completionTokens": want["usage"]["completion_tokens"],
                          "totalTokens": want["usage"]["total_tokens"]}
    assert g["model"] == "general" and g["pattern"] == "REAL_TIME" and g["processingMode"] == "REAL_TIME"
    assert g["endpoint"] == sim.url and g["cached"] is False
    assert g["message"] == ({"role": "assistant", "content": text} if chat else None)
    assert arg  # the chat variant went through variables
    metrics = http(gw.port, "GET", "/metrics").body.decode()
    assert 'pattern_tokens_total{model="general",kind="completion",protocol="graphql"}' in metrics


def test_a_bulk_only_generate_is_queued_and_the_batch_subscription_follows_it_to_completed(gw, sim):
    prompt = uniq("queued")
    got = gql(gw.port, """mutation($p: String) { generate(model: "imp", prompt: $p, maxTokens: 12, seed: 5) {
      __typename ... on QueuedJob { batchId status itemsCount processingMode } } }""", {"p": prompt})
    job = got["data"]["generate"]
    assert job["__typename"] == "QueuedJob" and job["status"] == "QUEUED" and job["itemsCount"] == 1, job
    s = SSE(gw.port, "subscription($id: ID!) { batch(id: $id) { batchId status outputs { %s model processingMode } } }"
            % GEN_FIELDS, {"id": job["batchId"]})
    assert s.resp.status == 200 and s.resp.getheader("Content-Type").startswith("text/event-stream")
    events = s.all()
    assert events[-1] == ("complete", None), events
    states = [d["data"]["batch"]["status"] for e, d in events if e == "next"]
    assert states[-1] == "COMPLETED" and len(states) == len(set(states)), states  # a message per change only
    out = events[-2][1]["data"]["batch"]["outputs"]
    want = sim.generate("imp", prompt=prompt, max_tokens=12, seed=5)
    assert len(out) == 1 and out[0]["text"] == want["choices"][0]["text"], (out, want)
    assert out[0]["usage"]["completionTokens"] == want["usage"]["completion_tokens"]
    assert out[0]["model"] == "imp" and out[0]["processingMode"] == "BULK"
    # The same job read again over the WebSocket: completed at once, then complete.
    ws = WS(gw.port)
    ws.subscribe("b", "subscription($id: ID!) { batch(id: $id) { status } }", {"id": job["batchId"]})
    assert [m["type"] for m in ws.until_complete("b")] == ["next", "complete"]
    ws.close()


def test_an_unknown_batch_is_one_null_then_complete(gw):
    events = SSE(gw.port, 'subscription { batch(id: "batch_nope_20250101_000000_x") { status } }').all()
    assert events == [("next", {"data": {"batch": None}}), ("complete", None)]


# ---------------------------------------------------------------- Subscription.generate


SUB = """subscription($p: String, $n: Int, $seed: Int) {
  generate(model: "%s", prompt: $p, maxTokens: $n, seed: $seed) { %s } }"""


def check_chunks(chunks, want):
    assert "".join(c["text"] for c in chunks) == want["choices"][0]["text"]
    assert all(c["finishReason"] is None and c["usage"] is None for c in chunks[:-1])
    last = chunks[-1]
    assert last["finishReason"] == want["choices"][0]["finish_reason"]
    assert last["usage"] == {"promptTokens": want["usage"]["prompt_tokens"],
                             "completionTokens": want["usage"]["completion_tokens"],
                             "totalTokens": want["usage"]["total_tokens"]}


def test_subscription_generate_over_sse_streams_the_simulators_tokens(gw, sim):
    prompt = uniq("sse")
    events = SSE(gw.port, SUB % ("general", GEN_FIELDS), {"p": prompt, "n": 16, "seed": 3}).all()
    assert events[-1] == ("complete", None)
    assert len(events) >= 3, events
    chunks = [d["data"]["generate"] for e, d in events[:-1]]
    check_chunks(chunks, sim.generate("general", prompt=prompt, max_tokens=16, seed=3))


def test_subscription_generate_over_websocket_streams_the_simulators_tokens(gw, sim):
    prompt = uniq("ws")
    ws = WS(gw.port)
    ws.subscribe("g1", SUB % ("phi3", GEN_FIELDS), {"p": prompt, "n": 10, "seed": 9})
    msgs = ws.until_complete("g1")
    ws.close()
    assert msgs[-1] == {"id": "g1", "type": "complete"} and {m["type"] for m in msgs[:-1]} == {"next"}, msgs
    check_chunks([m["payload"]["data"]["generate"] for m in msgs[:-1]],
                 sim.generate("phi3", prompt=prompt, max_tokens=10, seed=9))


def test_queries_and_mutations_work_over_both_transports(gw):
    assert SSE(gw.port, "{ health { status } }").all()[0][1]["data"]["health"]["status"] in ("OK", "DEGRADED")
    ws = WS(gw.port)
    ws.subscribe("q", '{ model(name: "phi3") { name pattern } }')
    assert ws.until_complete("q")[0]["payload"] == {"data": {"model": {"name": "phi3", "pattern": "REAL_TIME"}}}
    ws.subscribe("m", 'mutation { generate(model: "phi3", prompt: "hi", maxTokens: 3) { __typename } }')
    assert ws.until_complete("m")[0]["payload"] == {"data": {"generate": {"__typename": "Generation"}}}
    ws.close()


def test_a_bulk_only_model_cannot_stream(gw):
    events = SSE(gw.port, SUB % ("imp", "text"), {"p": "x"}).all()
    assert events[-1] == ("complete", None) and len(events) == 2
    err = events[0][1]["errors"][0]
    assert err["extensions"]["code"] == "invalid_argument" and "bulk_only" in err["message"]


def wait_abandoned(sim, model, before, what):
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and sim.counters(model)["abandoned"] == before:
        time.sleep(0.05)
    assert sim.counters(model)["abandoned"] == before + 1, f"the upstream call kept running after {what}"


@pytest.mark.parametrize("how", ["sse close", "ws complete", "ws close"])
def test_a_client_that_stops_cancels_the_upstream_call(gw, sim, how):
    sim.control(model="phi3", tokens_per_second=4)
    try:
        before = sim.counters("phi3")["abandoned"]
        variables = {"p": uniq("leave"), "n": 200}
        if how == "sse close":
            s = SSE(gw.port, SUB % ("phi3", "text"), variables)
            assert s.next()[0] == "next" and s.next()[0] == "next"
            s.close()
        else:
            ws = WS(gw.port)
            ws.subscribe("slow", SUB % ("phi3", "text"), variables)
            assert ws.recv()["type"] == "next" and ws.recv()["type"] == "next"
            if how == "ws complete":
                ws.send({"id": "slow", "type": "complete"})
                # The socket stays usable; the stopped operation sends no complete of its own.
                ws.subscribe("after", "{ health { status } }")
                assert [m["type"] for m in ws.until_complete("after")] == ["next", "complete"]
            ws.close()
        wait_abandoned(sim, "phi3", before, how)
    finally:
        sim.control(model="phi3", tokens_per_second=200)


# ---------------------------------------------------------------- patternStatus


def test_pattern_status_sends_the_current_status_at_once(gw):
    ws = WS(gw.port)
    t0 = time.monotonic()
    ws.subscribe("ps", "subscription { patternStatus { realTime { models } bulkOnly { models } } }")
    first = ws.recv(timeout=5)
    assert time.monotonic() - t0 < 1.0
    assert first["id"] == "ps" and first["type"] == "next"
    assert "phi3" in first["payload"]["data"]["patternStatus"]["realTime"]["models"]
    ws.send({"id": "ps", "type": "complete"})
    ws.close()
    s = SSE(gw.port, "subscription { patternStatus { hybrid { models } } }")
    event, data = s.next()
    assert event == "next" and "hermes" in data["data"]["patternStatus"]["hybrid"]["models"]
    s.close()


# ---------------------------------------------------------------- graphql-transport-ws rules


def test_ping_gets_pong_with_its_payload(gw):
    ws = WS(gw.port)
    ws.send({"type": "ping", "payload": {"t": 1}})
    assert ws.recv() == {"type": "pong", "payload": {"t": 1}}
    ws.send({"type": "pong"})
    ws.send({"type": "ping"})
    assert ws.recv() == {"type": "pong"}
    ws.close()


def test_document_errors_are_an_error_message(gw):
    ws = WS(gw.port)
    ws.subscribe("bad", "subscription { nope }")
    (m,) = ws.until_complete("bad")
    assert m["type"] == "error" and m["payload"][0]["extensions"]["code"] == "invalid_argument"
    ws.close()


@pytest.mark.parametrize("messages,code", [
    (["{not json"], 4400),
    ([{"type": "subscriptions"}], 4400),
    ([{"id": "1", "type": "subscribe", "payload": {"query": "{ health { status } }"}}], 4401),
    ([{"type": "connection_init"}, {"type": "connection_init"}], 4429),
])
def test_protocol_violations_close_with_their_code(gw, messages, code):
    ws = WS(gw.port, init=False)
    for m in messages:
        ws.send(m)
    assert ws.closed_with()[0] == code


def test_a_duplicate_subscriber_id_closes_4409(gw):
    ws = WS(gw.port)
    ws.subscribe("dup", "subscription { patternStatus { hybrid { models } } }")
    assert ws.recv()["type"] == "next"
    ws.subscribe("dup", "subscription { patternStatus { hybrid { models } } }")
    assert ws.closed_with() == (4409, "Subscriber for dup already exists")


def test_no_connection_init_within_the_timeout_closes_4408(gw):
    ws = WS(gw.port, init=False)
    t0 = time.monotonic()
    code, reason = ws.closed_with(timeout=15)
    assert (code, reason) == (4408, "Connection initialisation timeout")
    assert 9 <= time.monotonic() - t0 <= 12


def test_without_the_subprotocol_the_socket_closes_4406(gw):
    ws = WS(gw.port, init=False, subprotocols=())
    assert ws.closed_with()[0] == 4406


def test_keys_come_from_connection_init_or_the_upgrade_headers(keyed):
    for init in ({}, {"authorization": "Bearer not-a-key"}):
        ws = WS(keyed.port, init=False)
        ws.send({"type": "connection_init", "payload": init})
        assert ws.closed_with() == (4403, "Forbidden")
    ws = WS(keyed.port, init={"authorization": f"Bearer {KEYS['write']}"})
    ws.subscribe("g", 'mutation { generate(model: "phi3", prompt: "hi", maxTokens: 2) { __typename } }')
    assert ws.until_complete("g")[0]["payload"]["data"]["generate"]["__typename"] == "Generation"
    ws.close()
    # A read key may watch but not generate (generation needs write, as embed does).
    ws = WS(keyed.port, headers={"Authorization": f"Bearer {KEYS['read']}"})
    ws.subscribe("s", 'subscription { generate(model: "phi3", prompt: "hi") { text } }')
    msgs = ws.until_complete("s")
    assert msgs[0]["payload"]["errors"][0]["extensions"]["code"] == "permission_denied", msgs
    ws.subscribe("p", "subscription { patternStatus { hybrid { models } } }")
    assert ws.recv()["type"] == "next"
    ws.close()
    # Over SSE the key is the request's header, as for every GraphQL request.
    events = SSE(keyed.port, SUB % ("phi3", "text"), {"p": "x", "n": 2},
                 headers={"Authorization": f"Bearer {KEYS['write']}"}).all()
    assert events[-1] == ("complete", None) and "errors" not in events[0][1], events
    no_key = http(keyed.port, "POST", "/graphql", {"query": "{ health { status } }"}, headers={"Accept": "text/event-stream"})
    assert no_key.status == 401


def test_sse_works_over_http2_too(gw, sim):
    prompt = uniq("h2")
    body = json.dumps({"query": SUB % ("general", GEN_FIELDS), "variables": {"p": prompt, "n": 8, "seed": 2}})
    p = subprocess.run(["curl", "-sS", "-N", "--http2-prior-knowledge", "-H", "Accept: text/event-stream",
                        "-H", "Content-Type: application/json", "-d", body, "-w", "\n%{http_version}",
                        f"http://{LOOPBACK}:{gw.port}/graphql"], capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    raw, version = p.stdout.decode().rsplit("\n", 1)
    assert version == "2"
    blocks = [b for b in raw.split("\n\n") if b.strip()]
    assert blocks[-1] == "event: complete\ndata:"
    chunks = [json.loads(b.split("\n")[1][6:])["data"]["generate"] for b in blocks[:-1]]
    check_chunks(chunks, sim.generate("general", prompt=prompt, max_tokens=8, seed=2))
