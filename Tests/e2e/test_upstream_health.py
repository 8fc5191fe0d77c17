"""Spec §9 against the simulator: active health checks take a dead server of an idle model out of
rotation (and show it on every status page, gRPC health, metrics and the log) with no traffic at
all; the retry policy asks a transient 500 or 429 again, never a plain 4xx."""
from __future__ import annotations

import time
import uuid

import grpc
import pytest

from services import Simulator, embed, gateway_env, gateways, get_json, http, sim  # noqa: F401 (fixtures)

FAST_CHECKS = dict(PATTERN_HEALTH_INTERVAL="0.2", PATTERN_HEALTH_TIMEOUT="1",
                   PATTERN_HEALTH_UNHEALTHY_THRESHOLD="2", PATTERN_HEALTH_HEALTHY_THRESHOLD="2")


def uniq(p: str) -> str:
    return f"{p}-{uuid.uuid4().hex[:10]}"


def wait_for(what: str, check, timeout: float = 10.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout}s (last: {last!r})")


def grpc_health(port: int, service: str) -> str:
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
        r = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(r.status)


@pytest.fixture
def dead_sim(tmp_path_factory):
    """A second simulator whose health path answers 503 and every call 500."""
    s = Simulator(tmp_path_factory.mktemp("deadsim")).start()
    s.control(health="fail")
    s.control(model="*", mode="fail", status=500)
    yield s
    s.stop()


def test_a_dead_server_of_an_idle_bulk_model_shows_down_without_traffic(sim, dead_sim, gateways):
    gw = gateways.start(gateway_env(sim, MIXTRAL_ENDPOINT=dead_sim.url, **FAST_CHECKS))
    # Nothing is sent to mixtral: only the probes find out.
    body = wait_for("patterns/health reports mixtral down",
                    lambda: (lambda r: r.json() if r.status == 503 and
                             r.json()["models"]["mixtral"]["upstream"] == "down" else None)(
                        http(gw.port, "GET", "/api/v1/patterns/health")))
    assert body["status"] == "degraded"
    assert all(m["upstream"] == "ok" for name, m in body["models"].items() if name != "mixtral"), body
    dead = dead_sim.counters("mixtral")
    assert dead["embed_calls"] == 0, dead
    assert dead_sim.state_server()["health_probes"] >= 2

    status = get_json(gw.port, "/api/v1/external/patterns/status")["circuit_breakers"]["mixtral"]
    assert status["upstream"] == "down" and status["status"] == "closed", status
    (ep,) = status["endpoints"]
    assert ep["url"] == dead_sim.url and ep["healthy"] is False
    assert ep["health_check"]["status"] == "unhealthy" and "503" in ep["health_check"]["last_failure"], ep
    vec = get_json(gw.port, "/api/v1/patterns/status")["models"]["mixtral"]
    assert vec["upstream"] == "down" and vec["endpoints_in_rotation"] == 0 and vec["endpoints"] == 1, vec
    assert get_json(gw.port, "/api/v1/patterns/status")["models"]["general"]["upstream"] == "ok"

    assert grpc_health(gw.port, "gateway.PatternService/mixtral") == "NOT_SERVING"
    assert grpc_health(gw.port, "gateway.PatternService/general") == "SERVING"
    metrics = http(gw.port, "GET", "/metrics").body.decode()
    assert f'integration_endpoint_healthy{{model="mixtral",endpoint="{dead_sim.url}"}} 0' in metrics
    assert f'integration_endpoint_healthy{{model="general",endpoint="{sim.url}"}} 1' in metrics

    # A queued job waits: its attempts are not spent on a server that is out of rotation.
    r = embed(gw.port, "mixtral", {"text": uniq("waits")})
    assert r.status == 202, r
    time.sleep(2.5)
    rec = get_json(gw.port, f"/api/v1/external/batch/{r.json()['batch_id']}")
    assert rec["status"] == "queued" and rec["attempts"] == 0, rec
    assert dead_sim.counters("mixtral")["embed_calls"] == 0

    # Back: healthy_threshold good probes return it to rotation, and the job completes.
    dead_sim.control(health="ok")
    dead_sim.control(model="*", mode="recover")
    wait_for("patterns/health ok again", lambda: http(gw.port, "GET", "/api/v1/patterns/health").status == 200)
    assert grpc_health(gw.port, "gateway.PatternService/mixtral") == "SERVING"
    wait_for("the waiting job completes",
             lambda: get_json(gw.port, f"/api/v1/external/batch/{r.json()['batch_id']}")["status"] == "completed",
             timeout=15)

    # One log line per transition, naming the endpoint.
    lines = [rec for rec in gw.log_records() if rec.get("model") == "mixtral" and "rotation" in rec.get("message", "")]
    assert [rec["health"] for rec in lines] == ["unhealthy", "healthy"], lines
    assert lines[0]["endpoint"] == dead_sim.url and "503" in lines[0]["reason"]


