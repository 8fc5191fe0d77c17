"""API keys, roles and rate limits (spec §6) on the release gateway, the same on every protocol:
REST (`Authorization: Bearer` and `x-api-key`), GraphQL over HTTP, and gRPC metadata. Keys are
configured as SHA-256 hashes in the YAML file; the keys themselves never reach the logs."""
from __future__ import annotations

import hashlib
import uuid

import grpc
import pytest

from grpc_support import stubs
from services import (MODELS, gateway_env, gateways, http, module_gateways, poll_batches,  # noqa: F401
                      redis_server, sim)
from test_graphql import gql

KEYS = {"read": "pg-read-" + uuid.uuid4().hex, "write": "pg-write-" + uuid.uuid4().hex,
        "admin": "pg-admin-" + uuid.uuid4().hex, "tight": "pg-tight-" + uuid.uuid4().hex}
SIZE = MODELS["general"]["size"]


def sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def config(tmp, tight_rate=0.05, tight_burst=3) -> str:
    lines = ["security:", "  rate_limit: {rate: 1000, burst: 1000}", "  api_keys:"]
    for role in ("read", "write", "admin"):
        lines += [f"    - name: {role}-key", f"      sha256: {sha(KEYS[role])}", f"      role: {role}"]
    lines += ["    - name: tight-key", f"      sha256: {sha(KEYS['tight'])}", "      role: read",
              f"      rate: {tight_rate}", f"      burst: {tight_burst}"]
    path = tmp / f"security-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def gw(sim, module_gateways, tmp_path_factory):
    cfg = config(tmp_path_factory.mktemp("sec"))
    return module_gateways.start(gateway_env(sim), extra_args=("--config", cfg))


@pytest.fixture(scope="module")
def pb():
    return stubs()


@pytest.fixture(scope="module")
def svc(gw, pb):
    ch = grpc.insecure_channel(f"127.0.0.1:{gw.port}")
    yield pb[1].PatternServiceStub(ch)
    ch.close()


def bearer(role):
    return {"Authorization": f"Bearer {KEYS[role]}"} if role else {}


# (method, path, body, role needed)
REST_CALLS = [
    ("GET", "/api/v1/external/patterns/status", None, "read"),
    ("GET", "/api/v1/patterns/status", None, "read"),
    ("POST", "/api/v1/patterns/general/search", {"query_vector": [1.0] * SIZE, "limit": 1}, "read"),
    ("POST", "/api/v1/external/general/embed", {"text": "security check"}, "write"),
    ("POST", "/api/v1/patterns/general/ingest", {"vectors": [[0.5] * SIZE]}, "write"),
    ("POST", "/api/v1/external/test/failover", {"model": "general"}, "admin"),
]
RANK = {"read": 0, "write": 1, "admin": 2}


@pytest.mark.parametrize("method,path,body,needs", REST_CALLS)
@pytest.mark.parametrize("role", [None, "read", "write", "admin"])
def test_rest_roles(gw, method, path, body, needs, role):
    r = http(gw.port, method, path, body, headers=bearer(role), timeout=20)
    if role is None:
        assert r.status == 401 and r.json()["error"]["code"] == "unauthenticated", r
        assert r.headers.get("www-authenticate") == "Bearer"
    elif RANK[role] < RANK[needs]:
        assert r.status == 403 and r.json()["error"]["code"] == "permission_denied", r
        assert r.json()["error"]["details"]["required_role"] == needs
    else:
        assert r.status in (200, 202), r
        assert int(r.headers["ratelimit-limit"]) == 1000 and "ratelimit-remaining" in r.headers


