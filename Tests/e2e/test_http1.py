"""HTTP/1.1 on the main port: routes, request ids, keep-alive, pipelining, chunked bodies,
100-continue, and the error answers for bad framing and oversized input."""
from __future__ import annotations

import json
import socket
import time

import pytest

from helpers import RawConn, assert_health, curl, request_bytes, run


def test_health_json_and_request_id(shared_gateway):
    r = curl(shared_gateway.url("/health"), "--http1.1")
    assert r.rc == 0 and r.status == 200, r
    assert r.http_version == "1.1", r
    assert r.headers.get("content-type", "").startswith("application/json"), r
    assert r.json()["status"] == "ok", r
    rid = r.headers.get("x-request-id", "")
    assert rid, f"no X-Request-Id header: {r}"


def test_request_ids_are_unique(shared_gateway):
    ids = {curl(shared_gateway.url("/health"), "--http1.1").headers.get("x-request-id") for _ in range(5)}
    assert None not in ids and "" not in ids
    assert len(ids) == 5, f"request ids repeat: {ids}"


def test_client_request_id_is_echoed(shared_gateway):
    r = curl(shared_gateway.url("/health"), "--http1.1", "-H", "X-Request-Id: e2e-abc-123")
    assert r.status == 200, r
    assert r.headers.get("x-request-id") == "e2e-abc-123", r


def test_unknown_path_is_404_with_error_shape(shared_gateway):
    r = curl(shared_gateway.url("/definitely/not/here?x=1"), "--http1.1")
    assert r.status == 404, r
    assert r.headers.get("content-type", "").startswith("application/json"), r
    doc = r.json()
    err = doc["error"]
    assert err["code"] == "not_found", doc
    assert isinstance(err["message"], str) and err["message"], doc
    assert isinstance(err.get("details"), dict), doc
    assert doc["request_id"] == r.headers.get("x-request-id"), (doc, r.headers)


def test_404_echoes_client_request_id_in_body(shared_gateway):
    r = curl(shared_gateway.url("/nope"), "--http1.1", "-H", "X-Request-Id: e2e-404-id")
    assert r.status == 404, r
    assert r.headers.get("x-request-id") == "e2e-404-id", r
    assert r.json()["request_id"] == "e2e-404-id", r


def test_keep_alive_reuses_connection(shared_gateway):
    url = shared_gateway.url("/health")
    p = run(["curl", "-sS", "-v", "--http1.1", "--max-time", "10",
             "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code}\n", url, url], timeout=20)
    err = p.stderr.decode(errors="replace")
    codes = p.stdout.decode().split()
    assert p.returncode == 0, err
    assert codes == ["200", "200"], (codes, err)
    assert "Re-using existing connection" in err, err


def test_pipelined_requests_answer_in_order(shared_gateway):
    reqs = [("/health", "pipe-1"), ("/nope", "pipe-2"), ("/health", "pipe-3")]
    with RawConn(shared_gateway.port) as c:
        c.send(b"".join(request_bytes("GET", p, {"X-Request-Id": rid}) for p, rid in reqs))
        got = [c.read_response() for _ in reqs]
        assert [r.status for r in got] == [200, 404, 200], got
        assert [r.headers.get("x-request-id") for r in got] == ["pipe-1", "pipe-2", "pipe-3"], got
        assert got[0].json()["status"] == "ok"
        assert got[1].json()["error"]["code"] == "not_found"
        # Connection: close ends it after the answer.
        c.send(request_bytes("GET", "/health", {"Connection": "close", "X-Request-Id": "pipe-4"}))
        last = c.read_response()
        assert last.status == 200 and last.headers.get("x-request-id") == "pipe-4"
        closed, waited, extra = c.wait_closed(5)
        assert closed, f"server kept the connection open {waited:.1f}s after Connection: close"
        assert extra == b"", extra


