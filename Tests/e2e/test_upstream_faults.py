"""Fault drills against the upstream side (issue 7): a replica that resets every connection, and
a black hole that never completes a TCP handshake (connect timeouts). The gateway answers with the
spec's errors within its deadline, fails over to a healthy replica when there is one, opens the
breaker of the broken endpoint, and stays healthy. Both faults are real sockets on 127.0.0.1."""
from __future__ import annotations

import socket
import struct
import threading
import time
import uuid

import pytest

from services import embed, fresh_sim, gateway_env, gateways, get_json, http  # noqa: F401 (fixtures)


class Resetter:
    """Accepts and answers every connection with a TCP reset (SO_LINGER 0), like a crashing server."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            try:
                conn.recv(1024)
            except OSError:
                pass
            conn.close()

    def close(self):
        self._stop = True
        self.sock.close()


class BlackHole:
    """A listener that never accepts, with its backlog filled: further SYNs are dropped, so a
    connect neither succeeds nor is refused until the caller gives up."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.fillers = []
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self.fillers.append(s)
        time.sleep(0.2)

    def close(self):
        for s in self.fillers:
            s.close()
        self.sock.close()


def probe_connect(port: int, timeout: float = 1.0) -> str:
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
        return "connected"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return f"error {e}"
    finally:
        s.close()


def test_a_resetting_replica_is_skipped_and_alone_it_is_a_502(fresh_sim, gateways):
    bad = Resetter()
    try:
        both = gateways.start(gateway_env(fresh_sim, GENERAL_ENDPOINT=f"http://127.0.0.1:{bad.port},{fresh_sim.url}",
                                          PATTERN_RETRY_ATTEMPTS=2, PATTERN_CIRCUIT_BREAKER_THRESHOLD=3))
        for i in range(12):
            r = embed(both.port, "general", {"text": f"reset drill {i} {uuid.uuid4().hex}"})
            assert r.status == 200 and r.json()["endpoint"] == fresh_sim.url, r
        assert bad.accepted >= 1, "the resetting replica was never tried"
        eps = {e["url"]: e for e in get_json(both.port, "/api/v1/external/patterns/status")["circuit_breakers"]["general"]["endpoints"]}
        assert eps[f"http://127.0.0.1:{bad.port}"]["status"] == "open", eps

        alone = gateways.start(gateway_env(fresh_sim, GENERAL_ENDPOINT=f"http://127.0.0.1:{bad.port}",
                                           PATTERN_RETRY_ATTEMPTS=1))
        r = embed(alone.port, "general", {"text": f"reset alone {uuid.uuid4().hex}"})
        assert r.status == 502 and r.json()["error"]["code"] == "upstream_error", r
        assert http(alone.port, "GET", "/health").status == 200
    finally:
        bad.close()


def test_a_black_hole_times_out_at_the_deadline_then_the_breaker_fails_fast(fresh_sim, gateways):
    hole = BlackHole()
    try:
        if probe_connect(hole.port) != "timeout":
            pytest.skip("this kernel does not drop SYNs on a full backlog; no black hole to test against")
        g = gateways.start(gateway_env(fresh_sim, GENERAL_ENDPOINT=f"http://127.0.0.1:{hole.port}",
                                       REAL_TIME_TIMEOUT=1, PATTERN_RETRY_ATTEMPTS=0,
                                       PATTERN_CIRCUIT_BREAKER_THRESHOLD=2, PATTERN_BREAKER_COOLDOWN=30))
        for i in range(2):
            t0 = time.monotonic()
            r = embed(g.port, "general", {"text": f"hole {i} {uuid.uuid4().hex}"}, timeout=10)
            took = time.monotonic() - t0
            assert r.status == 504 and r.json()["error"]["code"] == "upstream_timeout", r
            assert 0.8 <= took <= 4, f"answered after {took:.2f} s with a 1 s deadline"
        t0 = time.monotonic()
        r = embed(g.port, "general", {"text": f"hole fast {uuid.uuid4().hex}"})
        assert r.status == 503 and r.json()["error"]["code"] == "circuit_open" and "retry-after" in r.headers, r
        assert time.monotonic() - t0 < 0.5, "an open breaker answers at once"
        # Other models are untouched.
        assert embed(g.port, "phi3", {"text": f"fine {uuid.uuid4().hex}"}).status == 200
    finally:
        hole.close()
