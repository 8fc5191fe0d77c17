"""TLS on the dedicated TLS port and on the main port (sniffed), ALPN h2/http1.1, TLS >= 1.2,
and mutual TLS with --tls-client-ca."""
from __future__ import annotations

import re
import socket
import ssl
import time
import warnings

import pytest

from conftest import _Factory
from helpers import LOOPBACK, assert_health, curl, run


def _module_gateway(tmp_path_factory, *args):
    f = _Factory(lambda: tmp_path_factory.mktemp("gw-tls"))
    return f, f(*args)


@pytest.fixture(scope="module")
def tls_gateway(certs, tmp_path_factory):
    f, gw = _module_gateway(tmp_path_factory, "--tls-cert", certs / "server.crt", "--tls-key", certs / "server.key")
    yield gw
    problems = f.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def mtls_gateway(certs, tmp_path_factory):
    f, gw = _module_gateway(tmp_path_factory, "--tls-cert", certs / "server.crt", "--tls-key", certs / "server.key",
                            "--tls-client-ca", certs / "ca.crt")
    yield gw
    problems = f.finish()
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


def _tls_curl(gw, certs, *args, port=None, path="/health", timeout=20):
    return curl(gw.tls_url(path, port), "--cacert", str(certs / "ca.crt"), *gw.resolve(port), *args, timeout=timeout)


def _client_ctx(certs, alpn=("h2", "http/1.1"), cert=None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(certs / "ca.crt"))
    ctx.set_alpn_protocols(list(alpn))
    if cert:
        ctx.load_cert_chain(str(certs / f"{cert}.crt"), str(certs / f"{cert}.key"))
    return ctx


# ------------------------------------------------------------------ TLS port

def test_tls_port_http2(tls_gateway, certs):
    r = _tls_curl(tls_gateway, certs, "--http2")
    assert r.rc == 0 and r.status == 200, r
    assert r.http_version == "2", r
    assert r.json()["status"] == "ok"


def test_tls_port_http11(tls_gateway, certs):
    r = _tls_curl(tls_gateway, certs, "--http1.1")
    assert r.rc == 0 and r.status == 200, r
    assert r.http_version == "1.1", r


def test_tls_404_error_shape(tls_gateway, certs):
    r = _tls_curl(tls_gateway, certs, "--http2", "-H", "X-Request-Id: tls-404", path="/nope")
    assert r.status == 404, r
    assert r.json()["error"]["code"] == "not_found" and r.json()["request_id"] == "tls-404", r


def test_tls_version_and_alpn_python(tls_gateway, certs):
    for alpn, want in ((("h2", "http/1.1"), "h2"), (("http/1.1",), "http/1.1")):
        ctx = _client_ctx(certs, alpn)
        with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                assert s.version() in ("TLSv1.2", "TLSv1.3"), s.version()
                assert s.selected_alpn_protocol() == want, (alpn, s.selected_alpn_protocol())
                if want == "http/1.1":
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    data = b""
                    while True:
                        chunk = s.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                    assert data.startswith(b"HTTP/1.1 200"), data[:200]


def test_tls12_only_client_works(tls_gateway, certs):
    ctx = _client_ctx(certs)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            assert s.version() == "TLSv1.2"
            assert s.selected_alpn_protocol() == "h2"


@pytest.mark.parametrize("cipher", ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384"])
def test_tls12_cbc_ciphers_are_refused(tls_gateway, certs, cipher):
    # TLS 1.2 is ECDHE+AEAD only: a client offering nothing but a CBC suite gets a handshake failure.
    ctx = _client_ctx(certs)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(cipher)
    with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=10) as raw:
        with pytest.raises(ssl.SSLError, match=r"(?i)handshake.failure|no.shared.cipher"):
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                pytest.fail(f"server accepted {s.cipher()}")


@pytest.mark.parametrize("cipher", ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                                    "ECDHE-ECDSA-CHACHA20-POLY1305"])
def test_tls12_aead_ciphers_work(tls_gateway, certs, cipher):
    ctx = _client_ctx(certs)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers(cipher)
    with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            assert (s.version(), s.cipher()[0]) == ("TLSv1.2", cipher)


