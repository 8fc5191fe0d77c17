"""Mutual TLS towards the model servers: the simulator serves https and requires client
certificates from the test CA (a vLLM behind an mTLS proxy); the gateway verifies it against
--upstream-ca and presents --upstream-client-cert. A missing client certificate or an upstream the
configured CA did not sign is a 502 upstream_error that leaks no file names or key material, and
bad upstream TLS settings stop the start (exit 78) naming the flag, variable or YAML key."""
from __future__ import annotations

import json
import os
import uuid

import pytest

from helpers import LOOPBACK, assert_health, curl, free_ports, gateway_bin, run
from services import (GATEWAY_ENV_VARS, Simulator, assert_vectors_close, embed, gateway_env,  # noqa: F401
                      gateways)

class TLSSimulator(Simulator):
    """The simulator with an https-only listener that wants a client certificate signed by `client_ca`;
    its cleartext port stays for /control and the reference vectors."""

    def __init__(self, workdir, certs, client_ca="ca.crt"):
        self.tls_port = free_ports(1)[0]
        super().__init__(workdir, extra=("--tls-port", self.tls_port, "--tls-cert", certs / "server.crt",
                                         "--tls-key", certs / "server.key", "--tls-client-ca", certs / client_ca))

    @property
    def https_url(self) -> str:
        return f"https://{LOOPBACK}:{self.tls_port}"


@pytest.fixture(scope="module")
def tls_sim(tmp_path_factory, certs):
    s = TLSSimulator(tmp_path_factory.mktemp("tls-sim"), certs).start()
    yield s
    s.stop()


def _identity(certs, name="gateway-client"):
    return ("--upstream-client-cert", certs / f"{name}.crt", "--upstream-client-key", certs / f"{name}.key")


def _env(sim, **extra):
    # Only general goes over https; retries off so a refusal is answered at once.
    return gateway_env(sim, GENERAL_ENDPOINT=sim.https_url, PATTERN_RETRY_ATTEMPTS=0, **extra)


def _text() -> str:
    return f"mtls-{uuid.uuid4().hex[:12]}"


def _assert_upstream_error(r, certs):
    assert r.status == 502, r
    body = r.json()
    err = body["error"]
    assert err["code"] == "upstream_error" and body["request_id"], body
    assert "general" in err["message"], err
    for secret in (str(certs), ".key", ".crt", "PRIVATE", "BEGIN"):
        assert secret not in r.body.decode(), f"{secret!r} leaked into the error: {err}"


def test_simulator_requires_client_certificates(tls_sim, certs):
    base = ("--cacert", str(certs / "ca.crt"), "--resolve", f"localhost:{tls_sim.tls_port}:{LOOPBACK}")
    url = f"https://localhost:{tls_sim.tls_port}/health"
    r = curl(url, *base)
    assert r.rc != 0 and r.status == 0, f"simulator served https without a client certificate: {r}"
    r = curl(url, *base, "--cert", str(certs / "client.crt"), "--key", str(certs / "client.key"))
    assert r.rc == 0 and r.status == 200, r


@pytest.mark.parametrize("via", ["flags", "environment"])
def test_embed_over_mutual_tls(tls_sim, certs, gateways, via):
    if via == "flags":
        gw = gateways.start(_env(tls_sim), extra_args=("--upstream-ca", certs / "ca.crt", *_identity(certs)))
    else:
        gw = gateways.start(_env(tls_sim, UPSTREAM_TLS_CA=certs / "ca.crt",
                                 UPSTREAM_TLS_CERT=certs / "gateway-client.crt",
                                 UPSTREAM_TLS_KEY=certs / "gateway-client.key"))
    before = tls_sim.counters("general")["embed_calls"]
    text = _text()
    r = embed(gw.port, "general", {"text": text})
    assert r.status == 200, r
    assert tls_sim.counters("general")["embed_calls"] == before + 1, "the call did not reach the simulator"
    assert_vectors_close([r.json()["embedding"]], tls_sim.vectors("general", [text]), "general over mTLS")
    ready = [rec for rec in gw.log_records() if rec.get("message") == "core ready"]
    assert ready and "client cert" in ready[0].get("upstream_tls", ""), ready


