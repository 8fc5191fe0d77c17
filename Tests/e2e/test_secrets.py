"""Operating without fear (spec §6): no secret — an API key (good or wrong), the Redis password, the
TLS private key, credentials in an upstream URL — ever appears in the gateway's log (written at debug
level) or in an answer, and no answer to bad input carries a stack trace or a path of the server,
on REST, GraphQL and gRPC, with Redis up, down and refusing the password."""
from __future__ import annotations

import os
import re
import time
import uuid

import grpc
import pytest

from grpc_support import stubs
from helpers import gateway_bin, run
from services import MODELS, RedisServer, gateway_env, gateways, http, sim  # noqa: F401
from test_security import sha

SIZE = MODELS["general"]["size"]
ADMIN_KEY = "pg-admin-" + uuid.uuid4().hex
READ_KEY = "pg-read-" + uuid.uuid4().hex
WRONG_KEY = "pg-wrong-" + uuid.uuid4().hex
REDIS_PASSWORD = "rpw-" + uuid.uuid4().hex
# What must never come back: a Swift runtime trap, a backtrace, a source file, a server directory.
LEAK_MARKERS = re.compile(r"Fatal error|Stack dump|backtrace|\.swift\b|/tmp/|/home/|/root/|/work/|/usr/|0x[0-9a-f]{8,}")


@pytest.fixture
def locked_redis(tmp_path_factory):
    r = RedisServer(tmp_path_factory.mktemp("redis-auth"), password=REDIS_PASSWORD).start()
    yield r
    r.kill()


def key_config(tmp_path) -> str:
    path = tmp_path / "keys.yaml"
    path.write_text("\n".join([
        "security:", "  api_keys:",
        "    - name: ops", f"      sha256: {sha(ADMIN_KEY)}", "      role: admin",
        "    - name: dashboard", f"      sha256: {sha(READ_KEY)}", "      role: read",
    ]) + "\n")
    return str(path)


def private_key_lines(path) -> list[str]:
    """The base64 lines of a PEM private key: each is a piece of the secret."""
    return [line for line in path.read_text().splitlines() if line and not line.startswith("-----")]


class Answers:
    """Every answer the gateway gave in a test, to search for leaks at the end."""

    def __init__(self):
        self.texts: list[str] = []

    def rest(self, port, method, path, body=None, headers=None, want=None):
        r = http(port, method, path, body, headers=headers)
        self.texts.append(f"{method} {path} -> {r.status} {r.headers} {r.body.decode(errors='replace')}")
        if want is not None:
            assert r.status == want, f"{method} {path}: {r}"
        return r

    def grpc_call(self, fn, request, metadata):
        try:
            fn(request, metadata=metadata, timeout=10)
            return grpc.StatusCode.OK
        except grpc.RpcError as e:
            self.texts.append(f"grpc {e.code()} {e.details()}")
            return e.code()

    def assert_clean(self, secrets, server_paths):
        for text in self.texts:
            for secret in secrets:
                assert secret not in text, f"a secret came back in an answer: {text[:400]}"
            for p in server_paths:
                assert p not in text, f"a server path came back in an answer: {text[:400]}"
            m = LEAK_MARKERS.search(text)
            assert m is None, f"{m.group(0)!r} in an answer: {text[:400]}"


def assert_log_clean(gw, secrets):
    assert "--log-level" in gw.args and gw.args[gw.args.index("--log-level") + 1] == "debug", gw.args
    log = gw.log_text()
    assert log, "the gateway wrote no log to check"
    for secret in secrets:
        assert secret not in log, f"a secret is in the log: …{log[max(0, log.find(secret) - 200):log.find(secret) + 80]}…"


