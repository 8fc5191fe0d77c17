#!/usr/bin/env python3
"""ANN suite: VectorIndex's HNSW (pattern-ann-bench) vs hnswlib vs faiss IndexHNSWFlat, on the same files.

For each size in ANN_SIZES and each data shape in ANN_DATA (random, clustered) it writes seeded unit-vector
sets (base, queries) and the exact top-10 by inner product (faiss IndexFlatIP), then runs the three libraries
one at a time, each pinned with taskset to the same CPU and single-threaded, with the same M, efConstruction
and ef values. Prints a Markdown table (and the JSON lines it came from to results.jsonl).

  scripts/bench-ann.py            (scripts/bench-ann.sh makes the venv and the release binary first)

Env: ANN_SIZES (100000), ANN_DATA (random,clustered), ANN_DIM (384), ANN_QUERIES (1000), ANN_M (16),
     ANN_EFC (100), ANN_EFS (16,32,64,128,256,512), ANN_CPU (0), ANN_ROUNDS (3),
     ANN_LIBS (pattern,pattern-haswell,hnswlib,faiss), ANN_DIR (bench-results/ann),
     ANN_BIN (.build-i18/release/pattern-ann-bench), ANN_BIN_HASWELL (.build-i18-haswell/release/pattern-ann-bench).
pattern is the portable build (baseline x86-64: SSE2); pattern-haswell the same code built with
-target-cpu haswell (AVX2, FMA), which is what pip's hnswlib build (-march=native) and faiss's AVX2 kernels use.
Each ef is timed ANN_ROUNDS times in every library and the fastest pass reported (the machine is shared).
Measures: recall@10 against the exact answer; QPS = queries / time of one batch call on one thread (per-query
calls for hnswlib and faiss would add Python's call overhead); p50/p99 from one call per query (the Python
libraries' include that overhead, a few µs); build seconds; memory = the process's RSS growth over the build
(for pattern also the index's own count of bytes).
"""
import json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def env(name, default):
    return os.environ.get(name, default)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def write_matrix(path, a, magic):
    import numpy as np
    with open(path, "wb") as f:
        f.write(magic + np.array(a.shape, dtype="<u4").tobytes())
        a.tofile(f)


def read_matrix(path):
    import numpy as np
    with open(path, "rb") as f:
        magic = f.read(4)
        rows, cols = np.frombuffer(f.read(8), dtype="<u4")
        dtype = "<f4" if magic == b"PGVF" else "<i4"
        return np.fromfile(f, dtype=dtype).reshape(int(rows), int(cols))


