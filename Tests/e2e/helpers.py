"""Shared helpers for the end-to-end suite: the gateway process, curl, and a raw HTTP/1.1 socket.

Every network call here goes to 127.0.0.1 only, and every wait is bounded in time.
"""
from __future__ import annotations

import http.client
import json
import os
import signal as _signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"


def gateway_bin() -> Path:
    return Path(os.environ.get("GATEWAY_BIN", REPO / ".build" / "release" / "pattern-gateway"))


def free_ports(n: int) -> list[int]:
    """n distinct free TCP ports on 127.0.0.1 (bind to 0, close, reuse)."""
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((LOOPBACK, 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def run(cmd: list[str], timeout: float = 30, **kw) -> subprocess.CompletedProcess:
    """subprocess.run with a timeout and captured text output."""
    kw.setdefault("capture_output", True)
    kw.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run([str(c) for c in cmd], timeout=timeout, **kw)


def health_ok(port: int, timeout: float = 1.0) -> bool:
    try:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
        try:
            conn.request("GET", "/health")
            return conn.getresponse().status == 200
        finally:
            conn.close()
    except OSError:
        return False
    except http.client.HTTPException:
        return False


# --------------------------------------------------------------------------- gateway process

class Gateway:
    """One pattern-gateway process on free loopback ports, logging to a file."""

    def __init__(self, workdir: Path, extra_args: tuple[str, ...] = (), env: dict | None = None):
        self.workdir = workdir
        self.port, self.tls_port = free_ports(2)
        self.data_dir = workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / f"gateway-{self.port}.log"
        self.extra_args = tuple(str(a) for a in extra_args)
        self.args = [
            str(gateway_bin()),
            "--host", LOOPBACK,
            "--port", str(self.port),
            "--tls-port", str(self.tls_port),
            "--log-level", "debug",
            "--data-dir", str(self.data_dir),
            "--diagnostics",
            *self.extra_args,
        ]
        e = dict(os.environ)
        for k in ("REDIS_URL", "QDRANT_URL", "GATEWAY_PORT"):
            e.pop(k, None)
        e.update(env or {})
        self.env = e
        self.proc: subprocess.Popen | None = None
        self.returncode: int | None = None
        self.checked = False  # a test already asserted on the exit

    # URLs -----------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def url(self, path: str = "/health") -> str:
        return f"{self.base_url}{path}"

    def tls_url(self, path: str = "/health", port: int | None = None) -> str:
        return f"https://localhost:{port or self.tls_port}{path}"

    def resolve(self, port: int | None = None) -> list[str]:
        """curl args pinning 'localhost' to 127.0.0.1 (no ::1 attempts)."""
        return ["--resolve", f"localhost:{port or self.tls_port}:{LOOPBACK}"]

    # lifecycle ------------------------------------------------------------
    def start(self, ready_timeout: float = 20.0) -> "Gateway":
        if not gateway_bin().exists():
            raise RuntimeError(f"gateway binary not found at {gateway_bin()} (set GATEWAY_BIN or run `swift build -c release`)")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            self.args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=self.env, cwd=self.workdir, start_new_session=True,
        )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"gateway exited with {self.proc.returncode} before answering /health\n"
                    f"command: {' '.join(self.args)}\n--- log ---\n{self.log_text()}")
            if health_ok(self.port, timeout=1.0):
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(
            f"gateway did not answer GET /health within {ready_timeout}s\n"
            f"command: {' '.join(self.args)}\n--- log ---\n{self.log_text()}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int = _signal.SIGTERM) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout: float = 15.0) -> int | None:
        """Exit code, or None if still running after timeout."""
        assert self.proc is not None
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._close_log()
        return self.returncode

    def stop(self, sig: int = _signal.SIGTERM, timeout: float = 15.0) -> int | None:
        """Signal and wait; kills (and returns None) if it does not exit in time."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            self.returncode = self.proc.returncode
            self._close_log()
            return self.returncode
        self.signal(sig)
        rc = self.wait(timeout)
        if rc is None:
            self.kill()
        return rc

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self._close_log()

    def _close_log(self) -> None:
        log = getattr(self, "_log", None)
        if log is not None and not log.closed:
            log.close()

    # logs -----------------------------------------------------------------
    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "<no log>"

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def log_records(self) -> list[dict]:
        out = []
        for line in self.log_text().splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"__unparsed__": line})
        return out


# --------------------------------------------------------------------------- curl

@dataclass
class CurlResult:
    rc: int
    status: int
    http_version: str
    headers: dict[str, str]
    body: bytes
    stderr: str
    all_headers: list[list[tuple[str, str]]] = field(default_factory=list)

    def json(self):
        return json.loads(self.body)

    def __str__(self) -> str:
        return (f"curl rc={self.rc} status={self.status} version={self.http_version}\n"
                f"headers={self.headers}\nbody={self.body[:500]!r}\nstderr={self.stderr[-1500:]}")


def parse_header_blocks(raw: str) -> list[list[tuple[str, str]]]:
    blocks, cur = [], None
    for line in raw.splitlines():
        line = line.rstrip("\r")
        if line.startswith("HTTP/"):
            cur = [(":status-line", line)]
            blocks.append(cur)
        elif line and cur is not None and ":" in line:
            k, v = line.split(":", 1)
            cur.append((k.strip().lower(), v.strip()))
    return blocks


def curl(url: str, *args: str, timeout: float = 20.0) -> CurlResult:
    """Run curl once; returns status, negotiated HTTP version, last header block and body."""
    with tempfile.TemporaryDirectory(prefix="e2e-curl-") as d:
        hdr, body = Path(d) / "headers", Path(d) / "body"
        cmd = ["curl", "-sS", "--max-time", str(max(1, int(timeout - 2))),
               "-D", str(hdr), "-o", str(body), "-w", "%{http_code} %{http_version}",
               *args, url]
        p = run(cmd, timeout=timeout)
        parts = p.stdout.decode(errors="replace").split()
        status = int(parts[0]) if parts and parts[0].isdigit() else 0
        version = parts[1] if len(parts) > 1 else ""
        raw = hdr.read_text(errors="replace") if hdr.exists() else ""
        blocks = parse_header_blocks(raw)
        headers: dict[str, str] = {}
        if blocks:
            for k, v in blocks[-1]:
                headers[k] = v if k not in headers else headers[k] + ", " + v
        return CurlResult(
            rc=p.returncode, status=status, http_version=version, headers=headers,
            body=body.read_bytes() if body.exists() else b"",
            stderr=p.stderr.decode(errors="replace"), all_headers=blocks)


def assert_health(port: int, msg: str = "") -> None:
    """/health still answers 200 over a fresh HTTP/1.1 connection."""
    r = curl(f"http://{LOOPBACK}:{port}/health", "--http1.1", timeout=10)
    assert r.status == 200, f"/health not OK {msg}: {r}"
    assert r.json().get("status") == "ok", r


# --------------------------------------------------------------------------- raw HTTP/1.1

@dataclass
class RawResponse:
    status: int
    reason: str
    headers: dict[str, str]
    header_list: list[tuple[str, str]]
    body: bytes

    def json(self):
        return json.loads(self.body)


class RawConn:
    """A bare TCP connection to the gateway that speaks HTTP/1.1 by hand."""

    def __init__(self, port: int, timeout: float = 5.0):
        self.sock = socket.create_connection((LOOPBACK, port), timeout=timeout)
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed by peer; buffered={self.buf[:200]!r}")
        self.buf += chunk

    def read_until(self, delim: bytes, limit: int = 1 << 20) -> bytes:
        while delim not in self.buf:
            if len(self.buf) > limit:
                raise ValueError("delimiter not found within limit")
            self._fill()
        i = self.buf.index(delim) + len(delim)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_head(self) -> tuple[int, str, list[tuple[str, str]]]:
        head = self.read_until(b"\r\n\r\n").decode("latin-1")
        lines = head.split("\r\n")
        proto, _, rest = lines[0].partition(" ")
        assert proto.startswith("HTTP/1."), f"bad status line {lines[0]!r}"
        code, _, reason = rest.partition(" ")
        hl = []
        for line in lines[1:]:
            if line:
                k, _, v = line.partition(":")
                hl.append((k.strip().lower(), v.strip()))
        return int(code), reason, hl

    def read_response(self, method: str = "GET", skip_informational: bool = True) -> RawResponse:
        while True:
            status, reason, hl = self.read_head()
            if 100 <= status < 200 and status != 101 and skip_informational:
                continue
            break
        headers = {}
        for k, v in hl:
            headers[k] = v if k not in headers else headers[k] + ", " + v
        body = b""
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            pass
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            parts = []
            while True:
                size_line = self.read_until(b"\r\n").decode("latin-1").strip()
                size = int(size_line.split(";")[0], 16)
                if size == 0:
                    # trailers until an empty line
                    while self.read_until(b"\r\n") != b"\r\n":
                        pass
                    break
                parts.append(self.read_exact(size))
                assert self.read_exact(2) == b"\r\n", "chunk not followed by CRLF"
            body = b"".join(parts)
        elif "content-length" in headers:
            body = self.read_exact(int(headers["content-length"]))
        else:
            # read to EOF
            try:
                while True:
                    self._fill()
            except EOFError:
                pass
            body, self.buf = self.buf, b""
        return RawResponse(status, reason, headers, hl, body)

    def wait_closed(self, within: float) -> tuple[bool, float, bytes]:
        """Wait up to `within` seconds for the peer to close (EOF or reset).

        Returns (closed, seconds waited, bytes received meanwhile)."""
        start = time.monotonic()
        got = b""
        deadline = start + within
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False, time.monotonic() - start, got
            self.sock.settimeout(min(left, 0.5))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except (ConnectionResetError, BrokenPipeError):
                return True, time.monotonic() - start, got
            if not chunk:
                return True, time.monotonic() - start, got
            got += chunk


def request_bytes(method: str, path: str, headers: dict[str, str] | list[tuple[str, str]] | None = None,
                  body: bytes = b"", host: str = "localhost") -> bytes:
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {k.lower() for k, _ in items}
    if "host" not in names:
        items.insert(0, ("Host", host))
    if body and "content-length" not in names and "transfer-encoding" not in names:
        items.append(("Content-Length", str(len(body))))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in items) + "\r\n"
    return head.encode("latin-1") + body
