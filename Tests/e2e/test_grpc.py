"""The gRPC front-end (spec §5) with real clients: grpcurl 1.8.6 through server reflection (no
proto file), and grpcio with stubs protoc compiles from Protos/gateway.proto. One simulator and
one gateway for the module; TLS gateways where a test needs one."""
from __future__ import annotations

import json
import math
import subprocess
import threading
import time
import uuid

import grpc
import pytest

from grpc_support import descriptor_set, frame, grpcurl, raw_call, stubs
from helpers import curl
from services import gateway_env, get_json, http, module_gateways, sim  # noqa: F401 (fixtures)

SERVICES = ["gateway.PatternService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection"]


@pytest.fixture(scope="module")
def gw(sim, module_gateways):
    return module_gateways.start(gateway_env(sim))


@pytest.fixture(autouse=True)
def clean_sim(sim):
    sim.reset()
    yield
    sim.reset()


@pytest.fixture(scope="module")
def pb():
    return stubs()


@pytest.fixture
def channel(gw):
    ch = grpc.insecure_channel(f"127.0.0.1:{gw.port}", options=[("grpc.max_send_message_length", 16 << 20)])
    yield ch
    ch.close()


@pytest.fixture
def svc(pb, channel):
    return pb[1].PatternServiceStub(channel)


def uniq(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


def close(a, b, tol=1e-6) -> bool:
    return len(a) == len(b) and all(math.isclose(x, y, rel_tol=0, abs_tol=tol) for x, y in zip(a, b))


def code_of(excinfo) -> grpc.StatusCode:
    return excinfo.value.code()


# ---------------------------------------------------------------- grpcurl, reflection


def test_grpcurl_list_shows_every_service(gw):
    r = grpcurl(gw.port, "list")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == SERVICES


def test_grpcurl_lists_the_methods(gw):
    r = grpcurl(gw.port, "list", "gateway.PatternService")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [f"gateway.PatternService.{m}" for m in (
        "Embed", "Generate", "GenerateStream", "GetBatch", "GetPatternStatus", "Ingest", "IngestStream", "SearchPattern",
        "WatchBatch")]


@pytest.mark.parametrize("symbol,expect", [
    ("gateway.PatternService", "rpc IngestStream ( stream .gateway.IngestRequest ) returns ( .gateway.IngestResponse );"),
    ("gateway.PatternService.WatchBatch", "rpc WatchBatch ( .gateway.GetBatchRequest ) returns ( stream .gateway.BatchStatus );"),
    ("gateway.SearchRequest", "map<string, string> filter = 5;"),
    ("gateway.SearchRequest.FilterEntry", "is the entry type for a map field"),
    ("gateway.EmbedResponse", "double processing_time_ms = 9;"),
    ("gateway.ModelStatus", "uint64 requests = 5;"),
    ("grpc.health.v1.Health", "rpc Watch ( .grpc.health.v1.HealthCheckRequest ) returns ( stream .grpc.health.v1.HealthCheckResponse );"),
    ("grpc.health.v1.HealthCheckResponse.ServingStatus", "SERVICE_UNKNOWN = 3;"),
    ("grpc.reflection.v1alpha.ServerReflection", "rpc ServerReflectionInfo ( stream .grpc.reflection.v1alpha.ServerReflectionRequest ) returns ( stream .grpc.reflection.v1alpha.ServerReflectionResponse );"),
])
def test_grpcurl_describe(gw, symbol, expect):
    r = grpcurl(gw.port, "describe", symbol)
    assert r.returncode == 0, r.stderr
    assert expect in r.stdout, r.stdout


def test_describe_every_message_of_the_proto(gw, pb):
    for name in pb[0].DESCRIPTOR.message_types_by_name:
        r = grpcurl(gw.port, "describe", f"gateway.{name}")
        assert r.returncode == 0 and f"message {name} {{" in r.stdout, (name, r.stderr, r.stdout)


def test_describe_unknown_symbol_fails_cleanly(gw):
    r = grpcurl(gw.port, "describe", "gateway.Nope")
    assert r.returncode != 0
    assert "gateway.Nope" in r.stderr


def test_the_literal_seed_command_is_invalid_argument(gw):
    r = grpcurl(gw.port, "gateway.PatternService/SearchPattern", extra=("-plaintext",))
    assert r.returncode != 0
    assert "Code: InvalidArgument" in r.stderr and "Message: model is required" in r.stderr, r.stderr
    # ... and with the host spelled as in the issue
    r = subprocess.run([*grpcurl_cmd(), "-plaintext", f"localhost:{gw.port}", "gateway.PatternService/SearchPattern"],
                       capture_output=True, text=True, timeout=20)
    assert "Message: model is required" in r.stderr, r.stderr


def grpcurl_cmd():
    from grpc_support import grpcurl_bin
    return [grpcurl_bin()]


def test_reflection_serves_the_same_descriptor_as_protoc(gw):
    from google.protobuf import descriptor_pb2
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
    want = descriptor_pb2.FileDescriptorSet.FromString(descriptor_set()).file[0]
    with grpc.insecure_channel(f"127.0.0.1:{gw.port}") as ch:
        stub = reflection_pb2_grpc.ServerReflectionStub(ch)
        reqs = [reflection_pb2.ServerReflectionRequest(file_containing_symbol="gateway.PatternService"),
                reflection_pb2.ServerReflectionRequest(file_by_filename="gateway.proto"),
                reflection_pb2.ServerReflectionRequest(file_containing_symbol="gateway.Nope")]
        answers = list(stub.ServerReflectionInfo(iter(reqs), timeout=10))
    assert len(answers) == 3
    for a in answers[:2]:
        got = descriptor_pb2.FileDescriptorProto.FromString(a.file_descriptor_response.file_descriptor_proto[0])
        assert got == want, f"reflection:\n{got}\nprotoc:\n{want}"
    assert answers[2].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]