def test_no_secret_in_logs_or_answers_on_any_protocol(sim, gateways, locked_redis, certs, tmp_path):
    gw = gateways.start(gateway_env(sim, locked_redis),
                        extra_args=("--config", key_config(tmp_path),
                                    "--tls-cert", certs / "server.crt", "--tls-key", certs / "server.key"))
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    a = Answers()
    # Redis accepted the password: the queue and /ready work through it
    ready = a.rest(gw.port, "GET", "/ready", want=200)
    assert ready.json()["checks"]["redis"]["status"] == "ok", ready
    batch_id = a.rest(gw.port, "POST", "/api/v1/external/mixtral/embed", {"text": "queued"}, admin, want=202).json()["batch_id"]

    # refused keys, every way a client can send one
    for headers in ({"Authorization": f"Bearer {WRONG_KEY}"}, {"x-api-key": WRONG_KEY},
                    {"Authorization": f"Basic {WRONG_KEY}"}, {"Authorization": WRONG_KEY}):
        a.rest(gw.port, "GET", "/api/v1/patterns/status", headers=headers, want=401)
    a.rest(gw.port, "POST", "/api/v1/external/general/embed", {"text": "x"},
           {"Authorization": f"Bearer {READ_KEY}"}, want=403)

    # bad input of every kind, with a valid key so it reaches the handlers
    bad = [
        ("POST", "/api/v1/external/general/embed", b"{not json", 400),
        ("POST", "/api/v1/external/general/embed", {"text": 5}, 400),
        ("POST", "/api/v1/external/nosuchmodel/embed", {"text": "x"}, 404),
        ("POST", "/api/v1/patterns/general/ingest", {"vectors": [[1.0] * (SIZE + 1)]}, 400),
        ("POST", "/api/v1/patterns/general/search", {"query_vector": "no"}, 400),
        ("GET", "/api/v1/external/batch/" + "9" * 40, None, 404),
        ("GET", "/../../etc/passwd", None, 404),
        ("POST", "/graphql", b"\x00\xff", 400),
        ("POST", "/graphql", {"query": "{ patternStatus { "}, 400),
        ("POST", "/graphql", {"query": "{ nosuchfield }"}, 400),
        ("POST", "/graphql", {"query": "mutation { embed(model: \"nosuch\", texts: [\"x\"]) { __typename } }"}, 200),
    ]
    for method, path, body, want in bad:
        a.rest(gw.port, method, path, body, admin, want=want)

    pb, pb_grpc = stubs()
    ch = grpc.insecure_channel(f"127.0.0.1:{gw.port}")
    svc = pb_grpc.PatternServiceStub(ch)
    raw = ch.unary_unary("/gateway.PatternService/Embed", request_serializer=None, response_deserializer=None)
    try:
        assert a.grpc_call(svc.GetPatternStatus, pb.PatternStatusRequest(),
                           [("authorization", f"Bearer {WRONG_KEY}")]) == grpc.StatusCode.UNAUTHENTICATED
        assert a.grpc_call(svc.GetPatternStatus, pb.PatternStatusRequest(),
                           [("x-api-key", WRONG_KEY)]) == grpc.StatusCode.UNAUTHENTICATED
        assert a.grpc_call(svc.Embed, pb.EmbedRequest(model="nosuch", texts=["x"]),
                           [("x-api-key", ADMIN_KEY)]) == grpc.StatusCode.NOT_FOUND
        assert a.grpc_call(raw, b"\x0a\xff\xff\xff\xff\x0f", [("x-api-key", ADMIN_KEY)]) == grpc.StatusCode.INVALID_ARGUMENT

        # Redis goes away: the errors that name it must not carry its password
        locked_redis.kill()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and http(gw.port, "GET", "/ready").status != 503:
            time.sleep(0.2)
        down = a.rest(gw.port, "GET", "/ready", want=503)
        assert down.json()["checks"]["redis"]["status"] == "down", down
        a.rest(gw.port, "POST", "/api/v1/external/mixtral/embed", {"text": "no queue"}, admin, want=503)
        # an accepted job cannot be read now: 503 and "try again", never 404 "no such batch"
        lookup = a.rest(gw.port, "GET", f"/api/v1/external/batch/{batch_id}", None, admin, want=503)
        assert lookup.json()["error"]["code"] == "unavailable" and lookup.headers.get("retry-after"), lookup
        q = a.rest(gw.port, "POST", "/graphql", {"query": f'{{ batch(id: "{batch_id}") {{ status }} }}'}, admin, want=200)
        assert q.json()["errors"][0]["extensions"]["code"] == "unavailable", q
        assert a.grpc_call(svc.GetBatch, pb.GetBatchRequest(batch_id=batch_id),
                           [("x-api-key", ADMIN_KEY)]) == grpc.StatusCode.UNAVAILABLE
        assert a.grpc_call(svc.Embed, pb.EmbedRequest(model="mixtral", texts=["no queue"]),
                           [("x-api-key", ADMIN_KEY)]) == grpc.StatusCode.UNAVAILABLE
    finally:
        ch.close()
    assert http(gw.port, "GET", "/health").status == 200

    secrets = [ADMIN_KEY, READ_KEY, WRONG_KEY, REDIS_PASSWORD, *private_key_lines(certs / "server.key")]
    a.assert_clean(secrets, [str(gw.workdir), str(gw.data_dir), str(certs)])
    assert_log_clean(gw, secrets)


def test_a_refused_redis_password_is_reported_without_it(sim, gateways, locked_redis):
    wrong = "not-" + REDIS_PASSWORD
    url = locked_redis.url.replace(REDIS_PASSWORD, wrong)
    gw = gateways.start(gateway_env(sim, REDIS_URL=url))
    deadline, ready = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        ready = http(gw.port, "GET", "/ready")
        if ready.status == 503:
            break
        time.sleep(0.2)
    assert ready is not None and ready.status == 503, ready
    redis_check = ready.json()["checks"]["redis"]
    assert redis_check["status"] == "down", redis_check
    text = ready.body.decode()
    assert wrong not in text and REDIS_PASSWORD not in text, text
    bulk = http(gw.port, "POST", "/api/v1/external/mixtral/embed", {"text": "x"})
    assert bulk.status == 503, bulk
    assert wrong not in bulk.body.decode(), bulk
    assert wrong not in gw.log_text()


@pytest.mark.parametrize("where", ["env", "config"])
def test_credentials_in_an_upstream_url_are_refused_without_echoing_them(tmp_path, where):
    secret = "s3cret-" + uuid.uuid4().hex
    url = f"http://svc:{secret}@127.0.0.1:11408"
    args = [gateway_bin(), "--host", "127.0.0.1", "--port", "0", "--data-dir", tmp_path / "data"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QDRANT_", "REDIS_", "GENERAL_"))}
    if where == "env":
        env["GENERAL_ENDPOINT"] = url
    else:
        (tmp_path / "g.yaml").write_text(f"models:\n  general:\n    endpoints: [\"{url}\"]\n")
        args += ["--config", tmp_path / "g.yaml"]
    p = run(args, timeout=20, env=env, cwd=tmp_path)
    out = (p.stdout + p.stderr).decode(errors="replace")
    assert p.returncode != 0, out
    assert "credentials" in out, out
    assert secret not in out, out
