#!/usr/bin/env python3
"""Streamed-generation load for scripts/bench-generate.sh and scripts/bench-relay.sh (stdlib only,
asyncio raw sockets).

HTTP/1.1 keep-alive, chunked transfer decoding and SSE parsing are done here by hand so the client
costs little per event. Two event formats:
  gateway  POST /api/v1/external/<model>/chat: `event: start`, `event: delta` per piece, `event: done`
           (usage), or `event: error`
  direct   POST /v1/chat/completions on the simulator: `data: {chunk}` lines, the first content token is
           the first chunk with a non-empty `choices[0].delta.content`, then the usage chunk and
           `data: [DONE]`
  openai   the same format and body as direct, for any OpenAI-compatible server (the gateway's /v1, LiteLLM's
           proxy): --path (default /v1/chat/completions) and --auth (a Bearer token) say where and as whom
  graphql-sse  `subscription { generate(...) }` on POST /graphql with `Accept: text/event-stream` (graphql-sse,
           distinct connections mode, keep-alive): `event: next` per chunk, then `event: complete`
  graphql-ws   the same subscription over GraphQL over WebSocket (graphql-transport-ws) on GET /graphql: a
           raw-socket WebSocket client (handshake, masked client frames, ping answered); each socket is set up
           (101, connection_init → connection_ack) before anything is measured, then carries subscriptions one
           after another (ttft) or --per-conn of them at once (streams; default 1 per socket)
  grpc     gateway.PatternService/GenerateStream over h2c: a raw-socket HTTP/2 client (preface, SETTINGS,
           HPACK literals without Huffman for the request, windows opened wide, PING answered), protobuf
           encoded and decoded by hand; streams one after another per connection (ttft) or --per-conn at once
           (streams). The response headers are not HPACK-decoded: a call is good when it ends (END_STREAM)
           after a chunk with finish_reason and usage, and was not reset.
--kind chat|completion: a chat (messages; /chat, /v1/chat/completions) or a completion (prompt; /generate,
/v1/completions; the direct answer's content is `choices[0].text`). GraphQL and gRPC send `prompt` or `messages`.

Modes (each prints one JSON object on stdout):
  ttft      --concurrency C clients, each on its own keep-alive connection, send streamed chats one after
            the other until --requests have been measured (after --warmup unmeasured ones). The time to
            first token is taken from just before the request is written to the moment the read that
            carries the first content token returns; the stream's latency, to the read that ends the
            HTTP message. --duration-s measures for that long instead of --requests (streams still open
            at the end are not counted).
  streams   --streams N clients open one streamed chat each (ramped over --ramp-s) and hold it to its end;
            VmRSS of --pid is sampled every --sample-ms: before the first connection, and its peak while
            every stream is open (all have had their first token, none has ended).
  idle      opens --streams connections that send nothing, and reports VmRSS of --pid before and after
            (the memory a connection costs by itself, before any request).
  find-seed asks the simulator (directly, non-streamed) for seeds 1, 2, ... until one gives a chat of
            --tokens tokens before max_tokens, and prints it (so every stream runs its full length).
"""
import argparse
import asyncio
import json
import os
import re
import struct
import base64
import hashlib
import socket
import sys
import time

NOW = time.perf_counter_ns

PROMPT = "Summarise the relay benchmark in a few words."


GQL_FIELDS = "text finishReason usage { promptTokens completionTokens totalTokens }"


def gql_subscription(kind):
    if kind == "chat":
        return ("subscription($m: [ChatMessageInput!], $n: Int, $seed: Int, $model: String!) { "
                "generate(model: $model, messages: $m, maxTokens: $n, seed: $seed) { %s } }" % GQL_FIELDS)
    return ("subscription($p: String, $n: Int, $seed: Int, $model: String!) { "
            "generate(model: $model, prompt: $p, maxTokens: $n, seed: $seed) { %s } }" % GQL_FIELDS)


def gql_payload(kind, model, max_tokens, seed):
    v = {"model": model, "n": max_tokens}
    if kind == "chat":
        v["m"] = [{"role": "user", "content": PROMPT}]
    else:
        v["p"] = PROMPT
    if seed is not None:
        v["seed"] = seed
    return {"query": gql_subscription(kind), "variables": v}


def chat_body(target, model, max_tokens, seed, kind="chat"):
    if kind == "chat":
        body = {"messages": [{"role": "user", "content": PROMPT}], "max_tokens": max_tokens, "stream": True}
    else:
        body = {"prompt": PROMPT, "max_tokens": max_tokens, "stream": True}
    if seed is not None:
        body["seed"] = seed
    if target != "gateway":
        # What the gateway itself sends upstream (GenerationWire): the model and the usage chunk.
        body["model"] = model
        body["stream_options"] = {"include_usage": True}
    return json.dumps(body, separators=(",", ":")).encode()