# ---------------------------------------------------------------- every method with grpcurl -d


def test_grpcurl_invokes_every_method(gw, sim):
    text = uniq("grpcurl")
    r = grpcurl(gw.port, "gateway.PatternService/Embed", data={"model": "general", "texts": [text]})
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["status"] == "completed" and doc["processingMode"] == "real_time"
    assert close(doc["embeddings"][0]["values"], sim.vectors("general", [text])[0])

    r = grpcurl(gw.port, "gateway.PatternService/Embed", data={"model": "mixtral", "texts": [uniq("bulk")]})
    assert r.returncode == 0, r.stderr
    queued = json.loads(r.stdout)
    assert queued["status"] == "queued" and queued["batchId"].startswith("batch_mixtral_")

    r = grpcurl(gw.port, "gateway.PatternService/GetBatch", data={"batch_id": queued["batchId"]})
    assert r.returncode == 0 and json.loads(r.stdout)["batchId"] == queued["batchId"], r.stderr

    r = grpcurl(gw.port, "gateway.PatternService/WatchBatch", data={"batch_id": queued["batchId"]}, timeout=30)
    assert r.returncode == 0, r.stderr
    states = [json.loads(chunk)["status"] for chunk in split_json_stream(r.stdout)]
    assert states[-1] == "completed", states

    r = grpcurl(gw.port, "gateway.PatternService/GetPatternStatus")
    assert r.returncode == 0, r.stderr
    assert sorted(m["name"] for m in json.loads(r.stdout)["models"]) == sorted(
        ["mixtral", "hermes", "openchat", "phi3", "yi34b", "deepcoder", "imp", "deepseek", "general"])

    v = [1.0] + [0.0] * 383
    r = grpcurl(gw.port, "gateway.PatternService/Ingest",
                data={"model": "general", "points": [{"id": "g1", "vector": v, "payload": {"k": "v"}}]})
    assert r.returncode == 0 and json.loads(r.stdout)["ingested"] == 1, r.stderr

    stream = "\n".join(json.dumps({"model": "general", "points": [{"id": f"s{i}", "vector": v}]}) for i in range(3))
    rr = subprocess.run([*grpcurl_cmd(), "-plaintext", "-d", "@", f"127.0.0.1:{gw.port}",
                         "gateway.PatternService/IngestStream"], input=stream, capture_output=True, text=True, timeout=20)
    assert rr.returncode == 0 and json.loads(rr.stdout)["ingested"] == 3, rr.stderr

    r = grpcurl(gw.port, "gateway.PatternService/SearchPattern",
                data={"model": "general", "query_vector": v, "limit": 2, "filter": {"k": "v"}})
    assert r.returncode == 0, r.stderr
    assert [p["id"] for p in json.loads(r.stdout)["results"]] == ["g1"]