def test_openssl_s_client(tls_gateway, certs):
    base = ["openssl", "s_client", "-connect", f"{LOOPBACK}:{tls_gateway.tls_port}", "-servername", "localhost",
            "-alpn", "h2", "-CAfile", certs / "ca.crt"]
    p = run([*base, "-brief"], timeout=20)
    out = (p.stdout + p.stderr).decode(errors="replace")
    assert re.search(r"Protocol version: TLSv1\.[23]", out), out
    assert "Verification: OK" in out, out
    # -brief does not print ALPN; the full output does.
    p = run(base, timeout=20)
    out = (p.stdout + p.stderr).decode(errors="replace")
    assert "ALPN protocol: h2" in out, out
    assert re.search(r"New, TLSv1\.[23], Cipher is", out), out
    assert "Verify return code: 0 (ok)" in out, out


def test_tls11_is_refused_curl(tls_gateway, certs):
    r = _tls_curl(tls_gateway, certs, "--tlsv1.1", "--tls-max", "1.1", "--http1.1")
    assert r.rc != 0 and r.status == 0, r
    assert_health(tls_gateway.port, "after a TLS 1.1 attempt")


def test_tls11_is_refused_by_server(tls_gateway, certs):
    # Lower the client's own security level so that the refusal really comes from the server.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(str(certs / "ca.crt"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=10) as raw:
        # The server's "protocol version" alert proves the client really offered TLS 1.1.
        with pytest.raises(ssl.SSLError, match=r"(?i)protocol.version"):
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                pytest.fail(f"server accepted {s.version()}")


def test_tls_on_main_port(tls_gateway, certs):
    for flag, want in (("--http2", "2"), ("--http1.1", "1.1")):
        r = _tls_curl(tls_gateway, certs, flag, port=tls_gateway.port)
        assert r.rc == 0 and r.status == 200, (flag, r)
        assert r.http_version == want, (flag, r)
    # Plain HTTP/1.1 and h2c keep working on the same port.
    assert_health(tls_gateway.port, "plain HTTP on the TLS-enabled main port")
    r = curl(tls_gateway.url("/health"), "--http2-prior-knowledge")
    assert r.status == 200 and r.http_version == "2", r


def test_tls_h2load(tls_gateway):
    p = run(["h2load", "-n", "200", "-c", "4", "-m", "10", f"https://{LOOPBACK}:{tls_gateway.tls_port}/health"],
            timeout=60)
    out = p.stdout.decode(errors="replace")
    assert "200 succeeded, 0 failed, 0 errored" in out, out + p.stderr.decode(errors="replace")
    assert "Application protocol: h2" in out, out


def test_plain_http_on_tls_port_does_not_hang(tls_gateway):
    with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(10)
        try:
            data = s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            data = b""
        assert not data.startswith(b"HTTP/1.1 200"), "TLS port served cleartext HTTP"
    assert_health(tls_gateway.port)


# ------------------------------------------------------------------ mutual TLS

def test_mtls_without_client_cert_fails(mtls_gateway, certs):
    for flag in ("--http2", "--http1.1"):
        r = _tls_curl(mtls_gateway, certs, flag)
        assert r.rc != 0, (flag, r)
        assert r.status == 0, (flag, r)


def test_mtls_rogue_client_cert_fails(mtls_gateway, certs):
    for flag in ("--http2", "--http1.1"):
        r = _tls_curl(mtls_gateway, certs, flag, "--cert", str(certs / "rogue-client.crt"),
                      "--key", str(certs / "rogue-client.key"))
        assert r.rc != 0, (flag, r)
        assert r.status == 0, (flag, r)