def request_bytes(target, port, model, max_tokens, seed, path=None, auth=None, kind="chat"):
    if target == "graphql-sse":
        path = path or "/graphql"
        body = json.dumps(gql_payload(kind, model, max_tokens, seed), separators=(",", ":")).encode()
    else:
        if path is None:
            if target == "gateway":
                path = f"/api/v1/external/{model}/{'chat' if kind == 'chat' else 'generate'}"
            else:
                path = "/v1/chat/completions" if kind == "chat" else "/v1/completions"
        body = chat_body(target, model, max_tokens, seed, kind)
    auth_line = f"Authorization: Bearer {auth}\r\n" if auth else ""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Accept: text/event-stream\r\n{auth_line}Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


class Exchange:
    """One streamed answer as it arrives: status, head, de-chunked body, SSE lines."""
    __slots__ = ("target", "t_sent", "t_first", "t_end", "status", "error", "finished", "tokens", "deltas",
                 "head_done", "chunked", "remaining", "raw", "lines", "event", "ended", "usage_seen", "sid")

    def __init__(self, target):
        self.target = target
        self.t_sent = 0
        self.t_first = 0
        self.t_end = 0          # the read that ended the HTTP message
        self.status = 0
        self.error = None
        self.finished = False   # the answer said it was complete (done / [DONE])
        self.tokens = 0         # completion tokens from the usage
        self.deltas = 0         # content events / chunks seen
        self.head_done = False
        self.chunked = False
        self.remaining = -1     # content-length bytes left, or bytes of the current chunk
        self.raw = bytearray()
        self.lines = bytearray()
        self.event = b""
        self.ended = False      # the HTTP message is over (last chunk / content-length)
        self.usage_seen = False  # graphql / grpc: a chunk carried the usage
        self.sid = None          # graphql-ws: the subscription id; grpc: the stream id

    def feed(self, data, t):
        """Takes bytes read at time t; returns True once the HTTP message is over."""
        raw = self.raw
        raw += data
        if not self.head_done:
            end = raw.find(b"\r\n\r\n")
            if end < 0:
                return False
            head = bytes(raw[:end]).decode("latin-1").split("\r\n")
            del raw[:end + 4]
            try:
                self.status = int(head[0].split(" ", 2)[1])
            except (IndexError, ValueError):
                self.error = "bad status line"
                self.ended = True
                return True
            for h in head[1:]:
                k, _, v = h.partition(":")
                k = k.strip().lower()
                if k == "transfer-encoding" and "chunked" in v.lower():
                    self.chunked = True
                elif k == "content-length":
                    self.remaining = int(v.strip())
            self.head_done = True
            if self.status != 200:
                self.error = f"HTTP {self.status}"
        body = self.lines
        if self.chunked:
            while True:
                if self.remaining < 0:        # at a chunk-size line
                    nl = raw.find(b"\r\n")
                    if nl < 0:
                        break
                    size = int(bytes(raw[:nl]).split(b";")[0], 16)
                    if size == 0:
                        # The last chunk; trailers (none expected) end with an empty line.
                        if raw.find(b"\r\n\r\n") < 0 and len(raw) < nl + 4:
                            break
                        del raw[:]
                        self.ended = True
                        break
                    del raw[:nl + 2]
                    self.remaining = size
                if len(raw) < self.remaining + 2:
                    break
                body += raw[:self.remaining]
                del raw[:self.remaining + 2]
                self.remaining = -1
        else:
            take = len(raw) if self.remaining < 0 else min(len(raw), self.remaining)
            body += raw[:take]
            del raw[:take]
            if self.remaining >= 0:
                self.remaining -= take
                if self.remaining == 0:
                    self.ended = True
        if body:
            self._sse(t)
        return self.ended

    def _sse(self, t):
        body = self.lines
        start = 0
        while True:
            nl = body.find(b"\n", start)
            if nl < 0:
                break
            line = bytes(body[start:nl])
            start = nl + 1
            if self.status != 200:
                continue
            if line.startswith(b"event:"):
                self.event = line[6:].strip()
            elif line.startswith(b"data:"):
                self._data(line[5:].strip(), t)
            elif not line.strip():
                self.event = b""
        del body[:start]

    def _data(self, data, t):
        if self.target == "graphql-sse":
            ev = self.event
            if ev == b"next":
                gql_next(self, data, t)
            elif ev == b"complete":
                self.finished = True
            return
        if self.target == "gateway":
            ev = self.event
            if ev == b"delta":
                self.deltas += 1
                if not self.t_first and b'"text":""' not in data:
                    self.t_first = t
            elif ev == b"done":
                self.finished = True
                try:
                    self.tokens = json.loads(data)["usage"]["completion_tokens"]
                except (ValueError, KeyError, TypeError):
                    self.error = "done without usage"
            elif ev == b"error":
                self.error = "event: error " + data[:200].decode("utf-8", "replace")
            return
        if data == b"[DONE]":
            self.finished = True
            return
        if not self.t_first or b'"error":' in data or (b'"usage"' in data and b'"usage":null' not in data
                                                      and b'"usage": null' not in data):
            try:
                obj = json.loads(data)
            except ValueError:
                self.error = "bad chunk"
                return
            if "error" in obj:
                self.error = "error chunk"
                return
            for c in obj.get("choices") or ():
                if (c.get("delta") or {}).get("content") or c.get("text"):
                    self.deltas += 1
                    if not self.t_first:
                        self.t_first = t
            usage = obj.get("usage")
            if usage:
                self.tokens = usage.get("completion_tokens", 0)
        elif b'"content":"' in data or b'"text":"' in data:
            self.deltas += 1

    def outcome(self):
        """None when the stream is complete and clean, else why not."""
        if self.error:
            return self.error
        if not self.ended:
            return "connection closed mid-answer"
        if not self.finished:
            return {"gateway": "no done", "graphql-sse": "no complete", "graphql-ws": "no complete",
                    "grpc": "no END_STREAM"}.get(self.target, "no [DONE]")
        if self.target in ("graphql-sse", "graphql-ws", "grpc") and not self.usage_seen:
            return "ended without a usage chunk"
        if not self.t_first:
            return "no content token"
        return None