def split_json_stream(text: str) -> list[str]:
    """grpcurl prints one pretty JSON document per streamed message."""
    docs, depth, start = [], 0, None
    for i, ch in enumerate(text):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                docs.append(text[start:i + 1])
    return docs


@pytest.mark.parametrize("service,status", [
    ("", "SERVING"), ("gateway.PatternService", "SERVING"), ("gateway.PatternService/general", "SERVING"),
    ("gateway.PatternService/yi34", "SERVING"),
])
def test_grpcurl_health_check(gw, service, status):
    r = grpcurl(gw.port, "grpc.health.v1.Health/Check", data={"service": service})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == status


def test_health_check_of_an_unknown_service_is_not_found(gw):
    r = grpcurl(gw.port, "grpc.health.v1.Health/Check", data={"service": "nope"})
    assert r.returncode != 0 and "Code: NotFound" in r.stderr, r.stderr


def test_health_follows_the_breaker_and_watch_streams_the_change(sim, module_gateways, tmp_path):
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    g = module_gateways.start(gateway_env(sim, PATTERN_CIRCUIT_BREAKER_THRESHOLD=2, PATTERN_RETRY_ATTEMPTS=0,
                                          PATTERN_BREAKER_COOLDOWN=30))
    with grpc.insecure_channel(f"127.0.0.1:{g.port}") as ch:
        health = health_pb2_grpc.HealthStub(ch)
        watch = health.Watch(health_pb2.HealthCheckRequest(service="gateway.PatternService/phi3"), timeout=20)
        assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
        sim.control(model="phi3", mode="fail")
        for _ in range(2):
            assert http(g.port, "POST", "/api/v1/external/phi3/embed", {"text": uniq("trip")}).status >= 500
        assert next(watch).status == health_pb2.HealthCheckResponse.NOT_SERVING
        watch.cancel()
        check = health.Check(health_pb2.HealthCheckRequest(service="gateway.PatternService/phi3"), timeout=5)
        assert check.status == health_pb2.HealthCheckResponse.NOT_SERVING
        assert health.Check(health_pb2.HealthCheckRequest(service="gateway.PatternService/general"),
                            timeout=5).status == health_pb2.HealthCheckResponse.SERVING
        unknown = health.Watch(health_pb2.HealthCheckRequest(service="nope"), timeout=5)
        assert next(unknown).status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
        unknown.cancel()


# ---------------------------------------------------------------- grpcio with protoc stubs


def test_embed_matches_rest_and_counts_grpc(gw, svc, pb, sim):
    text = uniq("parity")
    resp, call = svc.Embed.with_call(pb[0].EmbedRequest(model="general", texts=[text]), timeout=10)
    trailers = dict(call.trailing_metadata())
    assert trailers.get("x-cache") == "MISS"
    assert resp.status == "completed" and resp.pattern == "real_time" and resp.endpoint.startswith("http://")
    rest = http(gw.port, "POST", "/api/v1/external/general/embed", {"text": text}).json()
    assert rest["cached"] is True
    assert close(list(resp.embeddings[0].values), rest["embedding"])
    again, call = svc.Embed.with_call(pb[0].EmbedRequest(model="general", texts=[text]), timeout=10)
    assert dict(call.trailing_metadata()).get("x-cache") == "HIT" and again.cached and again.endpoint == "cache"
    metrics = http(gw.port, "GET", "/metrics").body.decode()
    assert 'protocol="grpc"' in metrics and 'model="general"' in metrics


