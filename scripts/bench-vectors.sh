# Sourced by scripts/bench: the embedded vector store's benchmarks of issue 6.
#   scan    pattern-vector-bench (the store's exact search in process, limit 10) and numpy's
#           `X @ q` (float32, OpenBLAS) on the same data: 384 × 50,000 and 4096 × 5,000.
#           Like with like: both pinned to CPU 0 and single-threaded (the bar); then, for
#           information, both free on every CPU (the store splits its scan, numpy's BLAS uses
#           its threads). RUNS runs each, alternating, medians reported.
#           Bars: search p50 ≤ 10 ms; scan rate (matrix bytes / search time) ≥ 80 % of numpy's.
#   cached  POST /api/v1/patterns/general/search with one fixed 384-float body over 10,000
#           points, so every request after the first is a search-cache hit; gateway on CPU 0,
#           simulator and wrk -t1 -c${CONNS} on CPU 1; bar ≥ 20,000 req/s.
# Uses log, start_sim_and_gateway, wrk_median, median, fmt, PIDS, TMP, RUNS, DURATION, CONNS,
# LOAD_PIN, ROOT, GATEWAY_BIN.

VBENCH_BIN=${VBENCH_BIN:-$(dirname "$GATEWAY_BIN")/pattern-vector-bench}
SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
VEC_QUERIES=${VEC_QUERIES:-200}
declare -A VEC   # "dims|mode|who" -> "p50_ms gbps", "cached" -> "rps p50 p99"
VEC_CMDS=()
VEC_BLAS=""

# numpy (and threadpoolctl, to name the BLAS kernel) in the repo's .venv, created like the Makefile's.
vectors_python() {
  local py="$ROOT/.venv/bin/python"
  if [ ! -x "$py" ]; then log "creating .venv"; python3 -m venv "$ROOT/.venv" >&2 || return 1; fi
  if ! "$py" -c 'import numpy, threadpoolctl' 2>/dev/null; then
    log "installing numpy and threadpoolctl into .venv"
    "$py" -m pip install -q --disable-pip-version-check numpy threadpoolctl >&2 || return 1
  fi
  echo "$py"
}