def test_http10_request_gets_answer_and_close(shared_gateway):
    with RawConn(shared_gateway.port) as c:
        c.send(b"GET /health HTTP/1.0\r\nHost: x\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        closed, _, _ = c.wait_closed(5)
        assert closed, "HTTP/1.0 request without keep-alive must close the connection"


def test_chunked_post_is_echoed_curl(shared_gateway, tmp_path):
    payload = bytes(range(256)) * 300  # 76800 bytes, binary
    f = tmp_path / "payload.bin"
    f.write_bytes(payload)
    r = curl(shared_gateway.url("/debug/echo"), "--http1.1", "-X", "POST",
             "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/x-e2e",
             "--data-binary", f"@{f}")
    assert r.status == 200, r
    assert r.body == payload, f"echo mismatch: {len(r.body)} bytes vs {len(payload)}"
    assert r.headers.get("content-type") == "application/x-e2e", r.headers


def test_chunked_post_is_echoed_raw(shared_gateway):
    with RawConn(shared_gateway.port) as c:
        c.send(request_bytes("POST", "/debug/echo", {"Transfer-Encoding": "chunked", "Content-Type": "text/plain"}))
        c.send(b"5\r\nhello\r\n")
        time.sleep(0.05)
        c.send(b"6;ext=1\r\n world\r\n0\r\n\r\n")
        r = c.read_response()
        assert r.status == 200, r
        assert r.body == b"hello world", r.body
        assert r.headers.get("content-type") == "text/plain", r.headers
        # The connection stays usable.
        c.send(request_bytes("GET", "/health"))
        assert c.read_response().status == 200


def test_content_length_post_is_echoed(shared_gateway):
    body = json.dumps({"k": "v" * 1000}).encode()
    with RawConn(shared_gateway.port) as c:
        c.send(request_bytes("POST", "/debug/echo", {"Content-Type": "application/json"}, body))
        r = c.read_response()
        assert r.status == 200 and r.body == body, r


def test_expect_100_continue(shared_gateway):
    with RawConn(shared_gateway.port) as c:
        c.send(request_bytes("POST", "/debug/echo", {
            "Content-Type": "text/plain", "Content-Length": "5", "Expect": "100-continue"}))
        # The interim answer must come before we send any body byte.
        interim = c.read_until(b"\r\n\r\n")
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        c.send(b"abcde")
        r = c.read_response()
        assert r.status == 200 and r.body == b"abcde", r
        # Same connection, again.
        c.send(request_bytes("POST", "/debug/echo", {"Content-Length": "3", "Expect": "100-continue"}))
        assert c.read_until(b"\r\n\r\n").startswith(b"HTTP/1.1 100 Continue\r\n")
        c.send(b"xyz")
        assert c.read_response().body == b"xyz"


def _send_tolerant(c: RawConn, data: bytes) -> None:
    """Send, but accept that the server may answer and close before it has read everything."""
    try:
        c.send(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_oversized_header_block_is_431(shared_gateway):
    big = "a" * (70 * 1024)
    with RawConn(shared_gateway.port, timeout=10) as c:
        _send_tolerant(c, request_bytes("GET", "/health", {"X-Big": big}))
        r = c.read_response()
        assert r.status == 431, r
        assert r.headers.get("x-request-id"), r
        assert r.json()["error"]["code"], r.body
    assert_health(shared_gateway.port, "after 431")


def test_max_header_bytes_flag(small_body_gateway):
    gw = small_body_gateway  # --max-header-bytes 4096
    with RawConn(gw.port) as c:
        c.send(request_bytes("GET", "/health", {"X-Pad": "p" * 2500}))
        assert c.read_response().status == 200
    with RawConn(gw.port) as c:
        _send_tolerant(c, request_bytes("GET", "/health", {"X-Pad": "p" * 8000}))
        assert c.read_response().status == 431


def test_oversized_header_block_is_431_curl(shared_gateway):
    r = curl(shared_gateway.url("/health"), "--http1.1", "-H", "X-Big: " + "b" * (70 * 1024))
    assert r.status == 431, r
    assert_health(shared_gateway.port, "after 431 via curl")


def test_many_headers_under_limit_are_fine(shared_gateway):
    hdrs = [(f"X-H{i}", "v" * 100) for i in range(100)]  # ~11 KiB
    with RawConn(shared_gateway.port) as c:
        c.send(request_bytes("GET", "/health", hdrs))
        assert c.read_response().status == 200


def test_body_over_limit_is_413_before_body(small_body_gateway):
    gw = small_body_gateway
    with RawConn(gw.port) as c:
        c.send(request_bytes("POST", "/debug/echo", {"Content-Length": "2048", "Content-Type": "text/plain"}))
        r = c.read_response()
        assert r.status == 413, r
        assert r.json()["error"]["code"], r.body
        assert r.headers.get("x-request-id") and r.json()["request_id"] == r.headers["x-request-id"], r
    assert_health(gw.port, "after 413")


def test_body_over_limit_is_413_curl(small_body_gateway, tmp_path):
    f = tmp_path / "2k.bin"
    f.write_bytes(b"x" * 2048)
    r = curl(small_body_gateway.url("/debug/echo"), "--http1.1", "--data-binary", f"@{f}")
    assert r.status == 413, r
    assert_health(small_body_gateway.port, "after 413 via curl")


def test_body_at_limit_is_accepted(small_body_gateway):
    body = b"y" * 1024
    with RawConn(small_body_gateway.port) as c:
        c.send(request_bytes("POST", "/debug/echo", {"Content-Type": "text/plain"}, body))
        r = c.read_response()
        assert r.status == 200 and r.body == body, r


def test_content_length_with_transfer_encoding_is_400_and_closes(shared_gateway):
    with RawConn(shared_gateway.port) as c:
        c.send(b"POST /debug/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        r = c.read_response()
        assert r.status == 400, r
        assert r.headers.get("x-request-id"), r
        closed, waited, extra = c.wait_closed(5)
        assert closed, f"connection still open {waited:.1f}s after the 400 (got {extra!r})"
    assert_health(shared_gateway.port, "after CL+TE")


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"GET /health HTTP/1.1\r\nHost: x\r\nBad Header Name: v\r\n\r\n",
    b"POST /debug/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n",
], ids=["no-version", "bad-version", "bad-content-length", "space-in-header-name", "bad-chunk-size"])
def test_malformed_requests_get_4xx_or_close(shared_gateway, raw):
    with RawConn(shared_gateway.port) as c:
        _send_tolerant(c, raw)
        try:
            r = c.read_response()
            assert 400 <= r.status < 500 or r.status == 505, r
        except (EOFError, ConnectionResetError):
            pass  # closing without an answer is acceptable for garbage
    assert_health(shared_gateway.port, f"after {raw[:30]!r}")


def test_json_log_lines_and_listening(shared_gateway):
    recs = shared_gateway.log_records()
    unparsed = [r["__unparsed__"] for r in recs if "__unparsed__" in r]
    assert not unparsed, f"non-JSON log lines on stderr: {unparsed[:5]}"
    assert any(r.get("message") == "listening" for r in recs), recs[:10]


def test_server_keeps_serving_many_sequential_connections(shared_gateway):
    for i in range(50):
        with socket.create_connection(("127.0.0.1", shared_gateway.port), timeout=5) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            assert data.startswith(b"HTTP/1.1 200"), (i, data[:100])
