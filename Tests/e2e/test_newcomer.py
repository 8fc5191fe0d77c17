"""What a fresh clone's `make run` does (scripts/run, with the release binaries of GATEWAY_BIN's folder):

    no model endpoint configured   the built-in simulator starts beside the gateway, the README's first
                                   embed answers 200, the gateway warns and optimizations/status says
                                   "simulated"; SIGINT to the script stops both processes
    an endpoint configured         (env or YAML) the gateway starts alone, "configured"

The simulator runs on nine free consecutive ports (SIM_BASE_PORT) rather than 11400–11408, so the test
neither needs nor disturbs those; the script then points the gateway's *_ENDPOINT variables at them.
"""
from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from helpers import LOOPBACK, REPO, free_ports, gateway_bin, health_ok
from services import GATEWAY_ENV_VARS, MODELS, embed, get_json, http, sim  # noqa: F401 (fixtures)

RUN_SCRIPT = REPO / "scripts" / "run"
SHIPPED_CONFIG = REPO / "config" / "gateway.yaml"
README_TEXT = {"text": "hello"}  # the README's first embed example, POST .../general/embed
SIMULATED_WARNING = "no model endpoint configured: relaying to the built-in simulator"


def consecutive_free_ports(n: int = 9) -> int:
    """The first of n consecutive ports that are all free on 127.0.0.1 right now."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 60000 - n)
        socks = []
        try:
            for p in range(base, base + n):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(s)
                s.bind((LOOPBACK, p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"no {n} consecutive free ports")


def listening(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


def children(pid: int) -> dict[int, str]:
    """The live (not zombie) child processes of pid: their pid and executable's name."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                out[int(entry.name)] = Path(os.readlink(entry / "exe")).name
        except (OSError, ValueError):
            continue
    return out


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


class RunScript:
    """scripts/run in its own session, logging to a file, with a clean environment."""

    def __init__(self, workdir: Path, args: list[str], env: dict[str, str]):
        self.workdir = workdir
        self.port = free_ports(1)[0]
        self.log_path = workdir / "run.log"
        e = {k: v for k, v in os.environ.items() if k not in GATEWAY_ENV_VARS}
        e.update({"BIN_DIR": str(gateway_bin().parent), "SIM_ARGS": "--latency-ms 1 --jitter-ms 0"})
        e.update(env)
        self.args = ["bash", str(RUN_SCRIPT), "--host", LOOPBACK, "--port", str(self.port),
                     "--data-dir", str(workdir / "data"), *args]
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     env=e, cwd=workdir, start_new_session=True)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"scripts/run exited with {self.proc.returncode}\n{self.log()}")
            if health_ok(self.port, timeout=1.0):
                return
            time.sleep(0.05)
        raise AssertionError(f"the gateway did not answer /health within {timeout}s\n{self.log()}")

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_records(self) -> list[dict]:
        records = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    pass
        return records

    def interrupt(self, timeout: float = 20.0) -> int:
        """SIGINT to the script alone, as Ctrl-C reaches it; its exit status."""
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._log.close()

    def kill_all(self) -> None:
        """Teardown after a failure: the whole session, so nothing outlives the test."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


@pytest.fixture
def runs(tmp_path):
    started: list[RunScript] = []

    def start(args: list[str] = (), env: dict[str, str] | None = None) -> RunScript:
        r = RunScript(tmp_path, list(args), env or {})
        started.append(r)
        return r

    yield start
    for r in started:
        r.kill_all()


def test_without_endpoints_run_starts_the_simulator_and_ctrl_c_stops_both(runs):
    base = consecutive_free_ports()
    # The shipped YAML, so that its commented-out endpoints are shown not to count as configured.
    r = runs(["--config", str(SHIPPED_CONFIG)], {"SIM_BASE_PORT": str(base)})
    r.wait_ready()

    kids = children(r.proc.pid)
    assert sorted(kids.values()) == ["pattern-gateway", "pattern-upstream-sim"], (kids, r.log())
    assert all(listening(p) for p in range(base, base + 9)), r.log()

    answer = embed(r.port, "general", README_TEXT)
    assert answer.status == 200, (answer, r.log())
    doc = answer.json()
    assert len(doc["embedding"]) == MODELS["general"]["size"]
    assert doc["endpoint"] == f"http://127.0.0.1:{base + 8}"
    direct = http(base + 8, "POST", "/v1/embeddings", {"model": "general", "input": ["hello"]})
    assert direct.status == 200
    want = direct.json()["data"][0]["embedding"]
    assert max(abs(a - b) for a, b in zip(doc["embedding"], want)) < 1e-6

    settings = get_json(r.port, "/api/v1/optimizations/status")["settings"]
    assert settings["upstreams"] == "simulated"
    warnings = [x for x in r.log_records() if x.get("level") == "warning" and x["message"].startswith(SIMULATED_WARNING)]
    assert len(warnings) == 1, r.log()
    assert "run: no model endpoint configured" in r.log()

    status = r.interrupt()
    assert status == 0, r.log()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(p) for p in kids):
        time.sleep(0.05)
    assert not any(alive(p) for p in kids), (kids, r.log())
    assert not listening(r.port) and not any(listening(p) for p in range(base, base + 9))
    assert "run: stopped the gateway and the simulator" in r.log()


@pytest.mark.parametrize("where", ["environment", "yaml"])
def test_with_an_endpoint_configured_run_starts_the_gateway_alone(runs, sim, tmp_path, where):
    base = consecutive_free_ports()
    args, env = [], {"SIM_BASE_PORT": str(base)}
    if where == "environment":
        env["GENERAL_ENDPOINT"] = sim.url
    else:
        config = tmp_path / "gateway.yaml"
        config.write_text(f'models:\n  general: {{endpoints: ["{sim.url}"]}}\n')
        args = ["--config", str(config)]
    r = runs(args, env)
    r.wait_ready()

    # exec'd: the script's process is the gateway itself, and it started nothing beside it
    assert Path(os.readlink(f"/proc/{r.proc.pid}/exe")).name == "pattern-gateway"
    assert children(r.proc.pid) == {}, r.log()
    assert not any(listening(p) for p in range(base, base + 9))

    answer = embed(r.port, "general", README_TEXT)
    assert answer.status == 200 and answer.json()["endpoint"] == sim.url, (answer, r.log())
    assert get_json(r.port, "/api/v1/optimizations/status")["settings"]["upstreams"] == "configured"
    assert not any("no model endpoint configured" in x.get("message", "") for x in r.log_records()), r.log()

    assert r.interrupt() == 0, r.log()


def test_a_bad_configuration_stops_run_before_anything_starts(runs, tmp_path):
    config = tmp_path / "bad.yaml"
    config.write_text("models:\n  general: {endpoints: []}\n")
    r = runs(["--config", str(config)], {"SIM_BASE_PORT": str(consecutive_free_ports())})
    assert r.proc.wait(timeout=20) == 78, r.log()
    assert "bad configuration" in r.log() and "models.general.endpoints" in r.log()
    assert "pattern-upstream-sim" not in r.log()