COMPLETION_TOKENS = re.compile(rb'"completionTokens":(\d+)')


def gql_next(ex, data, t):
    """One GraphQL execution result of the generate subscription (compact JSON, as the gateway writes it),
    read without parsing: content, usage, errors."""
    if b'"errors":' in data:
        ex.error = "errors: " + data[:200].decode("utf-8", "replace")
        return
    if b'"text":"' in data and b'"text":""' not in data:
        ex.deltas += 1
        if not ex.t_first:
            ex.t_first = t
    if b'"usage":{' in data:
        m = COMPLETION_TOKENS.search(data)
        if m:
            ex.tokens = int(m.group(1))
            ex.usage_seen = True


class Client(asyncio.Protocol):
    """One keep-alive connection sending requests one after another."""
    ready = None                      # WSClient / H2Client: resolved once the connection is set up
    on_first = None                   # (exchange) -> None, called when an exchange has its first content token

    def __init__(self, target, request, on_done):
        self.target = target
        self.request = request
        self.on_done = on_done        # (client, exchange) -> send another?
        self.transport = None
        self.ex = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self):
        self.ex = Exchange(self.target)
        self.ex.t_sent = NOW()
        self.transport.write(self.request)

    def data_received(self, data):
        t = NOW()
        ex = self.ex
        if ex is None:
            return
        had = ex.t_first
        ended = ex.feed(data, t)
        if not had and ex.t_first and self.on_first:
            self.on_first(ex)
        if ended:
            ex.t_end = t
            self.ex = None
            if ex.raw:                      # bytes past the message: nothing else was asked
                ex.error = ex.error or "bytes after the answer"
            if self.on_done(self, ex):
                self.send()
            else:
                self.transport.close()

    def connection_lost(self, exc):
        if self.ex is not None:
            ex, self.ex = self.ex, None
            if not ex.error:
                ex.error = "connection closed mid-answer" if ex.head_done else "connection closed before an answer"
            self.on_done(self, ex)
        if not self.closed.done():
            self.closed.set_result(None)


class Multiplexed(asyncio.Protocol):
    """A connection carrying several exchanges at once (graphql-ws subscriptions, gRPC streams); each
    send() starts one more. on_done(conn, ex) -> True starts the next one on the same connection."""
    on_first = None

    def __init__(self, target, request, on_done):
        self.target = target
        self.request = request        # graphql-ws: the subscribe payload (a dict); grpc: the request message
        self.on_done = on_done
        self.transport = None
        self.open = {}                # id -> Exchange
        self.buf = bytearray()
        self.dead = None              # why the connection can take no more exchanges
        loop = asyncio.get_running_loop()
        self.ready = loop.create_future()
        self.closed = loop.create_future()

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.setup()

    def fail_setup(self, why):
        self.dead = why
        if not self.ready.done():
            self.ready.set_exception(OSError(0, why))
        self.transport.close()

    def first(self, ex, t):
        if not ex.t_first:
            ex.t_first = t
            if self.on_first:
                self.on_first(ex)

    def end(self, key, t):
        ex = self.open.pop(key, None)
        if ex is None:
            return
        ex.ended = True
        ex.t_end = t
        if self.on_done(self, ex) and not self.dead and not self.transport.is_closing():
            self.send()
        elif not self.open:
            self.transport.close()

    def connection_lost(self, exc):
        if not self.ready.done():
            self.ready.set_exception(OSError(0, self.dead or "connection closed during setup"))
        self.dead = self.dead or "connection closed"
        for key in list(self.open):
            ex = self.open[key]
            ex.error = ex.error or f"{self.dead} mid-answer"
            ex.ended = True
            self.open.pop(key)
            self.on_done(self, ex)
        if not self.closed.done():
            self.closed.set_result(None)