@pytest.mark.parametrize("request_kw,code,message", [
    ({"model": "gpt4", "texts": ["x"]}, grpc.StatusCode.NOT_FOUND, 'unknown model "gpt4"'),
    ({"model": "general", "texts": []}, grpc.StatusCode.INVALID_ARGUMENT, "texts must not be empty"),
    ({"model": "general", "texts": ["a", ""]}, grpc.StatusCode.INVALID_ARGUMENT, "texts[1] must not be empty"),
    ({"model": "", "texts": ["a"]}, grpc.StatusCode.INVALID_ARGUMENT, "model is required"),
])
def test_embed_errors_follow_the_spec_mapping(svc, pb, request_kw, code, message):
    with pytest.raises(grpc.RpcError) as e:
        svc.Embed(pb[0].EmbedRequest(**request_kw), timeout=10)
    assert code_of(e) == code
    assert message in e.value.details()


def test_the_same_error_over_rest(gw):
    r = http(gw.port, "POST", "/api/v1/external/gpt4/embed", {"text": "x"})
    assert r.status == 404 and 'unknown model "gpt4"' in r.json()["error"]["message"]


def test_queued_embed_then_watch_until_completed(svc, pb, sim):
    q = svc.Embed(pb[0].EmbedRequest(model="deepseek", texts=[uniq("w1"), uniq("w2")]), timeout=10)
    assert q.status == "queued" and q.processing_mode == "bulk" and q.queue_position >= 1
    states = [m for m in svc.WatchBatch(pb[0].GetBatchRequest(batch_id=q.batch_id), timeout=30)]
    assert [s.status for s in states][-1] == "completed"
    assert len(states) == len({(s.status, s.completed_items) for s in states}), "one message per change"
    assert len(states[-1].embeddings) == 2 and len(states[-1].embeddings[0].values) == 4096


def test_get_batch_unknown_is_not_found(svc, pb):
    with pytest.raises(grpc.RpcError) as e:
        svc.GetBatch(pb[0].GetBatchRequest(batch_id="batch_nope_1"), timeout=5)
    assert code_of(e) == grpc.StatusCode.NOT_FOUND


def test_ingest_stream_and_search(svc, pb):
    unit = lambda i: [1.0 if j == i else 0.0 for j in range(384)]  # noqa: E731
    msgs = [pb[0].IngestRequest(model="general", points=[pb[0].Point(id=f"st{i}", vector=unit(i), payload={"n": str(i)})])
            for i in range(4)]
    resp = svc.IngestStream(iter(msgs), timeout=10)
    assert resp.ingested == 4 and list(resp.ids) == ["st0", "st1", "st2", "st3"]
    q = [0.0] * 384
    q[2], q[3] = 0.8, 0.6
    found = svc.SearchPattern(pb[0].SearchRequest(model="general", query_vector=q, limit=2), timeout=10)
    assert [p.id for p in found.results] == ["st2", "st3"]
    assert math.isclose(found.results[0].score, 0.8, abs_tol=1e-5) and dict(found.results[0].payload) == {"n": "2"}
    with pytest.raises(grpc.RpcError) as e:
        svc.SearchPattern(pb[0].SearchRequest(model="general", query_vector=[1.0, 2.0]), timeout=5)
    assert code_of(e) == grpc.StatusCode.INVALID_ARGUMENT and "384" in e.value.details()