# numpy's X @ q over the dumped data: the same warm-up and the same p50 as pattern-vector-bench.
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (set on some machines to dodge old OpenBLAS bugs) slow a
# current numpy: unset for this command alone; the kernel it picks is reported.
vectors_numpy() { # threads dir dims points -> JSON line; pinned by VEC_PIN
  local threads=$1; shift
  "${VEC_PIN[@]}" env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" OMP_NUM_THREADS="$threads" \
    MKL_NUM_THREADS="$threads" "$VEC_PY" - "$@" "$VEC_QUERIES" <<'PY'
import json, sys, time
import numpy as np
from threadpoolctl import threadpool_info
path, d, n, q = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(path + "/matrix.f32", dtype="<f4").reshape(n, d)
Q = np.fromfile(path + "/queries.f32", dtype="<f4").reshape(q, d)
for v in Q[:5]:
    X @ v
times = []
for v in Q:
    t = time.perf_counter()
    X @ v
    times.append(time.perf_counter() - t)
times.sort()
p50 = times[len(times) // 2]
blas = next((i for i in threadpool_info() if i.get("user_api") == "blas"), {})
print(json.dumps({"p50_ms": round(p50 * 1e3, 3), "scan_gbps": round(X.nbytes / p50 / 1e9, 2),
                  "blas": f'{blas.get("internal_api")} {blas.get("version")} {blas.get("architecture")} x{blas.get("num_threads")}'}))
PY
}

json_field() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$2"; }

vectors_scan() { # dims points
  local d=$1 n=$2 dir="$TMP/vec-$1x$2" i out
  mkdir -p "$dir"
  log "vectors: writing $d × $n"
  taskset -c 0 "$VBENCH_BIN" --dims "$d" --points "$n" --queries "$VEC_QUERIES" --dump "$dir" >/dev/null || return 1
  for mode in pinned free; do
    local threads=1 ours_p=() ours_g=() np_p=() np_g=()
    VEC_PIN=(taskset -c 0)
    [ "$mode" = free ] && { VEC_PIN=(); threads=$(nproc); }
    VEC_CMDS+=("$d × $n, $mode: ${VEC_PIN[*]:+${VEC_PIN[*]} }pattern-vector-bench --dims $d --points $n --queries $VEC_QUERIES" \
               "$d × $n, $mode: ${VEC_PIN[*]:+${VEC_PIN[*]} }OPENBLAS_NUM_THREADS=$threads python (numpy X @ q, same data)")
    for i in $(seq 1 "$RUNS"); do
      log "vectors $d × $n $mode run $i/$RUNS"
      out=$("${VEC_PIN[@]}" "$VBENCH_BIN" --dims "$d" --points "$n" --queries "$VEC_QUERIES") || return 1
      ours_p+=("$(json_field p50_ms "$out")"); ours_g+=("$(json_field scan_gbps "$out")")
      out=$(vectors_numpy "$threads" "$dir" "$d" "$n") || return 1
      np_p+=("$(json_field p50_ms "$out")"); np_g+=("$(json_field scan_gbps "$out")")
      [ "$mode" = pinned ] && VEC_BLAS=$(json_field blas "$out")
    done
    VEC["$d|$mode|ours"]="$(median "${ours_p[@]}") $(median "${ours_g[@]}")"
    VEC["$d|$mode|numpy"]="$(median "${np_p[@]}") $(median "${np_g[@]}")"
  done
  rm -rf "$dir"
}

# 10,000 points for general in five ingest bodies (each well under the 16 MiB body limit), and
# the one search body wrk repeats.
vectors_bodies() {
  "$VEC_PY" - "$TMP" <<'PY'
import json, random, sys
tmp, rng = sys.argv[1], random.Random(6)
for part in range(5):
    points = [{"id": f"v{part}-{i}", "vector": [round(rng.uniform(-1, 1), 6) for _ in range(384)],
               "payload": {"part": str(part)}} for i in range(2000)]
    json.dump({"vectors": points}, open(f"{tmp}/vec-points-{part}.json", "w"))
body = json.dumps({"query_vector": [round(rng.uniform(-1, 1), 7) for _ in range(384)], "limit": 10})
open(f"{tmp}/vec-search.lua", "w").write(
    'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' % body)
open(f"{tmp}/vec-search.json", "w").write(body)
PY
}

vectors_cached() {
  vectors_bodies || return 1
  start_sim_and_gateway vec || return 1
  VEC_GW_CMD=("${STARTED_GW_CMD[@]}")
  local gw_port=$STARTED_GW_PORT gw_pid=$STARTED_GW_PID part
  local base="http://127.0.0.1:$gw_port/api/v1/patterns/general"
  for part in 0 1 2 3 4; do
    curl -fsS -o /dev/null -H 'content-type: application/json' --data-binary @"$TMP/vec-points-$part.json" "$base/ingest" \
      || { log "ingest failed"; return 1; }
  done
  curl -fsS -H 'content-type: application/json' --data-binary @"$TMP/vec-search.json" "$base/search" | grep -q '"results":\[{' \
    || { log "the search found nothing"; return 1; }
  VEC_CMDS+=("cached search: ${LOAD_PIN[*]:-} wrk -t1 -c$CONNS -d${DURATION}s --latency -s vec-search.lua $base/search")
  VEC[cached]=$(wrk_median vec-cached "$CONNS" "$base/search" "$TMP/vec-search.lua") || return 1
  kill -0 "$gw_pid" 2>/dev/null || { log "gateway died during the vector benchmarks"; cat "$TMP/vec-gateway.log" >&2; return 1; }
}

run_vectors() {
  [ -x "$VBENCH_BIN" ] || { log "no pattern-vector-bench binary at $VBENCH_BIN"; return 1; }
  VEC_PY=$(vectors_python) || { log "no numpy"; return 1; }
  vectors_scan 384 50000 || return 1
  vectors_scan 4096 5000 || return 1
  vectors_cached || return 1
}

vectors_report() {
  local d mode o n ratio met c
  echo "#### Vectors (issue 6's bar)"
  echo
  echo "- scan: the store's whole search (normalise, scan, top-10) vs numpy's \`X @ q\` alone; $VEC_QUERIES queries per run, p50 of each run, median of $RUNS runs"
  echo "- numpy: $VEC_BLAS (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that command)"
  echo "- the machine is shared: other work on it moves these numbers by ±20 % from run to run"
  echo "- gateway: \`$(v=${VEC_GW_CMD[*]}; v=${v//$ROOT\//}; echo "${v//$TMP/\$TMP}")\` with every \`*_ENDPOINT\` pointing at the simulator"
  echo
  echo "| data | CPUs | store p50 ms | store GB/s | numpy p50 ms | numpy GB/s | store/numpy | bar | met |"
  echo "|---|---|---:|---:|---:|---:|---:|---|---|"
  for d in "384 × 50,000|384" "4096 × 5,000|4096"; do
    for mode in pinned free; do
      read -r -a o <<<"${VEC["${d#*|}|$mode|ours"]}"; read -r -a n <<<"${VEC["${d#*|}|$mode|numpy"]}"
      ratio=$(awk -v a="${o[1]}" -v b="${n[1]}" 'BEGIN { printf "%.2f", a / b }')
      if [ "$mode" = pinned ]; then
        met=$(awk -v r="$ratio" -v p="${o[0]}" 'BEGIN { print (r >= 0.8 && p <= 10) ? "yes" : "no" }')
        echo "| ${d%|*} | CPU 0, 1 thread each | $(fmt "${o[0]}") | $(fmt "${o[1]}") | $(fmt "${n[0]}") | $(fmt "${n[1]}") | $ratio | p50 ≤ 10 ms, ≥ 0.80 | $met |"
      else
        echo "| ${d%|*} | all $(nproc) (store splits, numpy $(nproc) threads) | $(fmt "${o[0]}") | $(fmt "${o[1]}") | $(fmt "${n[0]}") | $(fmt "${n[1]}") | $ratio | (information) | |"
      fi
    done
  done
  echo
  read -r -a c <<<"${VEC[cached]}"
  echo "| measurement | req/s (median) | p50 ms | p99 ms | bar | met |"
  echo "|---|---:|---:|---:|---|---|"
  echo "| cached search (general, 10,000 points, one body), wrk -t1 -c${CONNS} | $(fmt "${c[0]}") | $(fmt "${c[1]}") | $(fmt "${c[2]}") | ≥ 20,000 req/s | $(awk -v r="${c[0]}" 'BEGIN { print (r >= 20000) ? "yes" : "no" }') |"
  echo
  echo "Commands:"
  for c in "${VEC_CMDS[@]}"; do echo "- \`${c//$ROOT\//}\`"; done
  echo
}
