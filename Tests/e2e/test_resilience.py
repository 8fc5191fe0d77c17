"""Slow and idle clients, garbage input, and many connections: the server stays healthy."""
from __future__ import annotations

import random
import socket
import threading
import time

import pytest

from helpers import LOOPBACK, RawConn, assert_health, curl, request_bytes, run

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def test_slowloris_is_disconnected_others_served(gateway):
    gw = gateway("--header-read-timeout", "2")
    c = RawConn(gw.port, timeout=5)
    try:
        c.send(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        closed_after = None
        header = b"X-Slow: " + b"a" * 64
        health_times = []
        for i in range(12):  # bounded: at most ~12 s
            # Others keep being served quickly while the slow client dribbles.
            t0 = time.monotonic()
            r = curl(gw.url("/health"), "--http1.1", timeout=10)
            health_times.append(time.monotonic() - t0)
            assert r.status == 200, r
            closed, _, _ = c.wait_closed(1.0)
            if closed:
                closed_after = time.monotonic() - start
                break
            try:
                c.send(header[i:i + 1])
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - start
                break
        assert closed_after is not None, "slow header sender was never disconnected"
        assert closed_after <= 6.0, f"disconnected only after {closed_after:.1f}s (header timeout 2s)"
        assert max(health_times) < 2.0, f"/health slowed down during slowloris: {health_times}"
    finally:
        c.close()
    assert_health(gw.port, "after slowloris")


def test_many_slow_clients_do_not_starve_server(gateway):
    gw = gateway("--header-read-timeout", "2")
    conns = []
    try:
        for _ in range(50):
            c = RawConn(gw.port, timeout=5)
            c.send(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Partial: ")
            conns.append(c)
        for _ in range(5):
            t0 = time.monotonic()
            assert_health(gw.port, "with 50 half-open requests")
            assert time.monotonic() - t0 < 2.0
        # All of them are cut after the header timeout.
        time.sleep(2.0)
        deadline = time.monotonic() + 4.0  # one shared deadline for all 50
        still_open = 0
        for c in conns:
            closed, _, _ = c.wait_closed(max(0.05, deadline - time.monotonic()))
            still_open += not closed
        assert still_open == 0, f"{still_open} slow connections survived the header timeout"
    finally:
        for c in conns:
            c.close()


def test_idle_keepalive_connection_is_closed(gateway):
    gw = gateway("--idle-timeout", "2")
    with RawConn(gw.port) as c:
        c.send(request_bytes("GET", "/health"))
        assert c.read_response().status == 200
        closed, waited, extra = c.wait_closed(8.0)
        assert closed, "idle keep-alive connection was not closed"
        assert 1.0 <= waited <= 6.0, f"closed after {waited:.1f}s (idle timeout 2s)"
    assert_health(gw.port)


def test_active_keepalive_connection_survives_idle_timeout(gateway):
    gw = gateway("--idle-timeout", "2")
    with RawConn(gw.port) as c:
        for _ in range(4):  # ~4 s of activity with pauses shorter than the idle timeout
            c.send(request_bytes("GET", "/health"))
            assert c.read_response().status == 200
            time.sleep(1.0)


def test_sleep_does_not_block_the_loop(gateway):
    gw = gateway("--event-loops", "1")
    result = {}

    def slow():
        result["r"] = curl(gw.url("/debug/sleep?ms=1500"), "--http1.1", timeout=15)

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    assert_health(gw.port, "while a sleep is in flight")
    fast = time.monotonic() - t0
    t.join(15)
    assert fast < 0.5, f"/health took {fast:.2f}s while /debug/sleep was running on the only loop"
    r = result["r"]
    assert r.status == 200 and r.json() == {"slept_ms": 1500}, r


def _garbage_payloads():
    rnd = random.Random(1234)
    yield "random", bytes(rnd.getrandbits(8) for _ in range(4096))
    yield "random-small", bytes(rnd.getrandbits(8) for _ in range(7))
    yield "truncated-h2-preface", H2_PREFACE[:14]
    yield "h2-preface-then-garbage", H2_PREFACE + bytes(rnd.getrandbits(8) for _ in range(512))
    yield "h2-preface-bad-frame", H2_PREFACE + b"\x00\x00\x04\x09\x00\x00\x00\x00\x01abcd"
    yield "tls-hello-garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(rnd.getrandbits(8) for _ in range(600))
    yield "tls-record-header-only", b"\x16\x03\x01"
    yield "nul-bytes", b"\x00" * 2048
    yield "crlf-flood", b"\r\n" * 4096
    yield "long-request-line", b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n\r\n"


@pytest.mark.parametrize("name,payload", list(_garbage_payloads()), ids=[n for n, _ in _garbage_payloads()])
def test_garbage_leaves_server_healthy(shared_gateway, name, payload):
    for _ in range(2):
        try:
            with socket.create_connection((LOOPBACK, shared_gateway.port), timeout=5) as s:
                s.sendall(payload)
                s.settimeout(1)
                try:
                    s.recv(65536)
                except (socket.timeout, ConnectionResetError):
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert_health(shared_gateway.port, f"after {name}")


def test_garbage_burst_in_parallel(shared_gateway):
    rnd = random.Random(99)
    payloads = [bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 3000))) for _ in range(40)]
    payloads += [H2_PREFACE[: rnd.randint(1, len(H2_PREFACE) - 1)] for _ in range(10)]
    errors = []

    def hit(p):
        try:
            with socket.create_connection((LOOPBACK, shared_gateway.port), timeout=5) as s:
                s.sendall(p)
                s.shutdown(socket.SHUT_WR)
                s.settimeout(5)
                while s.recv(65536):
                    pass
        except (socket.timeout, OSError) as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=hit, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert_health(shared_gateway.port, "after a parallel garbage burst")
    timeouts = [e for e in errors if "timed out" in e]
    assert not timeouts, f"server left {len(timeouts)} garbage connections hanging after the client's EOF"


