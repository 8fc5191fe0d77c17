#!/usr/bin/env python3
"""Writes the seed corpora under Tests/Fuzz/Corpus/<target>/ (run with the repo's .venv python:
it uses h2 and grpcio-tools, which `make venv` installs). Seeds are what the e2e suites send."""
import hashlib, pathlib, subprocess, sys, tempfile, importlib

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "Corpus"


def put(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def http1():
    reqs = [
        b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET /api/v1/patterns/status HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        b"POST /api/v1/external/phi3/embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"text\":\"hello\"}\n",
        b"POST /api/v1/external/phi3/embed HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 28\r\n\r\n{\"query\":\"{ __typename }\"}\r\n",
        b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nPOST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
        b"GET / HTTP/1.0\r\n\r\n",
        b"\r\n\r\nGET /x?y=1&z=%20 HTTP/1.1\nHost: x\n\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc",
        b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        b"GET / HTTP/1.1\r\n Host: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        b"PUT /api/v1/patterns/general/points HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n",
        b"GET http://example.com/path HTTP/1.1\r\nHost: example.com\r\n\r\n",
        b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /grpc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n",
    ]
    for r in reqs:
        put("http1", r)


def http2():
    import h2.config, h2.connection, h2.events
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

    def conn():
        c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        c.initiate_connection()
        return c

    def emit(c):
        data = c.data_to_send()
        assert data.startswith(preface)
        put("http2", data[len(preface):])

    base = [(":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", "/health")]
    c = conn(); c.send_headers(1, base, end_stream=True); emit(c)
    c = conn()
    c.send_headers(1, [(":method", "POST"), (":scheme", "http"), (":authority", "x"), (":path", "/api/v1/external/phi3/embed"), ("content-type", "application/json")])
    c.send_data(1, b'{"text":"hello"}', end_stream=True); emit(c)
    c = conn()
    c.send_headers(1, [(":method", "POST"), (":scheme", "http"), (":authority", "x"), (":path", "/stream/echo")])
    c.send_data(1, b"abc"); c.send_data(1, b"def"); c.send_headers(1, [("x-trailer", "1")], end_stream=True); emit(c)
    c = conn()
    grpc = b"\x00\x00\x00\x00\x0a\x0a\x04phi3\x12\x02hi"
    c.send_headers(1, [(":method", "POST"), (":scheme", "http"), (":authority", "x"), (":path", "/gateway.v1.PatternService/Embed"),
                       ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-timeout", "1S")])
    c.send_data(1, grpc, end_stream=True); emit(c)
    c = conn()
    for sid in (1, 3, 5):
        c.send_headers(sid, base, end_stream=True)
    c.reset_stream(3); c.ping(b"12345678"); c.increment_flow_control_window(65535); emit(c)
    c = conn()
    c.send_headers(1, [(":method", "POST"), (":scheme", "http"), (":authority", "x"), (":path", "/up")])
    c.send_data(1, b"x" * 1000); c.reset_stream(1); c.close_connection(); emit(c)
    c = conn(); c.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1, h2.settings.SettingCodes.MAX_FRAME_SIZE: 16384})
    c.send_headers(1, base + [("x-big", "v" * 300)], end_stream=True); emit(c)
    put("http2", b"")  # the preface alone


def graphql():
    docs = [
        "{ __typename }",
        "query { models { name pattern } }",
        'query($n: String!) { model(name: $n) { name } }',
        "query($id: ID!) { batch(id: $id) { batchId status itemsCount completedItems embeddings error attempts } }",
        'mutation { embed(model: "nope", text: "x") { __typename } }',
        'mutation Embed($model: String!, $text: String, $texts: [String!], $urgent: Boolean) {\n'
        '  embed(model: $model, text: $text, texts: $texts, urgent: $urgent) { __typename ... on EmbedResult { __typename } }\n}',
        'mutation($v: [PointInput!]!) { ingest(model: "general", vectors: $v) { status model ingested ids } }',
        'query($q: [Float!], $f: JSON) { optimizedSearch(model: "general", queryVector: $q, limit: 3, filter: $f) { __typename } }',
        'mutation($q: [Float!]) { searchPattern(model: "general", queryVector: $q, limit: 1, filter: {run: "r1", n: [1, 2.5e3, null, true]}) { __typename } }',
        'mutation { simulateFailover(model: "general") { model recovered fastFailMs steps { state at } } }',
        'query Q($withQueue: Boolean = false, $skipModels: Boolean!) {\n  models @skip(if: $skipModels) { ...M }\n  queueStatus @include(if: $withQueue) { __typename }\n}\nfragment M on Model { name alias: name }',
        'query { __typename t: __type(name: "EmbedResult") { kind possibleTypes { name } } }',
        'query { __schema { types { name fields(includeDeprecated: true) { name args { name defaultValue } } } } }',
        '{ a(s: """block\n  string \\""" """, e: ENUM, o: {x: [1, -2, 0.5]}, v: $v) }',
        'query { health { __typename } patternStatus { __typename } }',
        'subscription S { models { name } }',
        'type Query { a(x: Int = 1): [String!]! @deprecated(reason: "r") }\ninterface I { id: ID! }\n'
        'type T implements I @key { id: ID! }\nunion U = T\nenum E { A B }\ninput In { a: Int = 2, b: [In!] }\n'
        'scalar S @specifiedBy(url: "u")\ndirective @key(f: String) repeatable on OBJECT | FIELD_DEFINITION\n'
        'extend type T { more: E }\nschema { query: Query }',
    ]
    for d in docs:
        put("graphql", d.encode())
    put("graphql", (ROOT / "Schema" / "gateway.graphql").read_bytes())


def protobuf():
    out = pathlib.Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{ROOT / 'Protos'}", f"--python_out={out}",
                    str(ROOT / "Protos" / "gateway.proto")], check=True)
    sys.path.insert(0, str(out))
    pb = importlib.import_module("gateway_pb2")
    # The fuzz target's selector byte: its index into the decoder table (FuzzProtobuf.swift).
    order = ["EmbedRequest", "Embedding", "EmbedResponse", "SearchRequest", "ScoredPoint", "SearchResponse", "Point",
             "IngestRequest", "IngestResponse", "GetBatchRequest", "BatchStatus", "PatternStatusRequest", "ModelStatus",
             "PatternStatus"]
    msgs = [
        pb.EmbedRequest(model="phi3", texts=["hello", "wörld"], urgent=True, priority=-3),
        pb.Embedding(values=[0.5, -1.25, 3e38]),
        pb.EmbedResponse(model="phi3", pattern="REAL_TIME", status="completed", embeddings=[pb.Embedding(values=[1, 2])],
                         batch_id="b", queue_position=2, processing_time_ms=1.5, cached=True, degraded=True),
        pb.SearchRequest(model="general", query_vector=[0.1, 0.2], query="q", limit=3, filter={"run": "1", "k": "v"}, score_threshold=0.5),
        pb.ScoredPoint(id="p1", score=0.9, payload={"a": "b"}),
        pb.SearchResponse(model="general", results=[pb.ScoredPoint(id="x", score=1)], cached=True, took_ms=2.5),
        pb.Point(id="p", vector=[1, 2, 3], payload={"k": "v"}),
        pb.IngestRequest(model="general", points=[pb.Point(id="a", vector=[1.0]), pb.Point(id="b", vector=[2.0], payload={"x": "y"})]),
        pb.IngestResponse(model="general", ingested=2, ids=["a", "b"]),
        pb.GetBatchRequest(batch_id="batch-1"),
        pb.BatchStatus(batch_id="b", model="m", status="done", items_count=2, completed_items=2,
                       embeddings=[pb.Embedding(values=[1])], attempts=1, queued_at="t0", completed_at="t1"),
        pb.PatternStatusRequest(),
        pb.ModelStatus(name="phi3", pattern="HYBRID", breaker_state="closed", failure_count=1, requests=2**40,
                       success_rate=0.99, avg_response_time_ms=3.5, queue_depth=4, cache_hit_ratio=0.25),
        pb.PatternStatus(models=[pb.ModelStatus(name="a"), pb.ModelStatus(name="b", requests=7)]),
    ]
    for m in msgs:
        put("protobuf", bytes([order.index(type(m).__name__)]) + m.SerializeToString())
    put("protobuf", bytes([14]) + b"\x0a\x0bgateway.v1")  # HealthCheckRequest(service)
    put("protobuf", bytes([15]) + b"\x08\x01")            # HealthCheckResponse(SERVING)
    put("protobuf", bytes([1]) + b"\x0d\x00\x00\xc0\x7f")  # Embedding with an unpacked NaN
    # Generation messages: selector bytes 16.. (after the two health messages).
    usage = pb.Usage(prompt_tokens=4, completion_tokens=5, total_tokens=9)
    generation = [
        pb.ChatMessage(role="user", content="hi ☃"),
        pb.GenerateRequest(model="hermes", messages=[pb.ChatMessage(role="system", content="s"), pb.ChatMessage(role="user", content="u")],
                           max_tokens=16, temperature=0.7, top_p=0.9, stop=["\n", "END"], urgent=True, priority=-2, seed=2**40),
        usage,
        pb.GenerateResponse(model="general", pattern="REAL_TIME", processing_mode="real_time", status="completed", text="a b",
                            finish_reason="length", usage=usage, batch_id="b", processing_time_ms=1.25, endpoint="e", cached=True),
        pb.GenerateChunk(text="tok", finish_reason="stop", usage=usage),
    ]
    for i, m in enumerate(generation):
        put("protobuf", bytes([16 + i]) + m.SerializeToString())
    put("protobuf", bytes([10]) + pb.BatchStatus(batch_id="b", status="completed", outputs=[
        pb.GenerateResponse(text="x", finish_reason="stop", usage=usage)]).SerializeToString())


