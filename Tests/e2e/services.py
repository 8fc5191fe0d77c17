"""Processes and helpers for the external-integration suite (test_external_*.py):

    Simulator        one pattern-upstream-sim serving all nine models on one free port
    RedisServer      a throw-away redis-server on a free port (no persistence)
    GatewayRunner    pattern-gateway processes wired to a simulator (and Redis), restartable on
                     the same data directory, kill -9 able; SIGTERM → exit 0 checked at teardown
    http()           one HTTP/1.1 request with a fresh connection (thread-safe), bounded in time
    poll_batches()   poll GET /api/v1/external/batch/{id} until every id is completed (bounded)

Fixtures (import them into a test module: `from services import sim, gateways, ...`):
    sim              module-scoped simulator (latency 1 ms, no jitter); faults reset around each use
    fresh_sim        function-scoped simulator with its own counters
    gateways         function-scoped GatewayRunner
    module_gateways  module-scoped GatewayRunner
    redis_server     function-scoped RedisServer

Every request goes to 127.0.0.1 and every wait is bounded in count and time.
"""
from __future__ import annotations

import http.client as _httpc
import json
import math
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import LOOPBACK, Gateway, free_ports, gateway_bin

# --------------------------------------------------------------------------- the models (spec §1)

MODELS: dict[str, dict] = {
    "mixtral":   {"pattern": "bulk_only", "size": 4096, "batch_size": 50},
    "hermes":    {"pattern": "hybrid",    "size": 4096, "batch_size": 75},
    "openchat":  {"pattern": "hybrid",    "size": 4096, "batch_size": 50},
    "phi3":      {"pattern": "real_time", "size": 2048, "batch_size": 100},
    "yi34b":     {"pattern": "bulk_only", "size": 4096, "batch_size": 50},
    "deepcoder": {"pattern": "bulk_only", "size": 1024, "batch_size": 200},
    "imp":       {"pattern": "bulk_only", "size": 2048, "batch_size": 100},
    "deepseek":  {"pattern": "bulk_only", "size": 4096, "batch_size": 50},
    "general":   {"pattern": "real_time", "size": 384,  "batch_size": 100},
}
ALIASES = {"yi34": "yi34b"}
ENDPOINT_VARS = {
    "mixtral": "MIXTRAL_ENDPOINT", "hermes": "HERMES_ENDPOINT", "openchat": "OPENCHAT_ENDPOINT",
    "phi3": "PHI3_ENDPOINT", "yi34b": "YI34_ENDPOINT", "deepcoder": "DEEPCODER_ENDPOINT",
    "imp": "IMP_ENDPOINT", "deepseek": "DEEPSEEK_ENDPOINT", "general": "GENERAL_ENDPOINT",
}
# Everything the gateway reads from the environment: stripped from the inherited environment so
# that the developer's shell cannot change what a test sees.
GATEWAY_ENV_VARS = tuple(ENDPOINT_VARS.values()) + (
    "REAL_TIME_TIMEOUT", "HYBRID_URGENT_THRESHOLD", "BULK_BATCH_SIZE", "BULK_PROCESSING_INTERVAL",
    "PATTERN_RETRY_ATTEMPTS", "PATTERN_CIRCUIT_BREAKER_THRESHOLD", "PATTERN_BREAKER_COOLDOWN",
    "PATTERN_CACHE_TTL", "PATTERN_QUEUE_LIMIT", "PATTERN_RESULT_RETENTION", "PATTERN_QUEUE_CLAIM_TIMEOUT", "REDIS_URL", "QDRANT_URL", "QDRANT_API_KEY", "GATEWAY_PORT", "GATEWAY_DATA_DIR",
    "UPSTREAM_TLS_CA", "UPSTREAM_TLS_CERT", "UPSTREAM_TLS_KEY", "PATTERN_RETRY_ON", "PATTERN_HEALTH_INTERVAL",
    "PATTERN_HEALTH_TIMEOUT", "PATTERN_HEALTH_UNHEALTHY_THRESHOLD", "PATTERN_HEALTH_HEALTHY_THRESHOLD",
)

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")
BATCH_ID = re.compile(r"^batch_(?P<model>[a-z0-9]+)_\d{8}_\d{6}_[A-Za-z0-9]+$")

