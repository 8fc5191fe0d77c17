"""Graceful shutdown: SIGTERM/SIGINT stop accepting, in-flight requests finish, exit status 0."""
from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import threading
import time

from helpers import LOOPBACK, RawConn, request_bytes


def _refused_within(port: int, seconds: float) -> bool:
    """True once a new connection to the port is refused (bounded wait)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            s = socket.create_connection((LOOPBACK, port), timeout=0.5)
        except ConnectionRefusedError:
            return True
        except OSError:
            return True
        s.close()
        time.sleep(0.05)
    return False


def test_sigterm_lets_inflight_http1_requests_finish(gateway):
    gw = gateway("--shutdown-timeout", "10")
    n = 20
    results: list = [None] * n
    sent = threading.Barrier(n + 1, timeout=10)

    def worker(i):
        conn = http.client.HTTPConnection(LOOPBACK, gw.port, timeout=15)
        try:
            conn.request("GET", "/debug/sleep?ms=1500", headers={"X-Request-Id": f"sd-{i}"})
            sent.wait()
            resp = conn.getresponse()
            results[i] = (resp.status, resp.read(), resp.getheader("X-Request-Id"))
        except Exception as e:  # noqa: BLE001 - recorded and asserted below
            results[i] = ("error", repr(e), None)
            try:
                sent.abort()
            except Exception:  # noqa: BLE001
                pass
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    sent.wait()
    time.sleep(0.3)
    t_term = time.monotonic()
    gw.signal(signal.SIGTERM)
    refused = _refused_within(gw.port, 1.0)
    for t in threads:
        t.join(20)
    rc = gw.wait(15)
    elapsed = time.monotonic() - t_term
    gw.checked = True
    bad = [(i, r) for i, r in enumerate(results) if r is None or r[0] != 200
           or json.loads(r[1]) != {"slept_ms": 1500} or r[2] != f"sd-{i}"]
    assert not bad, f"in-flight requests did not complete cleanly: {bad}"
    assert refused, "new connections were still accepted 1 s after SIGTERM"
    assert rc == 0, f"exit status {rc}"
    assert elapsed < 8, f"shutdown took {elapsed:.1f}s"


def test_sigterm_lets_inflight_h2c_streams_finish(gateway):
    gw = gateway("--shutdown-timeout", "10")
    p = subprocess.Popen(
        ["h2load", "-n", "10", "-c", "1", "-m", "10", gw.url("/debug/sleep?ms=1500")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        gw.signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    rc = gw.wait(15)
    gw.checked = True
    text = out.decode(errors="replace")
    assert "10 succeeded, 0 failed, 0 errored" in text, text
    assert re.search(r"status codes: 10 2xx", text), text
    assert rc == 0, f"exit status {rc}"


def test_sigterm_sends_goaway_and_finishes_stream(gateway):
    gw = gateway("--shutdown-timeout", "10")
    p = subprocess.Popen(["nghttp", "-v", "-t", "15", gw.url("/debug/sleep?ms=1500")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        gw.signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    rc = gw.wait(15)
    gw.checked = True
    text = out.decode(errors="replace")
    assert "recv GOAWAY frame" in text, text
    assert re.search(r":status: 200", text), text
    assert '{"slept_ms":1500}' in text.replace(" ", ""), text
    assert rc == 0, f"exit status {rc}"


def test_multiplexed_h2c_streams_finish_during_shutdown(gateway):
    gw = gateway("--shutdown-timeout", "10")
    urls = [gw.url(f"/debug/sleep?ms=1200&i={i}") for i in range(8)]
    p = subprocess.Popen(["nghttp", "-v", "-t", "15", *urls],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.4)
        gw.signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    rc = gw.wait(15)
    gw.checked = True
    text = out.decode(errors="replace")
    assert text.count("] Connected") == 1, text
    assert len(re.findall(r"recv \(stream_id=\d+\) :status: 200", text)) == 8, text
    assert text.count('{"slept_ms":1200}') == 8, text
    assert "recv GOAWAY frame" in text, text
    assert p.returncode == 0, text
    assert rc == 0, f"exit status {rc}"


def test_parallel_curl_h2c_connections_during_shutdown(gateway):
    gw = gateway("--shutdown-timeout", "10")
    url = gw.url("/debug/sleep?ms=1200")
    args = ["curl", "-sS", "--max-time", "15", "--http2-prior-knowledge", "--parallel", "--parallel-immediate",
            "--parallel-max", "8", "-w", "%{http_code} %{http_version}\n"]
    for _ in range(8):
        args += ["-o", "/dev/null", url]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.4)
        gw.signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    rc = gw.wait(15)
    gw.checked = True
    lines = [ln for ln in out.decode().splitlines() if ln.strip()]
    assert lines == ["200 2"] * 8, (lines, err.decode(errors="replace"))
    assert rc == 0


def test_idle_keepalive_connection_does_not_delay_shutdown(gateway):
    gw = gateway("--shutdown-timeout", "10")
    with RawConn(gw.port) as c:
        c.send(request_bytes("GET", "/health"))
        assert c.read_response().status == 200
        t0 = time.monotonic()
        gw.signal(signal.SIGTERM)
        rc = gw.wait(15)
        gw.checked = True
        took = time.monotonic() - t0
    assert rc == 0, f"exit status {rc}"
    assert took < 3.0, f"an idle keep-alive connection held shutdown for {took:.1f}s"


def test_sigint_exits_zero(gateway):
    gw = gateway()
    gw.signal(signal.SIGINT)
    rc = gw.wait(10)
    gw.checked = True
    assert rc == 0, f"exit status after SIGINT: {rc}"


def test_shutdown_timeout_bounds_exit(gateway):
    gw = gateway("--shutdown-timeout", "1")
    result = {}

    def slow():
        conn = http.client.HTTPConnection(LOOPBACK, gw.port, timeout=15)
        try:
            conn.request("GET", "/debug/sleep?ms=8000")
            result["status"] = conn.getresponse().status
        except Exception as e:  # noqa: BLE001
            result["error"] = repr(e)
        finally:
            conn.close()

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    gw.signal(signal.SIGTERM)
    rc = gw.wait(10)
    took = time.monotonic() - t0
    t.join(15)
    gw.checked = True
    assert rc is not None, "gateway still running 10 s after SIGTERM with --shutdown-timeout 1"
    assert took < 4.0, f"exit took {took:.1f}s with --shutdown-timeout 1"


def test_tls_h2_streams_finish_during_shutdown(gateway, certs):
    gw = gateway("--tls-cert", certs / "server.crt", "--tls-key", certs / "server.key", "--shutdown-timeout", "10")
    p = subprocess.Popen(
        ["h2load", "-n", "6", "-c", "1", "-m", "6", f"https://{LOOPBACK}:{gw.tls_port}/debug/sleep?ms=1200"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        gw.signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
    rc = gw.wait(15)
    gw.checked = True
    text = out.decode(errors="replace")
    assert "6 succeeded, 0 failed, 0 errored" in text, text
    assert "Application protocol: h2" in text, text
    assert rc == 0, f"exit status {rc}"