def sse():
    # First byte: read size for the split run; second: the size limit (16, 64 or 1 MiB).
    streams = [
        b'data: {"choices":[{"index":0,"text":"Hel","finish_reason":null}]}\n\n'
        b'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\ndata: [DONE]\n\n',
        b'event: delta\ndata: {"text":"hi"}\n\n: keep-alive\n\nevent: done\ndata: {}\n\n',
        b"data: a\r\ndata: b\r\rid: 7\nretry: 1500\ndata: c\n\n",
        b"\xef\xbb\xbfdata: bom\n\ndata:no-space\n\ndata\n\nevent: e\n\n",
        b'data: {"error":{"message":"engine died"}}\n\n',
        b"data: unfinished",
    ]
    for i, body in enumerate(streams):
        put("sse", bytes([i * 5, 2]) + body)
        put("sse", bytes([3, 0]) + body)


def ndjson():
    streams = [
        b'{"model":"m","response":"a","done":false}\n{"model":"m","response":"","done":true,"done_reason":"stop",'
        b'"prompt_eval_count":3,"eval_count":1}\n',
        b'{"message":{"role":"assistant","content":"hi"},"done":false}\r\n\r\n{"done":true}',
        b'{"error":"model not found"}\n',
        b"\n\n\n",
    ]
    for i, body in enumerate(streams):
        put("ndjson", bytes([i * 3, 2]) + body)
        put("ndjson", bytes([1, 0]) + body)