TOL = 1e-6


def sim_bin() -> Path:
    return gateway_bin().parent / "pattern-upstream-sim"


def _register_live(gw: Gateway) -> None:
    """Let conftest's failure hook attach this gateway's log tail (best effort)."""
    mod = sys.modules.get("conftest")
    live = getattr(mod, "_LIVE", None)
    if isinstance(live, list) and gw not in live:
        live.append(gw)


def _unregister_live(gw: Gateway) -> None:
    mod = sys.modules.get("conftest")
    live = getattr(mod, "_LIVE", None)
    if isinstance(live, list) and gw in live:
        live.remove(gw)


# --------------------------------------------------------------------------- HTTP

@dataclass
class Resp:
    status: int
    headers: dict[str, str]          # lower-case names; repeated headers joined with ", "
    body: bytes
    elapsed: float                   # seconds, request sent → body read

    def json(self):
        return json.loads(self.body)

    def __str__(self) -> str:
        return f"HTTP {self.status} headers={self.headers} body={self.body[:600]!r} ({self.elapsed * 1000:.1f} ms)"


def http(port: int, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 10.0) -> Resp:
    """One request on a fresh connection to 127.0.0.1:port. `body` may be bytes, str, or JSON-able."""
    if body is None:
        data = None
    elif isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body).encode()
    h = {"Connection": "close"}
    if data is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    conn = _httpc.HTTPConnection(LOOPBACK, port, timeout=timeout)
    t0 = time.monotonic()
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        elapsed = time.monotonic() - t0
        hdrs: dict[str, str] = {}
        for k, v in r.getheaders():
            k = k.lower()
            hdrs[k] = v if k not in hdrs else hdrs[k] + ", " + v
        return Resp(r.status, hdrs, raw, elapsed)
    finally:
        conn.close()


def embed(port: int, model: str, payload: dict, headers: dict | None = None, timeout: float = 10.0) -> Resp:
    return http(port, "POST", f"/api/v1/external/{model}/embed", payload, headers=headers, timeout=timeout)


def get_json(port: int, path: str, timeout: float = 10.0):
    r = http(port, "GET", path, timeout=timeout)
    assert r.status == 200, f"GET {path}: {r}"
    return r.json()


def assert_vectors_close(got, want, what: str = "vector") -> None:
    assert len(got) == len(want), f"{what}: {len(got)} vectors, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        assert len(g) == len(w), f"{what}[{i}]: dimension {len(g)}, expected {len(w)}"
        worst = max(abs(a - b) for a, b in zip(g, w))
        assert worst <= TOL, f"{what}[{i}] differs from the simulator's by up to {worst}"


def assert_unit(v, what: str = "vector") -> None:
    n = math.sqrt(sum(x * x for x in v))
    assert abs(n - 1.0) < 1e-3, f"{what} has norm {n}, expected a unit vector"


def poll_batches(port: int, ids, timeout: float = 15.0, interval: float = 0.2) -> dict[str, dict]:
    """GET every batch until all are completed (or one fails, or time runs out). Returns the records."""
    pending = list(dict.fromkeys(ids))
    done: dict[str, dict] = {}
    last: dict[str, object] = {}
    deadline = time.monotonic() + timeout
    rounds = 0
    while pending and time.monotonic() < deadline and rounds < 10_000:
        rounds += 1
        still = []
        for bid in pending:
            r = http(port, "GET", f"/api/v1/external/batch/{bid}", timeout=5)
            if r.status != 200:
                last[bid] = str(r)
                still.append(bid)
                continue
            rec = r.json()
            last[bid] = {k: v for k, v in rec.items() if k != "embeddings"}
            if rec.get("status") == "completed":
                done[bid] = rec
            elif rec.get("status") == "failed":
                raise AssertionError(f"batch {bid} failed: {last[bid]}")
            else:
                still.append(bid)
            if time.monotonic() >= deadline:
                still.extend(b for b in pending[pending.index(bid) + 1:] if b not in done)
                break
        pending = still
        if pending:
            time.sleep(interval)
    if pending:
        sample = {b: last.get(b) for b in pending[:3]}
        raise AssertionError(f"{len(pending)} of {len(done) + len(pending)} batches not completed within "
                             f"{timeout}s; e.g. {sample}")
    return done


