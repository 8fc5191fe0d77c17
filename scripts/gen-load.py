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
import socket
import sys
import time

NOW = time.perf_counter_ns

PROMPT = "Summarise the relay benchmark in a few words."


def chat_body(target, model, max_tokens, seed):
    body = {"messages": [{"role": "user", "content": PROMPT}], "max_tokens": max_tokens, "stream": True}
    if seed is not None:
        body["seed"] = seed
    if target != "gateway":
        # What the gateway itself sends upstream (GenerationWire): the model and the usage chunk.
        body["model"] = model
        body["stream_options"] = {"include_usage": True}
    return json.dumps(body, separators=(",", ":")).encode()


def request_bytes(target, port, model, max_tokens, seed, path=None, auth=None):
    if path is None:
        path = f"/api/v1/external/{model}/chat" if target == "gateway" else "/v1/chat/completions"
    body = chat_body(target, model, max_tokens, seed)
    auth_line = f"Authorization: Bearer {auth}\r\n" if auth else ""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Accept: text/event-stream\r\n{auth_line}Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


class Exchange:
    """One streamed answer as it arrives: status, head, de-chunked body, SSE lines."""
    __slots__ = ("target", "t_sent", "t_first", "t_end", "status", "error", "finished", "tokens", "deltas",
                 "head_done", "chunked", "remaining", "raw", "lines", "event", "ended")

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
                if (c.get("delta") or {}).get("content"):
                    self.deltas += 1
                    if not self.t_first:
                        self.t_first = t
            usage = obj.get("usage")
            if usage:
                self.tokens = usage.get("completion_tokens", 0)
        elif b'"content":"' in data:
            self.deltas += 1

    def outcome(self):
        """None when the stream is complete and clean, else why not."""
        if self.error:
            return self.error
        if not self.ended:
            return "connection closed mid-answer"
        if not self.finished:
            return "no done" if self.target == "gateway" else "no [DONE]"
        if not self.t_first:
            return "no content token"
        return None


class Client(asyncio.Protocol):
    """One keep-alive connection sending requests one after another."""

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
        if ex.feed(data, t):
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


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


async def connect(port, factory):
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_connection(factory, "127.0.0.1", port)
    return proto


async def run_ttft(a):
    req = request_bytes(a.target, a.port, a.model, a.max_tokens, a.seed, a.path, a.auth)
    ttfts = []
    latencies = []
    errors = {}
    state = {"sent": 0, "measured": 0, "warm": 0}
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
            c = await connect(a.port, lambda: Client(a.target, req, on_done))
            c.send()
        except OSError as e:
            if all_done.done():
                return
            errors[f"connect: {e.strerror}"] = errors.get(f"connect: {e.strerror}", 0) + 1
            state["measured"] += 1

    if a.warmup == 0:
        t_measure[0] = NOW()
    clients = []
    for _ in range(a.concurrency):
        clients.append(await connect(a.port, lambda: Client(a.target, req, on_done)))
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
    req = request_bytes(a.target, a.port, a.model, a.max_tokens, a.seed, a.path, a.auth)
    n = a.streams
    st = {"first": 0, "ended": 0, "connected": 0, "failed_connect": 0}
    exchanges = []
    ended = loop.create_future()
    t_all_open = [0]
    t_first_end = [0]

    def maybe_finish():
        if st["ended"] + st["failed_connect"] >= n and not ended.done():
            ended.set_result(None)

    class StreamClient(Client):
        def data_received(self, data):
            ex = self.ex
            had = ex is not None and ex.t_first
            super().data_received(data)
            if ex is not None and not had and ex.t_first:
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

    rss_before = rss_kib(a.pid) if a.pid else 0
    sampling = loop.create_task(sampler()) if a.pid else None
    t0 = NOW()

    async def open_one():
        try:
            c = await connect(a.port, lambda: StreamClient(a.target, req, on_done))
        except OSError as e:
            st["failed_connect"] += 1
            exchanges.append(None)
            errors_connect.append(e.strerror or str(e))
            maybe_finish()
            return
        st["connected"] += 1
        c.send()

    errors_connect = []
    tasks = []
    batch = max(1, int(n / max(1, a.ramp_s * 20)))   # a batch every 50 ms
    for i in range(0, n, batch):
        for _ in range(min(batch, n - i)):
            tasks.append(loop.create_task(open_one()))
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
    return {
        "mode": "streams", "target": a.target, "streams": n, "max_tokens": a.max_tokens,
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
        body = json.dumps({"model": a.model, "messages": [{"role": "user", "content": PROMPT}],
                           "max_tokens": a.tokens + 1, "seed": seed}).encode()
        reader, writer = await asyncio.open_connection("127.0.0.1", a.port)
        writer.write((f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
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
            return {"mode": "find-seed", "seed": seed, "completion_tokens": usage["completion_tokens"]}
    raise SystemExit(f"gen-load: no seed in 1..{a.max_seeds} gives {a.tokens} tokens")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["ttft", "streams", "idle", "find-seed"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--target", choices=["gateway", "direct", "openai"], default="gateway")
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