def test_mtls_good_client_cert_works(mtls_gateway, certs):
    for flag, want in (("--http2", "2"), ("--http1.1", "1.1")):
        r = _tls_curl(mtls_gateway, certs, flag, "--cert", str(certs / "client.crt"),
                      "--key", str(certs / "client.key"))
        assert r.rc == 0 and r.status == 200, (flag, r)
        assert r.http_version == want, (flag, r)


def test_mtls_expired_client_cert_fails(mtls_gateway, certs):
    # Signed by the trusted CA, so only the dates can be the reason.
    for flag in ("--http2", "--http1.1"):
        r = _tls_curl(mtls_gateway, certs, flag, "--cert", str(certs / "expired-client.crt"),
                      "--key", str(certs / "expired-client.key"))
        assert r.rc != 0 and r.status == 0, (flag, r)
    ctx = _client_ctx(certs, ("http/1.1",), cert="expired-client")
    with socket.create_connection((LOOPBACK, mtls_gateway.tls_port), timeout=10) as raw:
        # With TLS 1.3 the server's alert arrives on the first read rather than in the handshake.
        with pytest.raises(ssl.SSLError, match=r"(?i)certificate.expired"):
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                data = s.recv(4096)
                pytest.fail(f"server answered an expired client certificate: {data[:100]!r}")
    assert_health(mtls_gateway.port, "after an expired client certificate")


def test_mtls_client_subject_is_logged(mtls_gateway, certs):
    r = _tls_curl(mtls_gateway, certs, "--http2", "--cert", str(certs / "client.crt"),
                  "--key", str(certs / "client.key"))
    assert r.status == 200, r
    for _ in range(50):  # the log line is written by the loop thread; allow it a moment
        seen = [rec for rec in mtls_gateway.log_records() if rec.get("message") == "tls client"]
        if seen:
            break
        time.sleep(0.1)
    assert seen and seen[-1]["subject"] == "CN=pattern-client" and seen[-1]["remote"].startswith(LOOPBACK), seen
    # The expired client of the test before was refused, so its CN=pattern-client-expired never shows.
    assert all(rec["subject"] == "CN=pattern-client" for rec in seen), seen
    assert "PRIVATE KEY" not in mtls_gateway.log_text()


def test_mtls_python_handshake(mtls_gateway, certs):
    # Good cert: a request goes through.
    ctx = _client_ctx(certs, ("http/1.1",), cert="client")
    with socket.create_connection((LOOPBACK, mtls_gateway.tls_port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            assert s.recv(4096).startswith(b"HTTP/1.1 200")
    # No cert: with TLS 1.3 the refusal may arrive on the first read rather than in the handshake.
    ctx = _client_ctx(certs, ("http/1.1",))
    with socket.create_connection((LOOPBACK, mtls_gateway.tls_port), timeout=10) as raw:
        with pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError, EOFError)):
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                data = s.recv(4096)
                if not data:
                    raise EOFError("closed without an answer")
                pytest.fail(f"server answered without a client certificate: {data[:100]!r}")


def test_mtls_plain_http_still_served(mtls_gateway):
    # Client-certificate checks apply to TLS only; cleartext on the main port is unaffected.
    assert_health(mtls_gateway.port)


def test_tls_without_alpn_speaks_http11(tls_gateway, certs):
    ctx = ssl.create_default_context(cafile=str(certs / "ca.crt"))
    with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            assert s.selected_alpn_protocol() in (None, "http/1.1")
            s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            assert data.startswith(b"HTTP/1.1 200"), data[:200]


def test_tls_port_garbage_leaves_server_healthy(tls_gateway, certs):
    for payload in (b"\x16\x03\x01\x00\x05hello", b"\x16\x03\x03" + b"\xff" * 2000, b"\x00" * 100):
        try:
            with socket.create_connection((LOOPBACK, tls_gateway.tls_port), timeout=5) as s:
                s.sendall(payload)
                s.shutdown(socket.SHUT_WR)
                s.settimeout(3)
                while s.recv(4096):
                    pass
        except (ConnectionResetError, BrokenPipeError):
            pass
    r = _tls_curl(tls_gateway, certs, "--http2")
    assert r.status == 200, r