# --------------------------------------------------------------------------- simulator

class Simulator:
    """pattern-upstream-sim --port P: the nine models on one port, routed by the body's model."""

    def __init__(self, workdir: Path, latency_ms: float = 1, jitter_ms: float = 0, extra: tuple = ()):
        self.port = free_ports(1)[0]
        self.log_path = workdir / f"sim-{self.port}.log"
        self.args = [str(sim_bin()), "--port", str(self.port), "--latency-ms", str(latency_ms),
                     "--jitter-ms", str(jitter_ms), *map(str, extra)]
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = 10.0) -> "Simulator":
        if not sim_bin().exists():
            pytest.fail(f"{sim_bin()} not built (swift build -c release)", pytrace=False)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"simulator exited with {self.proc.returncode}: {self.log_path.read_text()}")
            try:
                if http(self.port, "GET", "/control", timeout=1).status == 200:
                    return self
            except (OSError, _httpc.HTTPException):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"simulator did not answer GET /control within {timeout}s")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()

    # control ----------------------------------------------------------------
    def control(self, **body) -> dict:
        r = http(self.port, "POST", "/control", body, timeout=5)
        assert r.status == 200, f"sim POST /control {body}: {r}"
        return r.json()

    def reset(self) -> None:
        """Every model back to ok with the default latency (counters kept)."""
        self.control(model="*", mode="recover")

    def state(self) -> dict:
        r = http(self.port, "GET", "/control", timeout=5)
        assert r.status == 200, r
        return r.json()["models"]

    def counters(self, model: str) -> dict:
        return self.state()[model]

    def state_server(self) -> dict:
        """The shared port's own health state and the probes it answered (`GET /health` without a model)."""
        r = http(self.port, "GET", "/control", timeout=5)
        assert r.status == 200, r
        return r.json()["server"]

    # reference vectors -------------------------------------------------------
    def vectors(self, model: str, texts: list[str]) -> list[list[float]]:
        """The simulator's own embeddings (counts as one embed call for that model)."""
        r = http(self.port, "POST", "/v1/embeddings", {"model": model, "input": list(texts)}, timeout=10)
        assert r.status == 200, f"sim embed {model}: {r}"
        data = sorted(r.json()["data"], key=lambda d: d["index"])
        return [d["embedding"] for d in data]

    def generate(self, model: str, prompt: str | None = None, messages: list[dict] | None = None,
                 **options) -> dict:
        """The simulator's own whole answer (vLLM's /v1/completions, or /v1/chat/completions with
        `messages`), to compare a gateway's text and usage with. Counts as one generate call for
        that model and replaces its `last_generate_request`."""
        path, body = ("/v1/chat/completions", {"messages": messages}) if messages is not None \
            else ("/v1/completions", {"prompt": prompt})
        r = http(self.port, "POST", path, {"model": model, **body, **options}, timeout=30)
        assert r.status == 200, f"sim generate {model}: {r}"
        return r.json()


# --------------------------------------------------------------------------- redis

