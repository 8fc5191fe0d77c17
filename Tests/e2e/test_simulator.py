"""The model-server simulator behaves like vLLM / Ollama: real HTTP, the model's dimensions,
deterministic unit vectors, latency, injected faults."""
from __future__ import annotations

import json
import math
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from helpers import LOOPBACK, gateway_bin, free_ports

SIZES = {"mixtral": 4096, "hermes": 4096, "openchat": 4096, "phi3": 2048, "yi34b": 4096,
         "deepcoder": 1024, "imp": 2048, "deepseek": 4096, "general": 384}


def sim_bin():
    return gateway_bin().parent / "pattern-upstream-sim"


@pytest.fixture(scope="module")
def sim():
    if not sim_bin().exists():
        pytest.skip(f"{sim_bin()} not built")
    port = free_ports(1)[0]
    proc = subprocess.Popen([str(sim_bin()), "--port", str(port), "--latency-ms", "20", "--jitter-ms", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    assert "all models" in line, line
    yield port
    proc.terminate()
    assert proc.wait(timeout=10) == 0


def post(port, path, body, timeout=5):
    req = urllib.request.Request(f"http://{LOOPBACK}:{port}{path}", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


@pytest.mark.parametrize("model,size", sorted(SIZES.items()))
def test_openai_dialect_gives_the_models_dimension(sim, model, size):
    status, _, body = post(sim, "/v1/embeddings", {"model": model, "input": ["a", "b", "c"]})
    assert status == 200
    assert body["object"] == "list" and body["model"] == model
    assert [d["index"] for d in body["data"]] == [0, 1, 2]
    for d in body["data"]:
        assert len(d["embedding"]) == size
        assert math.isclose(sum(x * x for x in d["embedding"]), 1.0, rel_tol=1e-4)
    assert body["usage"]["total_tokens"] >= 3


def test_ollama_dialects_and_determinism(sim):
    s1, _, a = post(sim, "/api/embed", {"model": "general", "input": ["same text"]})
    s2, _, b = post(sim, "/api/embeddings", {"model": "general", "prompt": "same text"})
    s3, _, c = post(sim, "/v1/embeddings", {"model": "general", "input": "other text"})
    assert (s1, s2, s3) == (200, 200, 200)
    assert a["embeddings"][0] == b["embedding"]
    assert a["embeddings"][0] != c["data"][0]["embedding"]


def test_bad_input_is_a_vllm_style_400(sim):
    status, _, body = post(sim, "/v1/embeddings", {"model": "general"})
    assert status == 400 and body["object"] == "error" and body["code"] == 400


def test_latency_is_applied(sim):
    t = time.monotonic()
    post(sim, "/v1/embeddings", {"model": "general", "input": "x"})
    assert time.monotonic() - t >= 0.018


def test_fail_wrong_dimensions_and_recover(sim):
    status, _, _ = post(sim, "/control", {"model": "imp", "mode": "fail", "status": 503, "retry_after": 2})
    assert status == 200
    status, headers, _ = post(sim, "/v1/embeddings", {"model": "imp", "input": "x"})
    assert status == 503 and headers.get("Retry-After") == "2"
    post(sim, "/control", {"model": "imp", "mode": "wrong_dimensions"})
    status, _, body = post(sim, "/v1/embeddings", {"model": "imp", "input": "x"})
    assert status == 200 and len(body["data"][0]["embedding"]) == SIZES["imp"] // 2
    post(sim, "/control", {"model": "imp", "mode": "recover"})
    status, _, body = post(sim, "/v1/embeddings", {"model": "imp", "input": "x"})
    assert status == 200 and len(body["data"][0]["embedding"]) == SIZES["imp"]
    with urllib.request.urlopen(f"http://{LOOPBACK}:{sim}/control", timeout=5) as r:
        state = json.loads(r.read())
    assert state["models"]["imp"]["failures"] == 1 and state["models"]["imp"]["embed_calls"] >= 3