def test_x_api_key_header_and_unknown_keys(gw):
    r = http(gw.port, "GET", "/api/v1/patterns/status", headers={"x-api-key": KEYS["read"]})
    assert r.status == 200, r
    for headers in ({"x-api-key": "nope"}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {KEYS['read']}"}):
        r = http(gw.port, "GET", "/api/v1/patterns/status", headers=headers)
        assert r.status == 401 and r.json()["error"]["code"] == "unauthenticated", (headers, r)


def test_probes_stay_open(gw):
    for path in ("/health", "/ready", "/metrics"):
        assert http(gw.port, "GET", path).status == 200, path


def test_graphql_roles(gw):
    q = "{ patternStatus { realTime { models } } }"
    r = gql(gw.port, q)
    assert r.status == 401 and r.json()["errors"][0]["extensions"]["code"] == "unauthenticated", r
    r = gql(gw.port, q, headers=bearer("read"))
    assert r.status == 200 and "errors" not in r.json(), r
    m = 'mutation { embed(model: "general", text: "gql security") { __typename } }'
    denied = gql(gw.port, m, headers=bearer("read")).json()
    assert denied["data"] is None and denied["errors"][0]["extensions"]["code"] == "permission_denied", denied
    assert denied["errors"][0]["path"] == ["embed"]
    ok = gql(gw.port, m, headers=bearer("write")).json()
    assert "errors" not in ok and ok["data"]["embed"]["__typename"] == "Embedding", ok
    f = 'mutation { simulateFailover(model: "general") { recovered } }'
    assert gql(gw.port, f, headers=bearer("write")).json()["errors"][0]["extensions"]["code"] == "permission_denied"
    assert gql(gw.port, f, headers={"x-api-key": KEYS["admin"]}).json()["data"]["simulateFailover"] is not None


@pytest.mark.parametrize("role,method,allowed", [
    (None, "GetPatternStatus", grpc.StatusCode.UNAUTHENTICATED),
    ("read", "GetPatternStatus", grpc.StatusCode.OK),
    ("read", "Embed", grpc.StatusCode.PERMISSION_DENIED),
    ("write", "Embed", grpc.StatusCode.OK),
    ("read", "Ingest", grpc.StatusCode.PERMISSION_DENIED),
    ("write", "Ingest", grpc.StatusCode.OK),
    ("read", "SearchPattern", grpc.StatusCode.OK),
])
def test_grpc_roles(svc, pb, role, method, allowed):
    m = pb[0]
    requests = {
        "GetPatternStatus": m.PatternStatusRequest(),
        "Embed": m.EmbedRequest(model="general", texts=["grpc security"]),
        "Ingest": m.IngestRequest(model="general", points=[m.Point(vector=[0.25] * SIZE)]),
        "SearchPattern": m.SearchRequest(model="general", query_vector=[1.0] * SIZE, limit=1),
    }
    metadata = [("authorization", f"Bearer {KEYS[role]}")] if role else []
    try:
        getattr(svc, method)(requests[method], metadata=metadata, timeout=10)
        code = grpc.StatusCode.OK
    except grpc.RpcError as e:
        code = e.code()
    assert code == allowed
    # grpc metadata as x-api-key works too
    if role == "read" and method == "GetPatternStatus":
        svc.GetPatternStatus(requests[method], metadata=[("x-api-key", KEYS["read"])], timeout=5)


def test_rate_limit_is_429_with_headers_then_recovers_over_every_protocol(sim, gateways, tmp_path, pb):
    g = gateways.start(gateway_env(sim), extra_args=("--config", config(tmp_path, tight_rate=1, tight_burst=3)))
    statuses = [http(g.port, "GET", "/api/v1/patterns/status", headers=bearer("tight")) for _ in range(4)]
    assert [r.status for r in statuses] == [200, 200, 200, 429], [str(r) for r in statuses]
    assert [r.headers["ratelimit-remaining"] for r in statuses] == ["2", "1", "0", "0"]
    limited = statuses[3]
    assert limited.json()["error"]["code"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1
    assert limited.headers["ratelimit-limit"] == "3" and int(limited.headers["ratelimit-reset"]) >= 1
    # The same bucket on GraphQL and gRPC.
    r = gql(g.port, "{ health { status } }", headers=bearer("tight"))
    assert r.status == 429 and r.json()["errors"][0]["extensions"]["code"] == "rate_limited", r
    with grpc.insecure_channel(f"127.0.0.1:{g.port}") as ch:
        with pytest.raises(grpc.RpcError) as e:
            pb[1].PatternServiceStub(ch).GetPatternStatus(pb[0].PatternStatusRequest(),
                                                         metadata=[("x-api-key", KEYS["tight"])], timeout=5)
        assert e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    # 1 token per second: it comes back.
    import time
    time.sleep(1.2)
    assert http(g.port, "GET", "/api/v1/patterns/status", headers=bearer("tight")).status == 200
    # Other keys were never limited by it.
    assert http(g.port, "GET", "/api/v1/patterns/status", headers=bearer("read")).status == 200


def test_instances_on_one_redis_share_one_budget_exactly(sim, gateways, tmp_path, redis_server):
    cfg = config(tmp_path, tight_rate=0.01, tight_burst=10)
    a = gateways.start(gateway_env(sim, redis_server), extra_args=("--config", cfg))
    b = gateways.start(gateway_env(sim, redis_server), extra_args=("--config", cfg))
    codes = [http(gw.port, "GET", "/api/v1/patterns/status", headers=bearer("tight")).status
             for gw in [a, b] * 10]
    assert codes.count(200) == 10 and codes.count(429) == 10, codes


def test_keys_never_reach_the_logs(gw):
    http(gw.port, "GET", "/api/v1/patterns/status", headers=bearer("admin"))
    http(gw.port, "GET", "/api/v1/patterns/status", headers={"Authorization": "Bearer wrong-" + KEYS["write"]})
    log = gw.log_text()
    assert log, "the gateway wrote no log to check"
    for key in KEYS.values():
        assert key not in log