def test_search_parity_with_rest(gw, svc, pb):
    unit = lambda i: [1.0 if j == i else 0.0 for j in range(384)]  # noqa: E731
    svc.Ingest(pb[0].IngestRequest(model="general", points=[pb[0].Point(id=f"par{i}", vector=unit(10 + i)) for i in range(3)]),
               timeout=10)
    q = [0.0] * 384
    q[10], q[11], q[12] = 0.5, 0.7, 0.2
    grpc_ids = [p.id for p in svc.SearchPattern(pb[0].SearchRequest(model="general", query_vector=q, limit=3), timeout=10).results]
    rest = http(gw.port, "POST", "/api/v1/patterns/general/search", {"query_vector": q, "limit": 3}).json()
    assert grpc_ids == [p["id"] for p in rest["results"]] == ["par1", "par0", "par2"]


def test_pattern_status(svc, pb):
    s = svc.GetPatternStatus(pb[0].PatternStatusRequest(), timeout=5)
    by = {m.name: m for m in s.models}
    assert by["general"].pattern == "real_time" and by["mixtral"].pattern == "bulk_only"
    assert by["hermes"].breaker_state == "closed"


# ---------------------------------------------------------------- deadlines, cancellation, limits


def test_a_1ms_deadline_on_a_slow_upstream_is_deadline_exceeded(svc, pb, sim):
    sim.control(model="general", latency_ms=500)
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as e:
        svc.Embed(pb[0].EmbedRequest(model="general", texts=[uniq("slow")]), timeout=0.001)
    assert code_of(e) == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 0.4


def test_the_server_enforces_grpc_timeout(gw, sim, pb):
    """A raw HTTP/2 call with grpc-timeout and no client-side deadline: the server itself ends it."""
    sim.control(model="general", latency_ms=2000)
    msg = pb[0].EmbedRequest(model="general", texts=[uniq("srv")]).SerializeToString()
    headers, data, trailers, took = raw_call(gw.port, "/gateway.PatternService/Embed", frame(msg),
                                             [("grpc-timeout", "200m")])
    status = trailers.get("grpc-status") or headers.get("grpc-status")
    assert status == str(grpc.StatusCode.DEADLINE_EXCEEDED.value[0]), (headers, trailers)
    assert data == b"" and took < 1.5, took


def test_a_compressed_flag_without_grpc_encoding_is_internal(gw, pb):
    msg = pb[0].EmbedRequest(model="general", texts=["c"]).SerializeToString()
    headers, _, trailers, _ = raw_call(gw.port, "/gateway.PatternService/Embed", frame(msg, compressed=True))
    assert (trailers.get("grpc-status") or headers.get("grpc-status")) == str(grpc.StatusCode.INTERNAL.value[0])


def test_grpc_message_is_percent_encoded(gw, pb):
    msg = pb[0].EmbedRequest(model="gpt-ü%", texts=["x"]).SerializeToString()
    headers, _, trailers, _ = raw_call(gw.port, "/gateway.PatternService/Embed", frame(msg))
    fields = trailers or headers
    assert fields.get("grpc-status") == "5"
    assert 'unknown model "gpt-%C3%BC%25"' in fields.get("grpc-message", ""), fields


def in_flight(port: int, model: str) -> int:
    st = get_json(port, "/api/v1/external/patterns/status")
    return sum(e["in_flight"] for e in st["circuit_breakers"][model]["endpoints"])


def test_cancelling_a_call_stops_the_upstream_work(gw, svc, pb, sim):
    sim.control(model="phi3", mode="hang")
    fut = svc.Embed.future(pb[0].EmbedRequest(model="phi3", texts=[uniq("cancel")]), timeout=20)
    deadline = time.monotonic() + 3
    while in_flight(gw.port, "phi3") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_flight(gw.port, "phi3") == 1
    fut.cancel()
    deadline = time.monotonic() + 2
    while in_flight(gw.port, "phi3") != 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_flight(gw.port, "phi3") == 0, "the upstream call outlived the cancelled gRPC call"


