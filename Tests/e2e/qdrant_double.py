"""A contract double of Qdrant's REST API, for the gateway's Qdrant vector store (a real Qdrant
cannot be installed here).

It serves the calls listed in spec/PROTOCOLS.md ("Qdrant REST") on 127.0.0.1 and answers them
the way Qdrant does: the `{"result": ..., "status": "ok", "time": ...}` envelope, 404
`{"status": {"error": "Not found: Collection `x` doesn't exist!"}, "time": ...}`, 409 for a
collection that exists, 400 "Wrong input: ..." for a wrong vector size, 413 over the 32 MiB
request cap. Collections live in memory; search is exact cosine (like Qdrant's, over vectors
normalised at upsert, scores rounded to float32), with exact-match filters and a score threshold.
Equal scores come back in UUID order, not in the gateway's id order, as Qdrant gives no order.

It CHECKS every request against the documented shapes (paths, query parameters, body keys and
types, UUID/u64 ids, vector sizes, Content-Type, the body cap) and records each departure in
`violations`; tests assert that list is empty. Control endpoints under /_double/ (never part of
Qdrant's API, never counted as requests) let a test read what was sent and inject faults:

    GET  /_double/requests      every API request: method, path, query, bytes, points, status, ...
    GET  /_double/violations    every departure from the documented shapes
    GET  /_double/collections   name -> {size, distance, m, ef_construct, points}
    GET  /_double/points/<c>    the stored points of one collection: [{id, payload}]
    POST /_double/faults        {"status": 503, "count": 2, "retry_after": 1, "error": "..."} |
                                {"delay_ms": 800, "count": 1} | {"drop": true, "count": 1};
                                optional "method" and "path_contains" narrow what a fault hits
    POST /_double/reset         forget collections, requests, violations and faults

`QdrantDouble(...).start()` runs it in a thread of the test process; `stop()` closes the
listener (the gateway then sees connection refused) and `start()` again reopens the same port.
Run as a script (`python qdrant_double.py --port 6333`) to try the gateway by hand.
"""
from __future__ import annotations

import argparse
import json
import math
import operator
import re
import struct
import threading
import time
from array import array
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from helpers import LOOPBACK, free_ports

REQUEST_CAP = 32 * 1024 * 1024
UUID_TEXT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
COLLECTION = re.compile(r"^/collections/([^/]+)$")
POINTS = re.compile(r"^/collections/([^/]+)/points$")
SEARCH = re.compile(r"^/collections/([^/]+)/points/search$")
DELETE = re.compile(r"^/collections/([^/]+)/points/delete$")


def f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_number(v) -> bool:
    return (is_int(v) or isinstance(v, float)) and math.isfinite(v)


def is_vector(v) -> bool:
    """A non-empty list of finite JSON numbers (Python's json also reads NaN and Infinity)."""
    return (isinstance(v, list) and len(v) > 0 and all(type(x) is float or type(x) is int for x in v)
            and math.isfinite(math.hypot(*v)))