def unit_rows(rng, shape, n, d, centres=None):
    """Seeded unit vectors: standard normal directions, or points around `centres`."""
    import numpy as np
    out = np.empty((n, d), dtype=np.float32)
    for s in range(0, n, 50000):
        e = min(n, s + 50000)
        if shape == "random":
            x = rng.standard_normal((e - s, d), dtype=np.float32)
        else:
            pick = rng.integers(0, len(centres), e - s)
            x = centres[pick] + rng.standard_normal((e - s, d), dtype=np.float32) * np.float32(0.75 / np.sqrt(d))
        out[s:e] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def make_dataset(directory, shape, n, d, nq):
    """Writes base.f32, queries.f32, truth.i32 once per (shape, n, d, nq); seeded, so reruns reuse them."""
    import numpy as np
    if all(os.path.exists(os.path.join(directory, f)) for f in ("base.f32", "queries.f32", "truth.i32")):
        return
    os.makedirs(directory, exist_ok=True)
    t = time.time()
    centres = None
    if shape == "clustered":
        c = np.random.default_rng(7).standard_normal((max(10, n // 1000), d), dtype=np.float32)
        centres = c / np.linalg.norm(c, axis=1, keepdims=True)
    base = unit_rows(np.random.default_rng(1), shape, n, d, centres)
    queries = unit_rows(np.random.default_rng(2), shape, nq, d, centres)
    import faiss
    faiss.omp_set_num_threads(1)
    flat = faiss.IndexFlatIP(d)
    flat.add(base)
    _, truth = flat.search(queries, 10)
    write_matrix(os.path.join(directory, "base.f32"), base, b"PGVF")
    write_matrix(os.path.join(directory, "queries.f32"), queries, b"PGVF")
    write_matrix(os.path.join(directory, "truth.i32"), truth.astype(np.int32), b"PGVI")
    print(f"bench-ann: {shape} {n} x {d} written with exact top-10 in {time.time() - t:.1f} s", file=sys.stderr)


def recall(found, truth):
    return sum(len(set(f[:10]) & set(t[:10])) for f, t in zip(found, truth)) / (10 * len(truth))


def percentiles(latencies):
    latencies = sorted(latencies)
    return latencies[len(latencies) // 2] * 1e6, latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)] * 1e6


def run_python_library(library, directory, m, efc, efs, rounds):
    """Runs inside the pinned child: builds one library's index and prints JSON lines like pattern-ann-bench."""
    import numpy as np
    base, queries, truth = (read_matrix(os.path.join(directory, f)) for f in ("base.f32", "queries.f32", "truth.i32"))
    n, d = base.shape
    before = rss_bytes()
    t = time.time()
    if library == "hnswlib":
        import hnswlib
        index = hnswlib.Index(space="ip", dim=d)
        index.init_index(max_elements=n, ef_construction=efc, M=m, random_seed=100)
        index.add_items(base, np.arange(n), num_threads=1)
    else:
        import faiss
        faiss.omp_set_num_threads(1)
        index = faiss.IndexHNSWFlat(d, m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = efc
        index.add(base)
    build = time.time() - t
    print(json.dumps({"kind": "build", "library": library, "n": n, "d": d, "m": m, "ef_construction": efc,
                      "build_s": round(build, 3), "rss_growth_mib": round((rss_bytes() - before) / 2**20, 1)}), flush=True)
    for ef in efs:
        if library == "hnswlib":
            index.set_ef(ef)
            one = lambda q: index.knn_query(q, k=10, num_threads=1)[0]
            batch = lambda: index.knn_query(queries, k=10, num_threads=1)[0]
        else:
            index.hnsw.efSearch = ef
            one = lambda q: index.search(q, 10)[1]
            batch = lambda: index.search(queries, 10)[1]
        for q in queries[:200]:
            one(q[None, :])
        best, qps = None, 0
        for _ in range(rounds):
            latencies = []
            for q in queries:
                s = time.perf_counter()
                one(q[None, :])
                latencies.append(time.perf_counter() - s)
            if best is None or sum(latencies) < sum(best):
                best = latencies
            s = time.perf_counter()
            found = batch()
            qps = max(qps, len(queries) / (time.perf_counter() - s))
        p50, p99 = percentiles(best)
        print(json.dumps({"kind": "search", "library": library, "n": n, "ef": ef,
                          "recall10": round(recall(found.tolist(), truth.tolist()), 4), "qps": int(qps),
                          "p50_us": round(p50, 1), "p99_us": round(p99, 1)}), flush=True)


def run_pinned(cmd, cpu):
    """One library at a time on one CPU; returns its JSON lines."""
    print("bench-ann: " + " ".join(cmd[-12:]), file=sys.stderr, flush=True)
    out = subprocess.run(["taskset", "-c", str(cpu)] + cmd, check=True, stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    sizes = [int(x) for x in env("ANN_SIZES", "100000").split(",")]
    shapes = env("ANN_DATA", "random,clustered").split(",")
    d, nq = int(env("ANN_DIM", "384")), int(env("ANN_QUERIES", "1000"))
    m, efc = int(env("ANN_M", "16")), int(env("ANN_EFC", "100"))
    efs = [int(x) for x in env("ANN_EFS", "16,32,64,128,256,512").split(",")]
    cpu, libs = env("ANN_CPU", "0"), env("ANN_LIBS", "pattern,pattern-haswell,hnswlib,faiss").split(",")
    rounds = env("ANN_ROUNDS", "3")
    top = env("ANN_DIR", os.path.join(ROOT, "bench-results", "ann"))
    binaries = {"pattern": env("ANN_BIN", os.path.join(ROOT, ".build-i18", "release", "pattern-ann-bench")),
                "pattern-haswell": env("ANN_BIN_HASWELL",
                                       os.path.join(ROOT, ".build-i18-haswell", "release", "pattern-ann-bench"))}
    rows = []
    for n in sizes:
        for shape in shapes:
            directory = os.path.join(top, f"{shape}-{n}-{d}-{nq}")
            make_dataset(directory, shape, n, d, nq)
            for library in libs:
                if library in binaries:
                    cmd = [binaries[library], "--rounds", rounds, "--base", f"{directory}/base.f32", "--queries", f"{directory}/queries.f32",
                           "--truth", f"{directory}/truth.i32", "--m", str(m), "--ef-construction", str(efc),
                           "--ef", ",".join(map(str, efs))]
                else:
                    cmd = [sys.executable, os.path.abspath(__file__), "--child", library, directory, str(m), str(efc),
                           ",".join(map(str, efs)), rounds]
                lines = [dict(l, library=library) for l in run_pinned(cmd, cpu)]
                build = next(l for l in lines if l["kind"] == "build")
                for l in lines:
                    if l["kind"] == "search":
                        rows.append(dict(l, data=shape, build=build))
                with open(os.path.join(top, "results.jsonl"), "a") as f:
                    for l in lines:
                        f.write(json.dumps(dict(l, data=shape, date=time.strftime("%Y-%m-%d %H:%M"))) + "\n")
    print(f"\nANN suite: d={d}, M={m}, efConstruction={efc}, {nq} queries, one core (taskset -c {cpu}), k=10, "
          f"best of {rounds} rounds\n")
    print("| library | n | data | ef | recall@10 | QPS | p50 µs | p99 µs | build s | memory MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        b = r["build"]
        mem = f'{b["rss_growth_mib"]}' + (f' ({b["index_mib"]} index)' if "index_mib" in b else "")
        print(f'| {r["library"]} | {r["n"]:,} | {r["data"]} | {r["ef"]} | {r["recall10"]:.4f} | {r["qps"]:,} | '
              f'{r["p50_us"]} | {r["p99_us"]} | {b["build_s"]} | {mem} |')
    print("\nBest QPS at recall@10 ≥ 0.95:\n")
    print("| library | n | data | ef | recall@10 | QPS | p50 µs |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        for shape in shapes:
            for library in libs:
                ok = [r for r in rows if r["library"] == library and r["n"] == n and r["data"] == shape
                      and r["recall10"] >= 0.95]
                if ok:
                    r = max(ok, key=lambda r: r["qps"])
                    print(f'| {library} | {n:,} | {shape} | {r["ef"]} | {r["recall10"]:.4f} | {r["qps"]:,} | {r["p50_us"]} |')
                else:
                    print(f"| {library} | {n:,} | {shape} | — | < 0.95 at every ef | — | — |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run_python_library(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]),
                           [int(x) for x in sys.argv[6].split(",")], int(sys.argv[7]))
    else:
        main()
