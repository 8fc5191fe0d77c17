"""RST_STREAM from the client cancels the handler's work; the connection keeps serving."""
from __future__ import annotations

import json
import socket
import time

import h2.config
import h2.connection
import h2.events


def _h2_client(port: int):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def _get(conn, sock, path: str) -> int:
    sid = conn.get_next_available_stream_id()
    conn.send_headers(sid, [(":method", "GET"), (":path", path), (":scheme", "http"),
                            (":authority", "127.0.0.1")], end_stream=True)
    sock.sendall(conn.data_to_send())
    return sid


def _read_until(conn, sock, sid: int, deadline: float) -> tuple[int | None, bytes, bool]:
    status, body, reset = None, b"", False
    while time.monotonic() < deadline:
        data = sock.recv(65536)
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.ResponseReceived) and ev.stream_id == sid:
                status = int(dict(ev.headers)[b":status"])
            elif isinstance(ev, h2.events.DataReceived) and ev.stream_id == sid:
                body += ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length, sid)
            elif isinstance(ev, h2.events.StreamEnded) and ev.stream_id == sid:
                sock.sendall(conn.data_to_send())
                return status, body, reset
            elif isinstance(ev, h2.events.StreamReset) and ev.stream_id == sid:
                reset = True
                return status, body, reset
        sock.sendall(conn.data_to_send())
    return status, body, reset


def _stats(conn, sock) -> dict:
    sid = _get(conn, sock, "/debug/stats")
    status, body, _ = _read_until(conn, sock, sid, time.monotonic() + 5)
    assert status == 200
    return json.loads(body)


def test_rst_stream_cancels_the_handler(gateway):
    gw = gateway()
    sock, conn = _h2_client(gw.port)
    try:
        before = _stats(conn, sock)
        sid = _get(conn, sock, "/debug/sleep?ms=20000")
        # Wait until the handler is running, then reset the stream.
        deadline = time.monotonic() + 5
        while _stats(conn, sock)["sleeps_started"] == before["sleeps_started"]:
            assert time.monotonic() < deadline, "the sleep handler never started"
            time.sleep(0.05)
        conn.reset_stream(sid)
        sock.sendall(conn.data_to_send())
        deadline = time.monotonic() + 3
        while True:
            after = _stats(conn, sock)
            if after["sleeps_cancelled"] == before["sleeps_cancelled"] + 1:
                break
            assert time.monotonic() < deadline, f"handler not cancelled: {after}"
            time.sleep(0.05)
        assert after["sleeps_completed"] == before["sleeps_completed"]
    finally:
        sock.close()


def test_early_answer_to_a_large_upload_resets_the_rest(gateway):
    """An answer that ends before the request body is followed by RST_STREAM(NO_ERROR)."""
    gw = gateway()
    sock, conn = _h2_client(gw.port)
    try:
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, [(":method", "POST"), (":path", "/nope"), (":scheme", "http"),
                                (":authority", "127.0.0.1")], end_stream=False)
        conn.send_data(sid, b"x" * 1000, end_stream=False)
        sock.sendall(conn.data_to_send())
        status, body, reset = None, b"", False
        deadline = time.monotonic() + 5
        ended = False
        while time.monotonic() < deadline and not reset:
            data = sock.recv(65536)
            if not data:
                break
            for ev in conn.receive_data(data):
                if isinstance(ev, h2.events.ResponseReceived):
                    status = int(dict(ev.headers)[b":status"])
                elif isinstance(ev, h2.events.DataReceived):
                    body += ev.data
                elif isinstance(ev, h2.events.StreamEnded):
                    ended = True
                elif isinstance(ev, h2.events.StreamReset):
                    reset = True
                    assert ev.error_code == 0
            sock.sendall(conn.data_to_send())
        assert status == 404 and ended and reset
        assert json.loads(body)["error"]["code"] == "not_found"
        # The connection still serves new streams.
        sid2 = _get(conn, sock, "/health")
        st, b2, _ = _read_until(conn, sock, sid2, time.monotonic() + 5)
        assert st == 200 and json.loads(b2)["status"] == "ok"
    finally:
        sock.close()