class RedisServer:
    def __init__(self, workdir: Path, password: str | None = None):
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server not installed")
        self.port = free_ports(1)[0]
        self.password = password
        self.workdir = workdir
        self.log_path = workdir / f"redis-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{LOOPBACK}:{self.port}"

    def ping(self, timeout: float = 1.0) -> bool:
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=timeout) as s:
                s.sendall(b"PING\r\n")
                # With requirepass an unauthenticated PING is refused, but the server is up.
                return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
        except OSError:
            return False

    def start(self, timeout: float = 10.0) -> "RedisServer":
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), *(["--requirepass", self.password] if self.password else [])],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, cwd=self.workdir,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.log_path.read_text()}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"redis-server did not answer PING within {timeout}s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if getattr(self, "_log", None) is not None and not self._log.closed:
            self._log.close()


# --------------------------------------------------------------------------- gateways

def gateway_env(sim: Simulator, redis: RedisServer | None = None, **overrides) -> dict[str, str]:
    """Every model at the simulator; test-friendly defaults; keyword overrides win (None removes)."""
    env = {var: sim.url for var in ENDPOINT_VARS.values()}
    env.update({
        "BULK_PROCESSING_INTERVAL": "1",
        "REAL_TIME_TIMEOUT": "5",
        "HYBRID_URGENT_THRESHOLD": "5",
        "PATTERN_BREAKER_COOLDOWN": "1",
    })
    if redis is not None:
        env["REDIS_URL"] = redis.url
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


class GatewayRunner:
    """Starts gateways in temporary working directories (so config/gateway.yaml is not read)."""

    def __init__(self, tmp_path_factory, node=None):
        self._tmp = tmp_path_factory
        self.started: list[Gateway] = []
        self._node_list = getattr(node, "_gateways", None) if node is not None else None
        if node is not None and self._node_list is None:
            try:
                node._gateways = []
                self._node_list = node._gateways
            except AttributeError:
                self._node_list = None

    def workdir(self) -> Path:
        return self._tmp.mktemp("extgw")

    def start(self, env: dict[str, str], workdir: Path | None = None, extra_args: tuple = (),
              ready_timeout: float = 20.0) -> Gateway:
        """A gateway; pass the workdir of an earlier one to reuse its --data-dir."""
        gw = Gateway(workdir or self.workdir(), tuple(extra_args))
        for k in GATEWAY_ENV_VARS:
            gw.env.pop(k, None)
        gw.env.update(env)
        self.started.append(gw)
        if self._node_list is not None:
            self._node_list.append(gw)
        _register_live(gw)
        gw.start(ready_timeout=ready_timeout)
        return gw

    @staticmethod
    def kill9(gw: Gateway) -> None:
        """SIGKILL and reap; teardown will not ask for a clean exit from this one."""
        assert gw.proc is not None
        gw.proc.send_signal(signal.SIGKILL)
        gw.proc.wait(timeout=10)
        gw.checked = True
        gw._close_log()

    def finish(self) -> list[str]:
        problems = []
        for gw in self.started:
            if gw.proc is None:
                continue
            if gw.checked:
                gw.kill()
            elif gw.proc.poll() is not None:
                problems.append(f"gateway on :{gw.port} had already exited with {gw.proc.returncode}\n"
                                f"--- log tail ---\n{gw.log_tail()}")
            else:
                rc = gw.stop(signal.SIGTERM, timeout=15)
                if rc != 0:
                    problems.append(f"gateway on :{gw.port} exit status after SIGTERM = {rc} (None = killed)\n"
                                    f"--- log tail ---\n{gw.log_tail()}")
            _unregister_live(gw)
        return problems


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    s = Simulator(tmp_path_factory.mktemp("sim")).start()
    yield s
    s.stop()


@pytest.fixture
def fresh_sim(tmp_path_factory):
    s = Simulator(tmp_path_factory.mktemp("sim")).start()
    yield s
    s.stop()


@pytest.fixture
def gateways(request, tmp_path_factory):
    runner = GatewayRunner(tmp_path_factory, request.node)
    yield runner
    problems = runner.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def module_gateways(tmp_path_factory):
    runner = GatewayRunner(tmp_path_factory)
    yield runner
    problems = runner.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture
def redis_server(tmp_path_factory):
    r = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield r
    r.kill()
