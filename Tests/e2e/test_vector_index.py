"""The embedded store's HNSW graph through the release gateway (issue 18): a collection past its
index threshold (MODEL_INDEX_THRESHOLD_GENERAL, small here) gets a graph built in the background,
searches answer close to the exact top 10 (`exact: true` gives that), `ef` and `exact` are
checked like every field, the graph shows in optimizations/status, and across kill -9 and a clean
restart no acknowledged point is lost: a graph that was not saved is rebuilt, a saved one loaded."""
from __future__ import annotations

import random
import time

from services import gateway_env, gateways, fresh_sim, http  # noqa: F401 (fixtures)

SIZE = 384
POINTS = 1500
THRESHOLD = 500


def unit(rng: random.Random) -> list[float]:
    v = [rng.gauss(0, 1) for _ in range(SIZE)]
    n = sum(x * x for x in v) ** 0.5
    return [round(x / n, 6) for x in v]


def clustered(rng: random.Random, count: int, start: int = 0) -> list[dict]:
    centres = [unit(random.Random(1000 + c)) for c in range(20)]
    out = []
    for i in range(start, start + count):
        c = centres[rng.randrange(20)]
        out.append({"id": f"p{i}", "vector": [round(x + rng.gauss(0, 0.04), 6) for x in c],
                    "payload": {"group": f"g{i % 5}"}})
    return out


def ingest(port: int, points: list[dict]) -> None:
    for k in range(0, len(points), 500):
        r = http(port, "POST", "/api/v1/patterns/general/ingest", {"vectors": points[k:k + 500]})
        assert r.status == 200, r


def graph(port: int) -> dict | None:
    r = http(port, "GET", "/api/v1/optimizations/status")
    assert r.status == 200, r
    return r.json()["models"]["general"]["index"]["graph"]


def wait_ready(port: int, timeout: float = 90) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        g = graph(port)
        if g and g["state"] == "ready" and g["pending_points"] == 0:
            return g
        time.sleep(0.2)
    raise AssertionError(f"graph not ready: {graph(port)}")


def search(port: int, body: dict):
    return http(port, "POST", "/api/v1/patterns/general/search", body)


def recall(port: int, queries: list[list[float]], **extra) -> float:
    found = total = 0
    for q in queries:
        exact = search(port, {"query_vector": q, "limit": 10, "exact": True, **extra})
        approx = search(port, {"query_vector": q, "limit": 10, **extra})
        assert exact.status == 200 and approx.status == 200, (exact, approx)
        truth = {h["id"] for h in exact.json()["results"]}
        found += sum(1 for h in approx.json()["results"] if h["id"] in truth)
        total += len(truth)
    return found / total


def test_graph_past_the_threshold_answers_close_to_exact(fresh_sim, gateways):
    gw = gateways.start(gateway_env(fresh_sim, MODEL_INDEX_THRESHOLD_GENERAL=THRESHOLD))
    rng = random.Random(18)
    ingest(gw.port, clustered(rng, THRESHOLD - 1))
    assert graph(gw.port) is None
    status = http(gw.port, "GET", "/api/v1/optimizations/status").json()["models"]["general"]["index"]
    assert status["index_threshold"] == THRESHOLD and status["ef"] == 128 and status["m"] == 16, status
    ingest(gw.port, clustered(rng, POINTS - THRESHOLD + 1, start=THRESHOLD - 1))
    g = wait_ready(gw.port)
    assert g["indexed_points"] == POINTS and g["nodes"] == POINTS and g["memory_bytes"] > POINTS * SIZE * 4, g
    queries = [unit(rng) for _ in range(30)]
    assert recall(gw.port, queries) >= 0.95
    assert recall(gw.port, queries[:10], filter={"group": "g2"}) >= 0.9
    # A small ef still answers `limit` hits, best first.
    r = search(gw.port, {"query_vector": queries[0], "limit": 10, "ef": 1})
    scores = [h["score"] for h in r.json()["results"]]
    assert r.status == 200 and len(scores) == 10 and scores == sorted(scores, reverse=True), r
    # The same query through GraphQL, with its ef and exact arguments.
    q = "query($v:[Float!]){ optimizedSearch(model:\"general\", queryVector:$v, limit:10, exact:true, ef:32){ results{ id } } }"
    r = http(gw.port, "POST", "/graphql", {"query": q, "variables": {"v": queries[1]}})
    exact = search(gw.port, {"query_vector": queries[1], "limit": 10, "exact": True}).json()["results"]
    assert [h["id"] for h in r.json()["data"]["optimizedSearch"]["results"]] == [h["id"] for h in exact], r


def test_ef_and_exact_are_checked(fresh_sim, gateways):
    gw = gateways.start(gateway_env(fresh_sim))
    v = [1.0] + [0.0] * (SIZE - 1)
    for body, field in [({"ef": 0}, "ef"), ({"ef": 10001}, "ef"), ({"ef": "many"}, "ef"), ({"ef": 1.5}, "ef"),
                        ({"exact": "yes"}, "exact"), ({"exact": 1}, "exact")]:
        r = search(gw.port, {"query_vector": v, **body})
        assert r.status == 400, (body, r)
        assert r.json()["error"]["details"]["field"] == field, r.json()
    assert http(gw.port, "GET", "/health").status == 200


def test_kill_9_loses_no_point_and_the_graph_comes_back(fresh_sim, gateways):
    env = gateway_env(fresh_sim, MODEL_INDEX_THRESHOLD_GENERAL=THRESHOLD)
    first = gateways.start(env)
    rng = random.Random(19)
    points = clustered(rng, POINTS)
    ingest(first.port, points)
    gateways.kill9(first)  # the graph may be half built, and is not saved

    second = gateways.start(env, workdir=first.workdir)
    for p in points[::30]:
        r = search(second.port, {"query_vector": p["vector"], "limit": 1})
        assert r.status == 200 and r.json()["results"][0]["id"] == p["id"], (p["id"], r)
    g = wait_ready(second.port)
    assert g["indexed_points"] == POINTS and g["rebuild_reason"] == "no saved graph", g
    for p in points[::30]:
        r = search(second.port, {"query_vector": p["vector"], "limit": 1})
        assert r.json()["results"][0]["id"] == p["id"], (p["id"], r)
    queries = [unit(rng) for _ in range(10)]
    before = [search(second.port, {"query_vector": q, "limit": 10}).json()["results"] for q in queries]
    rc = second.stop()  # SIGTERM: the store's last snapshot saves the graph
    second.checked = True
    assert rc == 0, f"SIGTERM exit status {rc}"

    third = gateways.start(env, workdir=first.workdir)
    g = graph(third.port)
    assert g and g["state"] == "ready" and g["rebuild_reason"] is None and g["nodes"] == POINTS, g
    after = [search(third.port, {"query_vector": q, "limit": 10}).json()["results"] for q in queries]
    assert [[h["id"] for h in r] for r in after] == [[h["id"] for h in r] for r in before]