class Refused(Exception):
    """An answer other than success: status, Qdrant's error sentence."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class QdrantDouble:
    def __init__(self, port: int | None = None, api_key: str | None = None):
        self.port = port or free_ports(1)[0]
        self.api_key = api_key
        self.lock = threading.Lock()
        self.collections: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.violations: list[str] = []
        self.faults: list[dict] = []
        self.operation = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    # lifecycle ----------------------------------------------------------------
    def start(self) -> "QdrantDouble":
        double = self

        class Handler(_Handler):
            owner = double

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer((LOOPBACK, self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"qdrant-double-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listener and every open connection: calls now fail to connect."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None
        with self.lock:
            for conn in list(_Handler.open_connections.get(self.port, ())):
                try:
                    conn.shutdown(2)
                except OSError:
                    pass

    def reset(self) -> None:
        with self.lock:
            self.collections.clear()
            self.requests.clear()
            self.violations.clear()
            self.faults.clear()

    def add_fault(self, **fault) -> None:
        fault.setdefault("count", 1)
        with self.lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    # reading back (copies, under the lock) --------------------------------------
    def recorded(self, method: str | None = None, path_re: str | None = None) -> list[dict]:
        with self.lock:
            out = list(self.requests)
        return [r for r in out if (method is None or r["method"] == method)
                and (path_re is None or re.search(path_re, r["path"]))]

    def violation_list(self) -> list[str]:
        with self.lock:
            return list(self.violations)

    def summary(self) -> dict:
        with self.lock:
            return {name: {"size": c["size"], "distance": c["distance"], "m": c["m"],
                           "ef_construct": c["ef_construct"], "points": len(c["points"])}
                    for name, c in self.collections.items()}

    def points(self, name: str) -> list[dict]:
        with self.lock:
            c = self.collections.get(name)
            return [] if c is None else [{"id": p["id"], "payload": dict(p["payload"])} for p in c["points"].values()]

    # the API --------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers, body: bytes) -> tuple[int, dict, dict]:
        """(status, JSON body, extra headers) for one API request; records it and its violations."""
        started = time.monotonic()
        split = urlsplit(raw_path)
        path = unquote(split.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        entry = {"method": method, "path": path, "query": query, "bytes": len(body), "at": started,
                 "content_type": headers.get("Content-Type"), "api_key": headers.get("api-key") is not None,
                 "traceparent": headers.get("traceparent"), "tracestate": headers.get("tracestate")}
        problems: list[str] = []
        status, answer, extra = 0, {}, {}
        try:
            fault = self._take_fault(method, path)
            if fault is not None:
                entry["fault"] = fault
                if "delay_ms" in fault:
                    time.sleep(fault["delay_ms"] / 1000)
                if fault.get("drop"):
                    entry["status"] = "dropped"
                    raise _Drop()
                if "status" in fault:
                    extra = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
                    raise Refused(fault["status"], fault.get("error", "Service unavailable"))
            if self.api_key is not None and headers.get("api-key") != self.api_key:
                raise Refused(401, "Must provide an API key or an Authorization bearer token")
            if len(body) > REQUEST_CAP:
                problems.append(f"{method} {path}: body of {len(body)} bytes is over Qdrant's 32 MiB cap")
                raise Refused(413, "Payload too large")
            doc = None
            if body:
                if not (headers.get("Content-Type") or "").startswith("application/json"):
                    problems.append(f"{method} {path}: a body without Content-Type: application/json "
                                    f"(Qdrant refuses it), got {headers.get('Content-Type')!r}")
                try:
                    doc = json.loads(body)
                except ValueError as e:
                    problems.append(f"{method} {path}: body is not JSON: {e}")
                    raise Refused(400, f"Format error in JSON body: {e}")
            result = self._route(method, path, query, doc, entry, problems)
            status, answer = 200, {"result": result, "status": "ok", "time": time.monotonic() - started}
        except Refused as r:
            status, answer = r.status, {"status": {"error": r.message}, "time": time.monotonic() - started}
        finally:
            entry.setdefault("status", status)
            entry["took"] = time.monotonic() - started
            with self.lock:
                self.requests.append(entry)
                self.violations.extend(problems)
        return status, answer, extra

    def _take_fault(self, method: str, path: str) -> dict | None:
        with self.lock:
            for f in self.faults:
                if f.get("method") not in (None, method) or f.get("path_contains", "") not in path:
                    continue
                f["count"] -= 1
                if f["count"] <= 0:
                    self.faults.remove(f)
                return dict(f)
        return None

    def _route(self, method, path, query, doc, entry, problems):
        allowed_query = {"wait"} if method in ("PUT", "POST") and (POINTS.match(path) or DELETE.match(path)) else set()
        for k, v in query.items():
            if k not in allowed_query:
                problems.append(f"{method} {path}: unknown query parameter {k}={v}")
            elif v not in ("true", "false"):
                problems.append(f"{method} {path}: wait={v!r}, expected true or false")
        if path == "/collections" and method == "GET":
            with self.lock:
                return {"collections": [{"name": n} for n in sorted(self.collections)]}
        for pattern, routes in ((COLLECTION, {"PUT": self._create, "GET": self._describe, "DELETE": self._drop}),
                                (POINTS, {"PUT": self._upsert}),
                                (SEARCH, {"POST": self._search}),
                                (DELETE, {"POST": self._delete_points})):
            m = pattern.match(path)
            if m and method in routes:
                entry["collection"] = m.group(1)
                return routes[method](m.group(1), query, doc, entry, problems)
        problems.append(f"{method} {path}: not a Qdrant route the gateway should use")
        raise Refused(404, f"Not found: {path}")

    def _collection(self, name: str) -> dict:
        c = self.collections.get(name)
        if c is None:
            raise Refused(404, f"Not found: Collection `{name}` doesn't exist!")
        return c

    def _create(self, name, query, doc, entry, problems):
        where = f"PUT /collections/{name}"
        size = m = ef = None
        if not _keys(doc, {"vectors"}, {"hnsw_config"}, where, problems):
            raise Refused(400, "Format error in JSON body")
        vectors = doc["vectors"]
        if _keys(vectors, {"size", "distance"}, set(), f"{where} vectors", problems):
            size = vectors["size"]
            if not is_int(size) or size < 1:
                problems.append(f"{where}: vectors.size {size!r} is not a positive integer")
            if vectors["distance"] != "Cosine":
                problems.append(f"{where}: distance {vectors['distance']!r}, expected \"Cosine\"")
        hnsw = doc.get("hnsw_config", {})
        if _keys(hnsw, set(), {"m", "ef_construct"}, f"{where} hnsw_config", problems):
            m, ef = hnsw.get("m"), hnsw.get("ef_construct")
            for k, v in (("m", m), ("ef_construct", ef)):
                if v is not None and (not is_int(v) or v < 0):
                    problems.append(f"{where}: hnsw_config.{k} {v!r} is not a non-negative integer")
        entry["create"] = doc
        if not is_int(size) or size < 1:
            raise Refused(422, "Validation error in JSON body: vectors.size: value 0 invalid, must be 1 or larger")
        with self.lock:
            if name in self.collections:
                raise Refused(409, f"Wrong input: Collection `{name}` already exists!")
            self.collections[name] = {"size": size, "distance": vectors["distance"], "m": m if m is not None else 16,
                                      "ef_construct": ef if ef is not None else 100, "points": {}}
        return True

    def _describe(self, name, query, doc, entry, problems):
        if doc is not None:
            problems.append(f"GET /collections/{name}: a body on a GET")
        with self.lock:
            c = self._collection(name)
            n = len(c["points"])
            return {
                "status": "green", "optimizer_status": "ok", "indexed_vectors_count": 0, "points_count": n,
                "segments_count": 1,
                "config": {
                    "params": {"vectors": {"size": c["size"], "distance": c["distance"]}, "shard_number": 1,
                               "replication_factor": 1, "write_consistency_factor": 1, "on_disk_payload": True},
                    "hnsw_config": {"m": c["m"], "ef_construct": c["ef_construct"], "full_scan_threshold": 10000,
                                    "max_indexing_threads": 0, "on_disk": False},
                    "optimizer_config": {"deleted_threshold": 0.2, "vacuum_min_vector_number": 1000,
                                         "default_segment_number": 0, "indexing_threshold": 20000,
                                         "flush_interval_sec": 5},
                    "wal_config": {"wal_capacity_mb": 32, "wal_segments_ahead": 0},
                    "quantization_config": None,
                },
                "payload_schema": {},
            }

    def _drop(self, name, query, doc, entry, problems):
        with self.lock:
            return self.collections.pop(name, None) is not None

    def _point_id(self, pid, where, problems) -> str | None:
        if isinstance(pid, str):
            if not UUID_TEXT.match(pid):
                problems.append(f"{where}: id {pid!r} is neither an unsigned integer nor a UUID")
                return None
            return pid
        if is_int(pid) and 0 <= pid < 2 ** 64:
            return str(pid)
        problems.append(f"{where}: id {pid!r} is neither an unsigned integer nor a UUID")
        return None

    def _upsert(self, name, query, doc, entry, problems):
        where = f"PUT /collections/{name}/points"
        if "wait" not in query:
            entry["wait"] = None
        else:
            entry["wait"] = query["wait"] == "true"
        if not _keys(doc, {"points"}, set(), where, problems) or not isinstance(doc["points"], list):
            problems.append(f"{where}: points is not a list")
            raise Refused(400, "Format error in JSON body: points")
        entry["points"] = len(doc["points"])
        staged = []
        with self.lock:
            c = self._collection(name)
            size = c["size"]
        for i, p in enumerate(doc["points"]):
            at = f"{where} points[{i}]"
            if not _keys(p, {"id", "vector"}, {"payload"}, at, problems):
                raise Refused(400, f"Format error in JSON body: points[{i}]")
            pid = self._point_id(p["id"], at, problems)
            vector = p["vector"]
            if not is_vector(vector):
                problems.append(f"{at}: vector is not a list of finite numbers")
                raise Refused(400, f"Format error in JSON body: points[{i}].vector")
            if len(vector) != size:
                problems.append(f"{at}: vector of {len(vector)} values in a collection of size {size}")
                raise Refused(400, f"Wrong input: Vector dimension error: expected dim: {size}, got {len(vector)}")
            payload = p.get("payload") or {}
            if not isinstance(payload, dict):
                problems.append(f"{at}: payload is not an object")
                raise Refused(400, f"Format error in JSON body: points[{i}].payload")
            for k, v in payload.items():
                if not isinstance(v, str):
                    problems.append(f"{at}: payload value {k}={v!r} is not a string (the gateway's payloads are)")
            if pid is None:
                raise Refused(400, f"Format error in JSON body: points[{i}].id: value {p['id']!r} is not a valid point id")
            norm = math.hypot(*vector)
            # Qdrant keeps cosine vectors normalised, in float32.
            unit = array("f", [x / norm for x in vector]) if norm > 0 else array("f", bytes(4 * size))
            staged.append((pid, unit, payload))
        with self.lock:
            c = self._collection(name)
            self.operation += 1
            for pid, unit, payload in staged:
                c["points"][pid] = {"id": pid, "vector": unit, "payload": payload, "version": self.operation}
            op = self.operation
        return {"operation_id": op, "status": "completed" if entry["wait"] else "acknowledged"}

    def _search(self, name, query, doc, entry, problems):
        where = f"POST /collections/{name}/points/search"
        if not _keys(doc, {"vector", "limit"}, {"filter", "with_payload", "score_threshold"}, where, problems):
            raise Refused(400, "Format error in JSON body")
        vector, limit = doc["vector"], doc["limit"]
        if not is_vector(vector):
            problems.append(f"{where}: vector is not a list of finite numbers")
            raise Refused(400, "Format error in JSON body: vector")
        if not is_int(limit) or limit < 1:
            problems.append(f"{where}: limit {limit!r} is not a positive integer")
            raise Refused(422, "Validation error in JSON body: limit")
        if "with_payload" in doc and not isinstance(doc["with_payload"], bool):
            problems.append(f"{where}: with_payload {doc['with_payload']!r} is not a boolean")
        threshold = doc.get("score_threshold")
        if threshold is not None and not is_number(threshold):
            problems.append(f"{where}: score_threshold {threshold!r} is not a number")
        conditions = []
        if "filter" in doc:
            f = doc["filter"]
            if _keys(f, {"must"}, set(), f"{where} filter", problems) and isinstance(f["must"], list):
                for j, cond in enumerate(f["must"]):
                    at = f"{where} filter.must[{j}]"
                    if (_keys(cond, {"key", "match"}, set(), at, problems)
                            and _keys(cond["match"], {"value"}, set(), f"{at}.match", problems)):
                        if not isinstance(cond["key"], str) or not isinstance(cond["match"]["value"], str):
                            problems.append(f"{at}: key and match.value must be strings")
                        conditions.append((cond["key"], cond["match"]["value"]))
            else:
                problems.append(f"{where}: filter.must is not a list")
        entry["search"] = {"limit": limit, "filter": conditions, "score_threshold": threshold,
                           "with_payload": doc.get("with_payload")}
        with self.lock:
            c = self._collection(name)
            if len(vector) != c["size"]:
                problems.append(f"{where}: query of {len(vector)} values in a collection of size {c['size']}")
                raise Refused(400, f"Wrong input: Vector dimension error: expected dim: {c['size']}, got {len(vector)}")
            points = list(c["points"].values())
        norm = math.hypot(*vector)
        q = [x / norm for x in vector] if norm > 0 else vector
        hits = []
        for p in points:
            if any(p["payload"].get(k) != v for k, v in conditions):
                continue
            score = f32(sum(map(operator.mul, q, p["vector"])))
            if threshold is not None and score < threshold:
                continue
            hits.append((score, p))
        hits.sort(key=lambda h: (-h[0], h[1]["id"]))
        with_payload = doc.get("with_payload", False)
        return [{"id": int(p["id"]) if p["id"].isdigit() else p["id"], "version": p["version"], "score": s,
                 "payload": dict(p["payload"]) if with_payload else None}
                for s, p in hits[:limit]]

    def _delete_points(self, name, query, doc, entry, problems):
        where = f"POST /collections/{name}/points/delete"
        if not _keys(doc, {"points"}, set(), where, problems) or not isinstance(doc["points"], list):
            raise Refused(400, "Format error in JSON body")
        ids = [self._point_id(pid, where, problems) for pid in doc["points"]]
        entry["points"] = len(ids)
        with self.lock:
            c = self._collection(name)
            for pid in ids:
                c["points"].pop(pid, None)
            self.operation += 1
            return {"operation_id": self.operation, "status": "completed"}

    # control ------------------------------------------------------------------
    def control(self, method: str, path: str, body: bytes) -> tuple[int, object]:
        if method == "GET" and path == "/_double/requests":
            return 200, self.recorded()
        if method == "GET" and path == "/_double/violations":
            return 200, self.violation_list()
        if method == "GET" and path == "/_double/collections":
            return 200, self.summary()
        if method == "GET" and path.startswith("/_double/points/"):
            return 200, self.points(unquote(path[len("/_double/points/"):]))
        if method == "POST" and path == "/_double/faults":
            self.add_fault(**json.loads(body or b"{}"))
            return 200, {"ok": True}
        if method == "POST" and path == "/_double/reset":
            self.reset()
            return 200, {"ok": True}
        return 404, {"error": f"no control endpoint {method} {path}"}


def _keys(obj, required: set, optional: set, where: str, problems: list) -> bool:
    """Whether obj is an object with every required key and nothing unknown (recorded if not)."""
    if not isinstance(obj, dict):
        problems.append(f"{where}: expected a JSON object, got {type(obj).__name__}")
        return False
    ok = True
    missing = required - obj.keys()
    if missing:
        problems.append(f"{where}: missing {sorted(missing)}")
        ok = False
    unknown = obj.keys() - required - optional
    if unknown:
        problems.append(f"{where}: unknown keys {sorted(unknown)}")
    return ok


class _Drop(Exception):
    """Close the connection without an answer."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: QdrantDouble
    open_connections: dict[int, set] = {}

    def setup(self):
        super().setup()
        _Handler.open_connections.setdefault(self.owner.port, set()).add(self.connection)

    def finish(self):
        _Handler.open_connections.get(self.owner.port, set()).discard(self.connection)
        super().finish()

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def _body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > REQUEST_CAP + 1024 * 1024:
            return None
        return self.rfile.read(length) if length else b""

    def _dispatch(self):
        body = self._body()
        if body is None:
            with self.owner.lock:
                self.owner.violations.append(f"{self.command} {self.path}: body of "
                                             f"{self.headers.get('Content-Length')} bytes is over Qdrant's 32 MiB cap")
            self._send(413, {"status": {"error": "Payload too large"}, "time": 0.0}, {}, close=True)
            return
        if self.path.startswith("/_double/"):
            status, answer = self.owner.control(self.command, self.path, body)
            self._send(status, answer, {})
            return
        try:
            status, answer, extra = self.owner.handle(self.command, self.path, self.headers, body)
        except _Drop:
            self.close_connection = True
            return
        self._send(status, answer, extra)

    def _send(self, status: int, answer, extra: dict, close: bool = False):
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra.items():
            self.send_header(k, v)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The gateway gave up waiting (its deadline passed): nobody to answer.
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _dispatch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=6333)
    ap.add_argument("--api-key")
    args = ap.parse_args()
    d = QdrantDouble(args.port, api_key=args.api_key).start()
    print(f"qdrant double on {d.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        d.stop()


if __name__ == "__main__":
    main()