def test_cancelling_a_server_stream_mid_way(gw, svc, pb, sim):
    sim.control(model="mixtral", mode="hang")
    q = svc.Embed(pb[0].EmbedRequest(model="mixtral", texts=[uniq("never")]), timeout=10)
    stream = svc.WatchBatch(pb[0].GetBatchRequest(batch_id=q.batch_id), timeout=20)
    assert next(stream).status in ("queued", "processing")
    stream.cancel()
    with pytest.raises(grpc.RpcError) as e:
        next(stream)
    assert code_of(e) == grpc.StatusCode.CANCELLED
    assert http(gw.port, "GET", "/health").status == 200


def test_a_5mib_message_is_resource_exhausted(svc, pb, gw):
    with pytest.raises(grpc.RpcError) as e:
        svc.Embed(pb[0].EmbedRequest(model="general", texts=["x" * (5 << 20)]), timeout=20)
    assert code_of(e) == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert http(gw.port, "GET", "/health").status == 200


def test_unknown_method_and_service_are_unimplemented(channel):
    for path in ("/gateway.PatternService/Nope", "/gateway.Nope/Embed"):
        call = channel.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
        with pytest.raises(grpc.RpcError) as e:
            call(b"", timeout=5)
        assert code_of(e) == grpc.StatusCode.UNIMPLEMENTED, path


def test_gzip_is_unimplemented(svc, pb):
    with pytest.raises(grpc.RpcError) as e:
        svc.Embed(pb[0].EmbedRequest(model="general", texts=["z"]), timeout=5, compression=grpc.Compression.Gzip)
    assert code_of(e) == grpc.StatusCode.UNIMPLEMENTED


def test_a_non_grpc_content_type_is_415(gw):
    r = curl(f"http://127.0.0.1:{gw.port}/gateway.PatternService/Embed", "--http2-prior-knowledge", "-X", "POST",
             "-H", "content-type: application/json", "-d", "{}")
    assert r.status == 415, r
    assert json.loads(r.body)["error"]["code"] == "invalid_argument"


def test_many_concurrent_calls_on_one_channel(svc, pb):
    texts = [uniq(f"c{i}") for i in range(40)]
    results, errors = {}, []

    def one(t):
        try:
            results[t] = svc.Embed(pb[0].EmbedRequest(model="general", texts=[t]), timeout=10)
        except grpc.RpcError as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=one, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert not errors and len(results) == 40


# ---------------------------------------------------------------- TLS and mTLS


def _tls_gateway(sim, module_gateways, certs, *extra):
    return module_gateways.start(gateway_env(sim), extra_args=("--tls-cert", str(certs / "server.crt"),
                                                               "--tls-key", str(certs / "server.key"), *extra))


def _secure(port, certs, client=True):
    creds = grpc.ssl_channel_credentials(
        root_certificates=(certs / "ca.crt").read_bytes(),
        private_key=(certs / "client.key").read_bytes() if client else None,
        certificate_chain=(certs / "client.crt").read_bytes() if client else None)
    return grpc.secure_channel(f"127.0.0.1:{port}", creds, options=[("grpc.ssl_target_name_override", "localhost")])


def test_grpc_over_tls_on_both_ports(sim, module_gateways, certs, pb):
    g = _tls_gateway(sim, module_gateways, certs)
    for port in (g.port, g.tls_port):
        with _secure(port, certs, client=False) as ch:
            r = pb[1].PatternServiceStub(ch).Embed(pb[0].EmbedRequest(model="general", texts=["tls"]), timeout=10)
            assert r.status == "completed"


def test_grpc_mutual_tls(sim, module_gateways, certs, pb):
    g = _tls_gateway(sim, module_gateways, certs, "--tls-client-ca", str(certs / "ca.crt"))
    with _secure(g.tls_port, certs, client=True) as ch:
        assert pb[1].PatternServiceStub(ch).GetPatternStatus(pb[0].PatternStatusRequest(), timeout=10).models
    with _secure(g.tls_port, certs, client=False) as ch:
        with pytest.raises(grpc.RpcError) as e:
            pb[1].PatternServiceStub(ch).GetPatternStatus(pb[0].PatternStatusRequest(), timeout=5)
        assert code_of(e) == grpc.StatusCode.UNAVAILABLE