class WSClient(Multiplexed):
    """graphql-transport-ws on a raw socket: GET /graphql upgrade, connection_init → connection_ack, then a
    `subscribe` per send(), `next` … `complete` back. Client frames are masked (a random key per frame)."""

    def setup(self):
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.upgraded = False
        self.next_id = 0
        self.frag = bytearray()
        self.transport.write((
            f"GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self.key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n").encode())

    def frame(self, opcode, payload):
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        if n:
            key = (mask * (n // 4 + 1))[:n]
            payload = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
        return head + mask + payload

    def send_json(self, obj):
        self.transport.write(self.frame(1, json.dumps(obj, separators=(",", ":")).encode()))

    def send(self):
        self.next_id += 1
        sid = str(self.next_id)
        ex = Exchange(self.target)
        ex.sid = sid
        ex.head_done = True
        self.open[sid] = ex
        msg = self.frame(1, json.dumps({"id": sid, "type": "subscribe", "payload": self.request},
                                       separators=(",", ":")).encode())
        ex.t_sent = NOW()
        self.transport.write(msg)

    def data_received(self, data):
        t = NOW()
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end]).decode("latin-1").split("\r\n")
            del buf[:end + 4]
            want = base64.b64encode(hashlib.sha1((self.key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode())
                                    .digest()).decode()
            hdrs = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
            if not head[0].startswith("HTTP/1.1 101") or hdrs.get("sec-websocket-accept") != want \
                    or hdrs.get("sec-websocket-protocol") != "graphql-transport-ws":
                return self.fail_setup("upgrade refused: " + head[0])
            self.upgraded = True
            self.send_json({"type": "connection_init"})
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n = b1 & 0x7F
            off = 2
            if n == 126:
                if len(buf) < 4:
                    return
                n = int.from_bytes(buf[2:4], "big")
                off = 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n = int.from_bytes(buf[2:10], "big")
                off = 10
            if b1 & 0x80:
                return self.fail_setup("a masked server frame")
            if len(buf) < off + n:
                return
            payload = bytes(buf[off:off + n])
            del buf[:off + n]
            op = b0 & 0x0F
            if op in (0, 1):
                self.frag += payload
                if b0 & 0x80:
                    msg, self.frag = bytes(self.frag), bytearray()
                    self.message(msg, t)
            elif op == 9:
                self.transport.write(self.frame(10, payload))
            elif op == 8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 0
                self.dead = f"closed by the server ({code} {payload[2:].decode('utf-8', 'replace')})"
                self.transport.close()
                return

    def message(self, m, t):
        if m.startswith(b'{"id":"'):
            q = m.find(b'"', 7)
            sid = m[7:q].decode()
            ex = self.open.get(sid)
            if ex is None:
                return
            if m.startswith(b'"type":"next"', q + 2):
                had = ex.t_first
                gql_next(ex, m, t)
                if not had and ex.t_first and self.on_first:
                    self.on_first(ex)
            elif m.startswith(b'"type":"complete"', q + 2):
                ex.finished = True
                self.end(sid, t)
            else:
                ex.error = "message: " + m[:200].decode("utf-8", "replace")
                self.end(sid, t)
            return
        if m == b'{"type":"connection_ack"}' or m.startswith(b'{"type":"connection_ack"'):
            if not self.ready.done():
                self.ready.set_result(None)
        elif m.startswith(b'{"type":"ping"'):
            self.send_json({"type": "pong"})


def pb_varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_field(num, wire, value):
    if wire == 0:
        return pb_varint(num << 3) + pb_varint(value)
    return pb_varint(num << 3 | 2) + pb_varint(len(value)) + value


def grpc_request(kind, model, max_tokens, seed):
    """gateway.GenerateRequest, encoded by hand: model=1, prompt=2, messages=3 {role=1, content=2},
    max_tokens=4, seed=10; framed for gRPC (uncompressed flag, 4-byte length)."""
    m = pb_field(1, 2, model.encode())
    if kind == "chat":
        m += pb_field(3, 2, pb_field(1, 2, b"user") + pb_field(2, 2, PROMPT.encode()))
    else:
        m += pb_field(2, 2, PROMPT.encode())
    m += pb_field(4, 0, max_tokens)
    if seed is not None:
        m += pb_field(10, 0, seed)
    return b"\x00" + len(m).to_bytes(4, "big") + m


def pb_chunk(msg):
    """gateway.GenerateChunk -> (text bytes, finish_reason bytes, completion_tokens or None)."""
    i, n = 0, len(msg)
    text = reason = b""
    tokens = None
    while i < n:
        key = 0
        shift = 0
        while True:
            b = msg[i]
            i += 1
            key |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        num, wire = key >> 3, key & 7
        if wire == 0:
            while msg[i] & 0x80:
                i += 1
            i += 1
            continue
        if wire != 2:
            raise ValueError("unexpected wire type")
        ln = 0
        shift = 0
        while True:
            b = msg[i]
            i += 1
            ln |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        v = msg[i:i + ln]
        i += ln
        if num == 1:
            text = v
        elif num == 2:
            reason = v
        elif num == 3:
            tokens = 0
            j = 0
            while j < len(v):                  # Usage: varints 1, 2, 3
                k = v[j]
                j += 1
                val = 0
                shift = 0
                while True:
                    b = v[j]
                    j += 1
                    val |= (b & 0x7F) << shift
                    shift += 7
                    if b < 0x80:
                        break
                if k >> 3 == 2:
                    tokens = val
    return text, reason, tokens


def hpack_str(s):
    b = s.encode()
    assert len(b) < 127
    return bytes([len(b)]) + b


class H2Client(Multiplexed):
    """gRPC GenerateStream on a raw h2c connection. The request's header block is HPACK literals without
    indexing or Huffman (static-table names where there are any); windows: 2^31-1 per stream, the
    connection's topped up as DATA arrives."""
    WINDOW_MAX = (1 << 31) - 1

    def setup(self):
        self.next_sid = 1
        self.consumed = 0
        port = self.transport.get_extra_info("peername")[1]
        self.block = (b"\x83\x86"                                          # :method POST, :scheme http
                      + b"\x04" + hpack_str("/gateway.PatternService/GenerateStream")   # :path
                      + b"\x01" + hpack_str(f"127.0.0.1:{port}")           # :authority
                      + b"\x0f\x10" + hpack_str("application/grpc")        # content-type (static 31)
                      + b"\x00" + hpack_str("te") + hpack_str("trailers"))
        settings = struct.pack(">HI", 2, 0) + struct.pack(">HI", 4, self.WINDOW_MAX)   # ENABLE_PUSH 0, INITIAL_WINDOW_SIZE
        self.transport.write(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                             + self.frame(4, 0, 0, settings)
                             + self.frame(8, 0, 0, struct.pack(">I", self.WINDOW_MAX - 65535)))

    @staticmethod
    def frame(ftype, flags, sid, payload):
        return len(payload).to_bytes(3, "big") + bytes([ftype, flags]) + sid.to_bytes(4, "big") + payload

    def send(self):
        sid = self.next_sid
        self.next_sid += 2
        ex = Exchange(self.target)
        ex.sid = sid
        ex.head_done = True
        ex.raw = bytearray()                       # gRPC message bytes not yet decoded
        self.open[sid] = ex
        out = self.frame(1, 0x4, sid, self.block) + self.frame(0, 0x1, sid, self.request)
        ex.t_sent = NOW()
        self.transport.write(out)

    def data_received(self, data):
        t = NOW()
        buf = self.buf
        buf += data
        while len(buf) >= 9:
            n = int.from_bytes(buf[0:3], "big")
            if len(buf) < 9 + n:
                return
            ftype, flags = buf[3], buf[4]
            sid = int.from_bytes(buf[5:9], "big") & 0x7FFFFFFF
            payload = bytes(buf[9:9 + n])
            del buf[:9 + n]
            if ftype == 0:                                         # DATA
                self.consumed += n
                if self.consumed >= 1 << 24:
                    self.transport.write(self.frame(8, 0, 0, struct.pack(">I", self.consumed)))
                    self.consumed = 0
                ex = self.open.get(sid)
                if ex is None:
                    continue
                if flags & 0x8:
                    payload = payload[1:len(payload) - payload[0]]
                raw = ex.raw
                raw += payload
                while len(raw) >= 5:
                    ln = int.from_bytes(raw[1:5], "big")
                    if len(raw) < 5 + ln:
                        break
                    msg = bytes(raw[5:5 + ln])
                    del raw[:5 + ln]
                    try:
                        text, reason, tokens = pb_chunk(msg)
                    except (ValueError, IndexError):
                        ex.error = "bad GenerateChunk"
                        continue
                    if text:
                        ex.deltas += 1
                        self.first(ex, t)
                    if tokens is not None:
                        ex.tokens = tokens
                        ex.usage_seen = bool(reason)
                if flags & 0x1:
                    ex.finished = True
                    self.end(sid, t)
            elif ftype == 1:                                       # HEADERS (response head or trailers)
                ex = self.open.get(sid)
                if ex is not None and flags & 0x1:
                    ex.finished = True
                    if not ex.deltas and not ex.usage_seen:
                        ex.error = "trailers only (an error status)"
                    self.end(sid, t)
            elif ftype == 3:                                       # RST_STREAM
                ex = self.open.get(sid)
                if ex is not None:
                    ex.error = f"RST_STREAM {int.from_bytes(payload[:4], 'big')}"
                    self.end(sid, t)
            elif ftype == 4:                                       # SETTINGS
                if not flags & 0x1:
                    self.transport.write(self.frame(4, 0x1, 0, b""))
                    if not self.ready.done():
                        self.ready.set_result(None)
            elif ftype == 6:                                       # PING
                if not flags & 0x1:
                    self.transport.write(self.frame(6, 0x1, 0, payload))
            elif ftype == 7:                                       # GOAWAY
                last = int.from_bytes(payload[0:4], "big") & 0x7FFFFFFF
                self.dead = f"GOAWAY {int.from_bytes(payload[4:8], 'big')}"
                for s in [s for s in self.open if s > last]:
                    self.open[s].error = self.dead
                    self.end(s, t)


def client_factory(a, on_done, on_first=None):
    """A protocol factory for --target: Client (HTTP/1.1), WSClient or H2Client."""
    if a.target == "graphql-ws":
        cls, req = WSClient, gql_payload(a.kind, a.model, a.max_tokens, a.seed)
    elif a.target == "grpc":
        cls, req = H2Client, grpc_request(a.kind, a.model, a.max_tokens, a.seed)
    else:
        cls, req = Client, request_bytes(a.target, a.port, a.model, a.max_tokens, a.seed, a.path, a.auth, a.kind)

    def make():
        c = cls(a.target, req, on_done)
        if on_first:
            c.on_first = on_first
        return c
    return make


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


async def connect(port, factory):
    """A connected client, set up (WebSocket upgrade and connection_ack, HTTP/2 SETTINGS) when it needs it."""
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(factory, "127.0.0.1", port)
    if proto.ready is not None:
        await asyncio.wait_for(proto.ready, 30)
    return proto


async def run_ttft(a):
    ttfts = []
    latencies = []
    errors = {}
    state = {"sent": 0, "measured": 0, "warm": 0, "chunks": 0, "tokens": 0}
    timed = a.duration_s > 0
    total = float("inf") if timed else a.warmup + a.requests
    deadline = NOW() + int(a.timeout_s * 1e9)
    all_done = asyncio.get_running_loop().create_future()
    t_measure = [0]
    t_stop = [0]

    def finish():
        if not all_done.done():
            t_stop[0] = NOW()
            all_done.set_result(None)

    def on_done(client, ex):
        if all_done.done():
            return False                 # past the end (timed runs): neither counted nor sent again
        why = ex.outcome()
        if state["warm"] < a.warmup:
            state["warm"] += 1
            if state["warm"] == a.warmup:
                t_measure[0] = NOW()
        else:
            state["measured"] += 1
            if why:
                errors[why] = errors.get(why, 0) + 1
            else:
                ttfts.append(ex.t_first - ex.t_sent)
                latencies.append(ex.t_end - ex.t_sent)
                state["chunks"] += ex.deltas
                state["tokens"] += ex.tokens
        done = state["warm"] + state["measured"]
        now = NOW()
        if done >= total or now > deadline or (timed and t_measure[0] and now - t_measure[0] >= a.duration_s * 1e9):
            finish()
            return False
        if state["sent"] < total and not client.transport.is_closing() and ex.outcome() is None:
            state["sent"] += 1
            return True
        if state["sent"] < total:
            # The connection is spoiled (error or closed): carry on from a new one.
            state["sent"] += 1
            asyncio.get_running_loop().create_task(reconnect())
        return False

    async def reconnect():
        try:
            c = await connect(a.port, factory)
            c.send()
        except (OSError, asyncio.TimeoutError) as e:
            if all_done.done():
                return
            e = e if isinstance(e, OSError) else OSError(0, "setup timed out")
            errors[f"connect: {e.strerror}"] = errors.get(f"connect: {e.strerror}", 0) + 1
            state["measured"] += 1

    if a.warmup == 0:
        t_measure[0] = NOW()
    factory = client_factory(a, on_done)
    clients = []
    for _ in range(a.concurrency):
        clients.append(await connect(a.port, factory))
    for c in clients:
        if state["sent"] < total:
            state["sent"] += 1
            c.send()
    await asyncio.wait_for(all_done, timeout=a.timeout_s + 30)
    wall = (t_stop[0] - t_measure[0]) / 1e9 if t_measure[0] else 0
    for c in clients:
        if c.transport and not c.transport.is_closing():
            c.transport.close()
    ttfts.sort()
    latencies.sort()
    ms = [v / 1e6 for v in ttfts]
    lat = [v / 1e6 for v in latencies]
    return {
        "mode": "ttft", "target": a.target, "concurrency": a.concurrency, "max_tokens": a.max_tokens,
        "measured": state["measured"], "ok": len(ms), "errors": sum(errors.values()), "error_kinds": errors,
        "ttft_p50_ms": round(percentile(ms, 50), 4), "ttft_p99_ms": round(percentile(ms, 99), 4),
        "ttft_mean_ms": round(sum(ms) / len(ms), 4) if ms else None,
        "ttft_min_ms": round(ms[0], 4) if ms else None, "ttft_max_ms": round(ms[-1], 4) if ms else None,
        "latency_p50_ms": round(percentile(lat, 50), 4), "latency_p99_ms": round(percentile(lat, 99), 4),
        "window_s": round(wall, 3),
        "streams_per_s": round(len(ms) / wall, 1) if wall > 0 else None,
        "chunks": state["chunks"], "completion_tokens": state["tokens"],
        "chunks_per_s": round(state["chunks"] / wall, 1) if wall > 0 else None,
        "tokens_per_s": round(state["tokens"] / wall, 1) if wall > 0 else None,
    }


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


async def run_streams(a):
    loop = asyncio.get_running_loop()
    n = a.streams
    st = {"first": 0, "ended": 0, "connected": 0, "failed_connect": 0}
    exchanges = []
    ended = loop.create_future()
    t_all_open = [0]
    t_first_end = [0]

    def maybe_finish():
        if st["ended"] + st["failed_connect"] >= n and not ended.done():
            ended.set_result(None)

    def on_first(ex):
        st["first"] += 1
        if st["first"] == n and st["ended"] == 0:
            t_all_open[0] = NOW()

    def on_done(client, ex):
        exchanges.append(ex)
        st["ended"] += 1
        if st["ended"] == 1:
            t_first_end[0] = NOW()
        maybe_finish()
        return False

    samples = []   # (t_ns, rss_kib, first, ended)
    stop_sampling = [False]

    async def sampler():
        while not stop_sampling[0]:
            samples.append((NOW(), rss_kib(a.pid), st["first"], st["ended"]))
            await asyncio.sleep(a.sample_ms / 1000)

    factory = client_factory(a, on_done, on_first)
    per = max(1, a.per_conn) if a.target in ("graphql-ws", "grpc") else 1
    shared = []        # per > 1: the connections the streams share, set up before the measurement starts
    errors_connect = []
    if per > 1:
        for _ in range((n + per - 1) // per):
            try:
                shared.append(await connect(a.port, factory))
            except (OSError, asyncio.TimeoutError) as e:
                errors_connect.append(getattr(e, "strerror", None) or "setup timed out")
        if not shared:
            raise SystemExit("gen-load: no connection could be set up")

    rss_before = rss_kib(a.pid) if a.pid else 0
    sampling = loop.create_task(sampler()) if a.pid else None
    t0 = NOW()

    async def open_one(i):
        if shared:
            c = shared[i // per % len(shared)]
            if c.dead:
                st["failed_connect"] += 1
                exchanges.append(None)
                errors_connect.append(c.dead)
                maybe_finish()
                return
            c.send()
            return
        try:
            c = await connect(a.port, factory)
        except (OSError, asyncio.TimeoutError) as e:
            st["failed_connect"] += 1
            exchanges.append(None)
            errors_connect.append(getattr(e, "strerror", None) or "setup timed out")
            maybe_finish()
            return
        st["connected"] += 1
        c.send()

    tasks = []
    batch = max(1, int(n / max(1, a.ramp_s * 20)))   # a batch every 50 ms
    for i in range(0, n, batch):
        for j in range(min(batch, n - i)):
            tasks.append(loop.create_task(open_one(i + j)))
        await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)
    t_sent_all = NOW()
    try:
        await asyncio.wait_for(ended, timeout=a.timeout_s)
    except asyncio.TimeoutError:
        pass
    t_end = NOW()
    stop_sampling[0] = True
    if sampling:
        await sampling
    kinds = {}
    tokens = deltas = 0
    last_end = t0
    for ex in exchanges:
        if ex is None:
            continue
        why = ex.outcome()
        if why:
            kinds[why] = kinds.get(why, 0) + 1
        tokens += ex.tokens
        deltas += ex.deltas
    for e in errors_connect:
        kinds["connect: " + e] = kinds.get("connect: " + e, 0) + 1
    unfinished = n - len(exchanges)
    if unfinished:
        kinds["still open at the timeout"] = unfinished
    window = (t_end - t0) / 1e9
    open_rss = [s[1] for s in samples if s[2] >= n and s[3] == 0]
    peak_open = max(open_rss) if open_rss else 0
    for c in shared:
        if c.transport and not c.transport.is_closing():
            c.transport.close()
    return {
        "mode": "streams", "target": a.target, "streams": n, "max_tokens": a.max_tokens,
        "connections": len(shared) if shared else n, "per_connection": per,
        "errors": sum(kinds.values()), "error_kinds": kinds,
        "completion_tokens": tokens, "content_events": deltas,
        "window_s": round(window, 3), "tokens_per_s": round(tokens / window, 1) if window > 0 else None,
        "ramp_s": round((t_sent_all - t0) / 1e9, 3),
        "all_open_s": round((t_all_open[0] - t0) / 1e9, 3) if t_all_open[0] else None,
        "first_end_s": round((t_first_end[0] - t0) / 1e9, 3) if t_first_end[0] else None,
        "rss_before_kib": rss_before, "rss_peak_open_kib": peak_open,
        "rss_peak_kib": max((s[1] for s in samples), default=0),
        "rss_open_samples": len(open_rss),
        "rss_per_stream_kib": round((peak_open - rss_before) / n, 2) if peak_open else None,
    }


async def run_idle(a):
    """Connections that send nothing: what an accepted connection costs the server by itself."""
    loop = asyncio.get_running_loop()
    before = rss_kib(a.pid)
    conns = []
    for _ in range(a.streams):
        transport, _ = await loop.create_connection(asyncio.Protocol, "127.0.0.1", a.port)
        conns.append(transport)
    await asyncio.sleep(1.5)   # well inside the server's header-read timeout
    after = rss_kib(a.pid)
    closed = sum(1 for t in conns if t.is_closing())
    for t in conns:
        t.close()
    return {"mode": "idle", "connections": a.streams, "closed_by_server": closed, "rss_before_kib": before,
            "rss_after_kib": after, "rss_per_connection_kib": round((after - before) / a.streams, 2)}


async def run_find_seed(a):
    """Non-streamed chats straight to the simulator until one runs to --tokens without stopping."""
    loop = asyncio.get_running_loop()
    for seed in range(1, a.max_seeds + 1):
        body = {"model": a.model, "max_tokens": a.tokens + 1, "seed": seed}
        if a.kind == "chat":
            body["messages"] = [{"role": "user", "content": PROMPT}]
        else:
            body["prompt"] = PROMPT
        body = json.dumps(body).encode()
        path = "/v1/chat/completions" if a.kind == "chat" else "/v1/completions"
        reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
        writer.write((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body)
        raw = await reader.read()
        writer.close()
        head, _, rest = raw.partition(b"\r\n\r\n")
        if b"chunked" in head.lower():
            out = bytearray()
            while rest:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    break
                out += rest[:size]
                rest = rest[size + 2:]
            rest = bytes(out)
        usage = json.loads(rest)["usage"]
        if usage["completion_tokens"] >= a.tokens:
            return {"mode": "find-seed", "kind": a.kind, "seed": seed, "completion_tokens": usage["completion_tokens"]}
    raise SystemExit(f"gen-load: no seed in 1..{a.max_seeds} gives {a.tokens} tokens")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["ttft", "streams", "idle", "find-seed"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--target", choices=["gateway", "direct", "openai", "graphql-sse", "graphql-ws", "grpc"],
                   default="gateway")
    p.add_argument("--kind", choices=["chat", "completion"], default="chat",
                   help="chat (messages) or completion (prompt)")
    p.add_argument("--per-conn", type=int, default=1,
                   help="streams, graphql-ws and grpc: subscriptions / calls per connection at once")
    p.add_argument("--path", default=None, help="request path (default: by --target)")
    p.add_argument("--auth", default=None, help="sent as `Authorization: Bearer AUTH`")
    p.add_argument("--model", default="general")
    p.add_argument("--max-tokens", type=int, default=4)
    p.add_argument("--seed", type=int, default=None, help="sent as the request's seed")
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--duration-s", type=float, default=0, help="ttft: measure for this long instead of --requests")
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--streams", type=int, default=1000)
    p.add_argument("--ramp-s", type=float, default=1.0)
    p.add_argument("--pid", type=int, default=0, help="process whose VmRSS is sampled (streams)")
    p.add_argument("--sample-ms", type=float, default=50)
    p.add_argument("--timeout-s", type=float, default=120)
    p.add_argument("--tokens", type=int, default=64, help="find-seed: tokens the chat must reach")
    p.add_argument("--max-seeds", type=int, default=2000)
    a = p.parse_args()
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = max(soft, min(hard, 65536))
        if want != soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ImportError, ValueError, OSError):
        pass
    run = {"ttft": run_ttft, "streams": run_streams, "idle": run_idle, "find-seed": run_find_seed}[a.mode]
    result = asyncio.run(run(a))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