def multipart():
    # Boundary "x": what the OpenAI SDK's upload looks like, and odd corners.
    bodies = [
        b'--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n'
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="in.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n'
        b'{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"input":"x"}}\r\n--x--\r\n',
        b"preamble\r\n--x  \r\nContent-Disposition: form-data; name=k\r\n\r\n\r\n--x--",
        b"--x\r\n\r\nno headers\r\n--x--",
        b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever closed",
    ]
    for body in bodies:
        put("multipart", body)


def jsonl():
    lines = [
        b'{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{"model":"general","input":"x"}}\n'
        b'{"custom_id":"b","method":"POST","url":"/v1/embeddings","body":{"input":["y","z"]}}\n',
        b'{"custom_id":"a","method":"POST","url":"/v1/embeddings","body":{}}\r\n\r\n'
        b'{"custom_id":"a","method":"GET","url":"/v1/completions","body":"s"}',
        b"not json\n[1,2]\n{}\n",
        b"\n \n",
    ]
    for body in lines:
        put("jsonl", body)


def websocket():
    # First byte: read size for the split run; second: the message limit (16, 125, 1000 or 1 MiB).
    # Client frames, masked, as the abuse table (Tests/e2e/test_websocket_abuse.py) sends them.
    key = b"\x37\xfa\x21\x3d"

    def frame(op, payload=b"", fin=True, masked=True, rsv=0):
        head = bytes([(0x80 if fin else 0) | rsv | op])
        bit = 0x80 if masked else 0
        n = len(payload)
        if n <= 125:
            head += bytes([bit | n])
        elif n <= 0xFFFF:
            head += bytes([bit | 126]) + n.to_bytes(2, "big")
        else:
            head += bytes([bit | 127]) + n.to_bytes(8, "big")
        if not masked:
            return head + payload
        return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))

    streams = [
        frame(1, b"Hello") + frame(2, bytes(range(256))) + frame(9, b"ping") + frame(10, b"pong"),
        frame(1, b"frag", fin=False) + frame(9, b"mid") + frame(0, b"men", fin=False) + frame(0, b"ted"),
        frame(1, '{"type":"connection_init"}'.encode()) + frame(8, b"\x03\xe8bye"),
        frame(1, "κόσμε 😀".encode()) + frame(1, b"\xce\xba\xe1", fin=False) + frame(0, b"\xbd\xb9"),
        frame(1, b"\xed\xa0\x80"),
        frame(1, b"plain", masked=False),
        frame(2, b"x", rsv=0x40) + frame(3),
        frame(9, b"p" * 126) + frame(9, b"p", fin=False),
        frame(8, b"\x03") + frame(8, b"\x03\xed"),
        frame(2, bytes(300)) + frame(8),
        bytes([0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 0]) + key,
    ]
    for i, body in enumerate(streams):
        put("websocket", bytes([i * 3, 3]) + body)
        put("websocket", bytes([1, i % 3]) + body)


def traceparent():
    """The first line is the traceparent, the rest the tracestate (see FuzzTraceparent)."""
    seeds = [
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\nrojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        b"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future\na=1,,b=2",
        b"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\na=1",
        b"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        b" 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01\t\nnovalue",
    ]
    for s in seeds:
        put("traceparent", s)


if __name__ == "__main__":
    for name in sys.argv[1:] or ["http1", "http2", "graphql", "protobuf", "sse", "ndjson", "multipart", "jsonl", "websocket", "traceparent"]:
        globals()[name]()