def test_real_time_fails_at_once_and_hybrid_degrades_when_no_endpoint_is_in_rotation(sim, dead_sim, gateways):
    gw = gateways.start(gateway_env(sim, PHI3_ENDPOINT=dead_sim.url, HERMES_ENDPOINT=dead_sim.url, **FAST_CHECKS))
    wait_for("phi3 out of rotation",
             lambda: get_json(gw.port, "/api/v1/external/patterns/status")["circuit_breakers"]["phi3"]["upstream"] == "down")
    t0 = time.monotonic()
    r = embed(gw.port, "phi3", {"text": uniq("rt")})
    took = time.monotonic() - t0
    assert r.status == 503 and r.json()["error"]["code"] == "unavailable", r
    assert r.headers.get("retry-after") == "1", r.headers
    assert "health checks" in r.json()["error"]["message"]
    assert took < 2.0, f"no upstream call should be tried, yet it took {took:.2f}s"
    h = embed(gw.port, "hermes", {"text": uniq("hy"), "urgent": True})
    assert h.status == 202 and h.json()["degraded"] is True, h
    assert dead_sim.counters("phi3")["embed_calls"] == 0 and dead_sim.counters("hermes")["embed_calls"] == 0


def test_one_transient_500_is_retried(sim, gateways):
    gw = gateways.start(gateway_env(sim, PATTERN_RETRY_ATTEMPTS=3))
    before = sim.counters("general")
    sim.control(model="general", fail_next=1, status=500)
    r = embed(gw.port, "general", {"text": uniq("t500")})
    assert r.status == 200, r
    after = sim.counters("general")
    assert after["embed_calls"] - before["embed_calls"] == 2, (before, after)
    assert after["failures"] - before["failures"] == 1


def test_429_waits_for_retry_after_and_a_plain_4xx_is_never_retried(sim, gateways):
    gw = gateways.start(gateway_env(sim, PATTERN_RETRY_ATTEMPTS=3))
    sim.control(model="general", fail_next=1, status=429, retry_after=1)
    before = sim.counters("general")["embed_calls"]
    t0 = time.monotonic()
    r = embed(gw.port, "general", {"text": uniq("t429")})
    assert r.status == 200 and time.monotonic() - t0 >= 1.0, r
    assert sim.counters("general")["embed_calls"] - before == 2

    sim.control(model="general", fail_next=1, status=422)
    before = sim.counters("general")["embed_calls"]
    r = embed(gw.port, "general", {"text": uniq("t422")})
    assert r.status == 502 and r.json()["error"]["code"] == "upstream_error", r
    assert sim.counters("general")["embed_calls"] - before == 1
    sim.control(model="general", fail_next=0)


def test_retry_on_per_model_from_the_yaml(sim, gateways, tmp_path):
    config = tmp_path / "gateway.yaml"
    config.write_text("models:\n  general: {retry_on: gateway-error}\n"
                      "patterns:\n  retry_on: [connect-failure, reset, 5xx]\n  health_check: {interval: 0.5}\n")
    gw = gateways.start(gateway_env(sim, PATTERN_RETRY_ATTEMPTS=3), extra_args=("--config", str(config)))
    settings = get_json(gw.port, "/api/v1/optimizations/status")["models"]
    assert settings["general"]["retry_on"] == "gateway-error" and settings["phi3"]["retry_on"] == "5xx,connect-failure,reset"
    assert settings["phi3"]["health_check"]["interval"] == 0.5
    sim.control(model="general", fail_next=1, status=500)
    before = sim.counters("general")["embed_calls"]
    assert embed(gw.port, "general", {"text": uniq("yaml500")}).status == 502
    assert sim.counters("general")["embed_calls"] - before == 1
    sim.control(model="phi3", fail_next=1, status=500)
    before = sim.counters("phi3")["embed_calls"]
    assert embed(gw.port, "phi3", {"text": uniq("yaml500")}).status == 200
    assert sim.counters("phi3")["embed_calls"] - before == 2