def test_abrupt_client_disconnects(shared_gateway):
    for _ in range(20):
        s = socket.create_connection((LOOPBACK, shared_gateway.port), timeout=5)
        s.sendall(b"POST /debug/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\npartial")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
        s.close()
    assert_health(shared_gateway.port, "after abrupt disconnects")


def test_many_idle_connections(shared_gateway):
    socks = []
    try:
        for _ in range(300):
            socks.append(socket.create_connection((LOOPBACK, shared_gateway.port), timeout=5))
        t0 = time.monotonic()
        assert_health(shared_gateway.port, "with 300 idle connections")
        assert time.monotonic() - t0 < 2.0
    finally:
        for s in socks:
            s.close()


def test_h2_client_disconnect_with_streams_in_flight(gateway):
    """h2load -D stops mid-flight: it closes connections with up to -m streams outstanding."""
    gw = gateway()
    for _ in range(3):
        p = run(["h2load", "-c", "4", "-m", "10", "-D", "1", gw.url("/health")], timeout=30)
        assert p.returncode == 0, p.stdout + p.stderr
        time.sleep(0.2)
        assert gw.alive(), f"gateway died after h2 clients disconnected mid-stream:\n{gw.log_tail(30)}"
        assert_health(gw.port, "after h2 clients disconnected mid-stream")


def test_h2_client_disconnect_with_slow_streams_in_flight(gateway):
    gw = gateway()
    urls = [gw.url(f"/debug/sleep?ms=800&i={i}") for i in range(5)]
    p = run(["nghttp", "-t", "0.3", *urls], timeout=20)
    assert p.returncode != 0  # nghttp gave up after 0.3 s with the streams open
    time.sleep(1.0)  # the handlers finish after their client is gone
    assert gw.alive(), f"gateway died writing to a closed h2 connection:\n{gw.log_tail(30)}"
    assert_health(gw.port, "after slow h2 streams lost their client")


def test_http1_client_disconnect_with_request_in_flight(gateway):
    gw = gateway()
    for _ in range(5):
        s = socket.create_connection((LOOPBACK, gw.port), timeout=5)
        s.sendall(b"GET /debug/sleep?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n" * 3)
        s.close()
    time.sleep(1.2)
    assert gw.alive(), f"gateway died after HTTP/1.1 clients left mid-request:\n{gw.log_tail(30)}"
    assert_health(gw.port)
