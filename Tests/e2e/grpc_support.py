"""gRPC clients for the live suite: stubs compiled from Protos/gateway.proto with grpcio-tools
(once per session, into a temporary directory), a channel factory, and grpcurl.

Nothing here is generated into the repository: the .proto is the contract, and a client built
from it by protoc is exactly what a user of the gateway would run.
"""
from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from helpers import REPO

PROTO_DIR = REPO / "Protos"
_compiled: dict[str, object] = {}


def stubs():
    """(gateway_pb2, gateway_pb2_grpc), compiled on first use."""
    if "pb2" not in _compiled:
        out = Path(tempfile.mkdtemp(prefix="pg-stubs-"))
        from grpc_tools import protoc
        rc = protoc.main(["protoc", f"-I{PROTO_DIR}", f"--python_out={out}", f"--grpc_python_out={out}",
                          str(PROTO_DIR / "gateway.proto")])
        assert rc == 0, f"protoc failed with {rc}"
        sys.path.insert(0, str(out))
        _compiled["pb2"] = importlib.import_module("gateway_pb2")
        _compiled["pb2_grpc"] = importlib.import_module("gateway_pb2_grpc")
        _compiled["dir"] = out
    return _compiled["pb2"], _compiled["pb2_grpc"]


def descriptor_set() -> bytes:
    """protoc's FileDescriptorSet for gateway.proto (no source info), to compare reflection with."""
    out = Path(tempfile.mkdtemp(prefix="pg-desc-")) / "gateway.pb"
    from grpc_tools import protoc
    rc = protoc.main(["protoc", f"-I{PROTO_DIR}", f"--descriptor_set_out={out}", str(PROTO_DIR / "gateway.proto")])
    assert rc == 0
    return out.read_bytes()


def grpcurl_bin() -> str:
    p = Path(sys.executable).parent / "grpcurl"
    return str(p) if p.exists() else "grpcurl"


def grpcurl(port: int, *args: str, data: dict | None = None, timeout: float = 20,
            extra: tuple[str, ...] = ("-plaintext",)) -> subprocess.CompletedProcess:
    cmd = [grpcurl_bin(), *extra]
    if data is not None:
        cmd += ["-d", json.dumps(data)]
    cmd += [f"127.0.0.1:{port}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def raw_call(port: int, path: str, body: bytes, headers: list[tuple[str, str]] = (), timeout: float = 10):
    """One gRPC call on a raw h2c connection (the `h2` library), with exactly the headers given and
    no client-side deadline: for what real clients refuse to send (their own grpc-timeout handling,
    a compressed flag without grpc-encoding). Returns (response headers, data bytes, trailers, seconds)."""
    import socket
    import time

    import h2.config
    import h2.connection
    import h2.events

    started = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    sid = conn.get_next_available_stream_id()
    conn.send_headers(sid, [(":method", "POST"), (":scheme", "http"), (":path", path),
                            (":authority", f"127.0.0.1:{port}"), ("content-type", "application/grpc"),
                            ("te", "trailers"), *headers])
    conn.send_data(sid, body, end_stream=True)
    sock.sendall(conn.data_to_send())
    resp_headers, trailers, data = {}, {}, b""
    done = False
    try:
        while not done:
            chunk = sock.recv(65536)
            if not chunk:
                break
            for ev in conn.receive_data(chunk):
                if isinstance(ev, h2.events.ResponseReceived):
                    resp_headers = dict(ev.headers)
                elif isinstance(ev, h2.events.DataReceived):
                    data += ev.data
                    conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                elif isinstance(ev, h2.events.TrailersReceived):
                    trailers = dict(ev.headers)
                elif isinstance(ev, (h2.events.StreamEnded, h2.events.StreamReset)):
                    done = True
            sock.sendall(conn.data_to_send())
    finally:
        sock.close()
    return resp_headers, data, trailers, time.monotonic() - started


def frame(message: bytes, compressed: bool = False) -> bytes:
    return bytes([1 if compressed else 0]) + len(message).to_bytes(4, "big") + message
