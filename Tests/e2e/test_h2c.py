"""Cleartext HTTP/2 with prior knowledge on the main port (same port as HTTP/1.1)."""
from __future__ import annotations

import hashlib
import os
import re
import time

from helpers import assert_health, curl, run


def test_curl_prior_knowledge(shared_gateway):
    r = curl(shared_gateway.url("/health"), "--http2-prior-knowledge")
    assert r.rc == 0 and r.status == 200, r
    assert r.http_version == "2", r
    assert r.json()["status"] == "ok"
    assert r.headers.get("x-request-id"), r


def test_h2c_404_and_request_id(shared_gateway):
    r = curl(shared_gateway.url("/missing"), "--http2-prior-knowledge", "-H", "X-Request-Id: h2-id-7")
    assert r.status == 404 and r.http_version == "2", r
    assert r.headers.get("x-request-id") == "h2-id-7", r
    doc = r.json()
    assert doc["error"]["code"] == "not_found" and doc["request_id"] == "h2-id-7", doc


def test_nghttp_sees_settings_and_status(shared_gateway):
    p = run(["nghttp", "-v", "-t", "10", shared_gateway.url("/health")], timeout=20)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, out + p.stderr.decode(errors="replace")
    assert "recv SETTINGS frame" in out, out
    assert re.search(r"recv \(stream_id=\d+\) :status: 200", out), out


def test_h2load_1000_requests(shared_gateway):
    p = run(["h2load", "-n", "1000", "-c", "10", "-m", "10", shared_gateway.url("/health")], timeout=60)
    out = p.stdout.decode(errors="replace")
    assert "1000 succeeded, 0 failed, 0 errored" in out, out + p.stderr.decode(errors="replace")
    assert re.search(r"status codes: 1000 2xx", out), out


def test_h2c_post_1mib_echo(shared_gateway, tmp_path):
    payload = os.urandom(1 << 20)
    src = tmp_path / "in.bin"
    src.write_bytes(payload)
    r = curl(shared_gateway.url("/debug/echo"), "--http2-prior-knowledge",
             "-H", "Content-Type: application/octet-stream", "--data-binary", f"@{src}", timeout=60)
    assert r.status == 200 and r.http_version == "2", r
    assert len(r.body) == len(payload), (len(r.body), len(payload))
    assert hashlib.sha256(r.body).hexdigest() == hashlib.sha256(payload).hexdigest()
    assert r.headers.get("content-type") == "application/octet-stream", r.headers


def test_h2c_concurrent_streams_on_one_connection(shared_gateway):
    # nghttp multiplexes all URIs on one connection (curl 7.88's --parallel with
    # --http2-prior-knowledge fails even against nginx, so it is not used here).
    urls = [shared_gateway.url(f"/debug/sleep?ms=300&i={i}") for i in range(10)]
    t0 = time.monotonic()
    p = run(["nghttp", "-v", "-t", "15", *urls], timeout=30)
    took = time.monotonic() - t0
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, out + p.stderr.decode(errors="replace")
    assert out.count("] Connected") == 1, out
    assert len(re.findall(r"recv \(stream_id=\d+\) :status: 200", out)) == 10, out
    assert out.count('{"slept_ms":300}') == 10, out
    assert took < 2.5, f"10 concurrent 300 ms streams took {took:.1f}s: not concurrent?"


def test_h2c_parallel_connections_curl(shared_gateway):
    url = shared_gateway.url("/health")
    args = ["curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", "--parallel", "--parallel-immediate",
            "--parallel-max", "10", "-w", "%{http_code} %{http_version}\n"]
    for _ in range(10):
        args += ["-o", "/dev/null", url]
    p = run(args, timeout=30)
    lines = [ln for ln in p.stdout.decode().splitlines() if ln.strip()]
    assert p.returncode == 0, p.stderr
    assert lines == ["200 2"] * 10, lines


def test_h1_and_h2c_mixed_on_same_port(shared_gateway):
    for flag in ("--http1.1", "--http2-prior-knowledge", "--http1.1", "--http2-prior-knowledge"):
        r = curl(shared_gateway.url("/health"), flag)
        assert r.status == 200, (flag, r)
    assert_health(shared_gateway.port)


def test_h2_upgrade_header_is_served_as_http1(shared_gateway):
    # An HTTP/1.1 Upgrade: h2c request may be upgraded or answered over HTTP/1.1; either way 200.
    r = curl(shared_gateway.url("/health"), "--http2")
    assert r.status == 200 and r.http_version in ("1.1", "2"), r


def test_h2c_body_over_limit_is_413(small_body_gateway, tmp_path):
    f = tmp_path / "3k.bin"
    f.write_bytes(b"z" * 3000)
    r = curl(small_body_gateway.url("/debug/echo"), "--http2-prior-knowledge", "--data-binary", f"@{f}")
    assert r.status == 413 and r.http_version == "2", r
    assert r.json()["error"]["code"] and r.json()["request_id"] == r.headers.get("x-request-id"), r
    # The connection-level state is fine: the next request on a fresh connection works.
    ok = curl(small_body_gateway.url("/health"), "--http2-prior-knowledge")
    assert ok.status == 200, ok