def test_missing_client_certificate_is_502(tls_sim, certs, gateways):
    gw = gateways.start(_env(tls_sim), extra_args=("--upstream-ca", certs / "ca.crt"))
    for _ in range(2):
        _assert_upstream_error(embed(gw.port, "general", {"text": _text()}), certs)
    assert_health(gw.port, "after refused upstream handshakes")
    # The cleartext upstreams are unaffected.
    assert embed(gw.port, "phi3", {"text": _text()}).status == 200


def test_untrusted_upstream_is_502_without_leaks(tls_sim, certs, gateways):
    gw = gateways.start(_env(tls_sim), extra_args=("--upstream-ca", certs / "rogue-ca.crt", *_identity(certs)))
    r = embed(gw.port, "general", {"text": _text()})
    _assert_upstream_error(r, certs)
    assert "certificate" in r.json()["error"]["message"], r
    assert_health(gw.port, "after an untrusted upstream")


def test_rogue_client_certificate_is_502(tls_sim, certs, gateways):
    gw = gateways.start(_env(tls_sim), extra_args=("--upstream-ca", certs / "ca.crt", *_identity(certs, "rogue-client")))
    _assert_upstream_error(embed(gw.port, "general", {"text": _text()}), certs)


# ------------------------------------------------------------------ refused at start

def _start_fails(tmp_path, args=(), env=None, config=None):
    """Runs the gateway expecting exit 78; returns the `bad configuration` record."""
    e = {k: v for k, v in os.environ.items() if k not in GATEWAY_ENV_VARS}
    e.update({k: str(v) for k, v in (env or {}).items()})
    cmd = [gateway_bin(), "--host", LOOPBACK, "--port", "0", "--data-dir", tmp_path / "data", *args]
    if config is not None:
        (tmp_path / "gw.yaml").write_text(config)
        cmd += ["--config", tmp_path / "gw.yaml"]
    p = run(cmd, timeout=20, cwd=tmp_path, env=e)
    out = (p.stdout + p.stderr).decode(errors="replace")
    assert p.returncode == 78, f"exit {p.returncode}, expected 78:\n{out}"
    assert "BEGIN" not in out and "PRIVATE" not in out, f"file contents in the log:\n{out}"
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    bad = [r for r in records if r.get("message") == "bad configuration"]
    assert bad, out
    return bad[0]


@pytest.mark.parametrize("case", ["key_alone", "cert_without_key", "mismatched_key", "missing_ca", "ca_not_a_cert"])
def test_bad_upstream_tls_flags_stop_the_start(tmp_path, certs, case):
    args, key, reason = {
        "key_alone": (("--upstream-client-key", certs / "gateway-client.key"), "--upstream-client-key",
                      "needs a client certificate"),
        "cert_without_key": (("--upstream-client-cert", certs / "gateway-client.crt"), "--upstream-client-cert",
                             "no client key given"),
        "mismatched_key": (("--upstream-client-cert", certs / "gateway-client.crt",
                            "--upstream-client-key", certs / "client.key"), "--upstream-client-cert", "mismatch"),
        "missing_ca": (("--upstream-ca", tmp_path / "nope.crt"), "--upstream-ca", "cannot read"),
        "ca_not_a_cert": (("--upstream-ca", certs / "ca.key"), "--upstream-ca", "not a PEM CA bundle"),
    }[case]
    rec = _start_fails(tmp_path, args)
    assert rec["file"] == "command line" and rec["key"] == key and reason in rec["reason"], rec


def test_bad_upstream_tls_env_and_yaml_name_their_source(tmp_path, certs):
    rec = _start_fails(tmp_path, env={"UPSTREAM_TLS_KEY": certs / "gateway-client.key"})
    assert rec["file"] == "environment" and rec["key"] == "UPSTREAM_TLS_KEY", rec
    rec = _start_fails(tmp_path, config=f"server:\n  upstream_ca: {tmp_path / 'nope.crt'}\n")
    assert rec["file"].endswith("gw.yaml") and rec["key"] == "server.upstream_ca", rec
    # A flag wins over the environment, which wins over the file.
    rec = _start_fails(tmp_path, ("--upstream-ca", tmp_path / "flag.crt"),
                       env={"UPSTREAM_TLS_CA": certs / "ca.crt"}, config="server:\n  upstream_ca: /nope\n")
    assert rec["key"] == "--upstream-ca" and "flag.crt" in rec["reason"], rec
