"""Fixtures for the end-to-end suite: test certificates and gateway processes.

    gateway(*extra_args)   function-scoped factory; every gateway it started gets SIGTERM at teardown
                           and must exit with status 0 within 15 s.
    shared_gateway         one default gateway per test module (same teardown check).
    certs                  a fresh PKI from certs/generate.sh, made once per session.
"""
from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import REPO, Gateway, gateway_bin, run  # noqa: E402

_LIVE: list[Gateway] = []


def _require_tools() -> None:
    missing = [t for t in ("curl", "nghttp", "h2load", "openssl") if shutil.which(t) is None]
    if missing:
        pytest.exit(f"e2e tools missing: {missing} (run `make test` or scripts/install-deps test)", returncode=3)


def pytest_sessionstart(session):
    _require_tools()
    if not gateway_bin().exists():
        pytest.exit(f"gateway binary not found at {gateway_bin()}: build it (swift build -c release) "
                    f"or point GATEWAY_BIN at it", returncode=3)


class _Factory:
    def __init__(self, tmp_dir_maker):
        self._mk = tmp_dir_maker
        self.started: list[Gateway] = []

    def __call__(self, *extra_args, env: dict | None = None) -> Gateway:
        gw = Gateway(self._mk(), tuple(extra_args), env=env)
        self.started.append(gw)
        _LIVE.append(gw)
        gw.start()
        return gw

    def finish(self) -> list[str]:
        """SIGTERM every gateway still running; return the problems found."""
        problems = []
        for gw in self.started:
            if gw.proc is None:
                continue
            if gw.checked:
                gw.kill()
                continue
            if gw.proc.poll() is not None:
                problems.append(f"gateway on :{gw.port} had already exited with {gw.proc.returncode} "
                                f"before teardown\n--- log tail ---\n{gw.log_tail()}")
                gw.kill()
                continue
            rc = gw.stop(signal.SIGTERM, timeout=15)
            if rc != 0:
                problems.append(f"gateway on :{gw.port} exit status after SIGTERM = {rc} "
                                f"(None = still running after 15 s, killed)\n--- log tail ---\n{gw.log_tail()}")
        for gw in self.started:
            if gw in _LIVE:
                _LIVE.remove(gw)
        return problems


@pytest.fixture
def gateway(request, tmp_path_factory):
    """Factory: gateway('--max-body-bytes', '1024') starts one and waits for GET /health."""
    f = _Factory(lambda: tmp_path_factory.mktemp("gw"))
    request.node._gateways = f.started
    yield f
    problems = f.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def shared_gateway(tmp_path_factory):
    """One default gateway for all the tests of a module."""
    f = _Factory(lambda: tmp_path_factory.mktemp("gw-shared"))
    gw = f()
    yield gw
    problems = f.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def small_body_gateway(tmp_path_factory):
    """A gateway with small limits: --max-body-bytes 1024 --max-header-bytes 4096."""
    f = _Factory(lambda: tmp_path_factory.mktemp("gw-small"))
    gw = f("--max-body-bytes", "1024", "--max-header-bytes", "4096")
    yield gw
    problems = f.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> Path:
    """Directory with ca.crt, server.crt/key, client.crt/key, gateway-client.*, expired-client.*,
    rogue-ca.*, rogue-client.*."""
    script = REPO / "certs" / "generate.sh"
    if not script.exists():
        pytest.fail(f"{script} missing: cannot make test certificates", pytrace=False)
    out = tmp_path_factory.mktemp("certs")
    p = run(["bash", script, out], timeout=120, cwd=REPO)
    assert p.returncode == 0, f"generate.sh failed: {p.stdout!r} {p.stderr!r}"
    for name in ("ca.crt", "server.crt", "server.key", "client.crt", "client.key",
                 "rogue-ca.crt", "rogue-client.crt", "rogue-client.key",
                 "gateway-client.crt", "gateway-client.key", "expired-client.crt", "expired-client.key"):
        assert (out / name).exists(), f"generate.sh did not make {name}"
    return out


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        seen = set()
        for gw in list(getattr(item, "_gateways", [])) + list(_LIVE):
            if id(gw) in seen or gw.proc is None:
                continue
            seen.add(id(gw))
            rep.sections.append((f"gateway :{gw.port} log tail ({gw.log_path})", gw.log_tail(80)))
