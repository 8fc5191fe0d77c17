# Sourced by scripts/bench: the core benchmarks of issue 3, with the simulator as the upstream.
#   cached    a cached real-time embed (general, 384 floats), wrk -c${CONNS}
#   search    a POST carrying 384 floats (the search body), decoded and answered, wrk -c${CONNS}:
#             the decoder alone (/debug/decode-search), and the search route over 1,000 points
#             (the same query each time, so answered from the search cache after the first)
#   overhead  uncached real-time embeds (a new text per request), wrk -c1, through the gateway and
#             straight to the simulator: the difference of the p50s is what the gateway adds
#   zipf      scripts/zipf-hit-rate: Zipf(1.1) over 1,000 texts x 20,000 requests
# Uses log, free_port, wait_health, parse_wrk, median, PIDS, TMP, RUNS, DURATION, CONNS, LOAD_PIN.

SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
SIM_LATENCY_MS=${SIM_LATENCY_MS:-1}
declare -A CORE   # name -> "rps p50 p99"
CORE_CMDS=()
ZIPF_LINE=""

core_lua() {
  cat >"$TMP/cached.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"text":"the cached benchmark sentence"}'
wrk.headers["Content-Type"] = "application/json"
LUA
  python3 - "$TMP/search.lua" <<'PY'
import json, random, sys
rng = random.Random(1)
body = json.dumps({"query_vector": [round(rng.uniform(-1, 1), 7) for _ in range(384)], "limit": 10})
open(sys.argv[1], "w").write('wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' % body)
points = [{"id": f"p{i}", "vector": [round(rng.uniform(-1, 1), 6) for _ in range(384)], "payload": {"n": str(i)}}
          for i in range(1000)]
json.dump({"vectors": points}, open(sys.argv[1].replace("search.lua", "points.json"), "w"))
PY
}

core_wrk() { # name conns url script [script args...]
  local name=$1 conns=$2 url=$3 script=$4; shift 4
  local cmd="wrk -t1 -c$conns -d${DURATION}s --latency -s $script $url"
  cmd=${cmd//$TMP\//}
  CORE_CMDS+=("$name: ${LOAD_PIN[*]:-} ${cmd//$ROOT\//} $*")
  local rps=() a=() b=() i out r x y extra
  for i in $(seq 1 "$RUNS"); do
    out="$TMP/core-$name-$i.txt"
    extra=()
    [ $# -eq 0 ] || extra=(-- "$1-run$i" "${@:2}")
    log "core $name run $i/$RUNS"
    # shellcheck disable=SC2086
    timeout $((DURATION + 60)) "${LOAD_PIN[@]}" $cmd "${extra[@]}" >"$out" 2>&1 || { log "wrk failed:"; cat "$out" >&2; return 1; }
    if grep -q 'Non-2xx' "$out"; then log "core $name: non-2xx answers"; cat "$out" >&2; return 1; fi
    read -r r x y <<<"$(parse_wrk "$out")"
    rps+=("$r"); a+=("$x"); b+=("$y")
  done
  CORE["$name"]="$(median "${rps[@]}") $(median "${a[@]}") $(median "${b[@]}")"
}

run_core() {
  [ -x "$SIM_BIN" ] || { log "no simulator binary at $SIM_BIN"; return 1; }
  core_lua
  local sim_port gw_port
  sim_port=$(free_port)
  SIM_CMD=("${LOAD_PIN[@]}" "$SIM_BIN" --port "$sim_port" --latency-ms "$SIM_LATENCY_MS" --jitter-ms 0)
  log "starting simulator: ${SIM_CMD[*]}"
  "${SIM_CMD[@]}" 2>"$TMP/sim.log" &
  PIDS+=("$!")
  wait_health "http://127.0.0.1:$sim_port/control" "$!" simulator || { cat "$TMP/sim.log" >&2; return 1; }

  gw_port=$(free_port)
  local m env=()
  for m in MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL; do
    env+=("${m}_ENDPOINT=http://127.0.0.1:$sim_port")
  done
  CORE_GW_CMD=(taskset -c 0 "$GATEWAY_BIN" --port "$gw_port" --event-loops 1 --log-level warning
               --data-dir "$TMP/core-data" --diagnostics)
  log "starting gateway: ${env[*]} ${CORE_GW_CMD[*]}"
  env "${env[@]}" "${CORE_GW_CMD[@]}" 2>"$TMP/core-gateway.log" &
  local gw_pid=$!
  PIDS+=("$gw_pid")
  wait_health "http://127.0.0.1:$gw_port/health" "$gw_pid" gateway || { cat "$TMP/core-gateway.log" >&2; return 1; }

  local embed="http://127.0.0.1:$gw_port/api/v1/external/general/embed"
  curl -fsS -o /dev/null -X POST -d '{"text":"the cached benchmark sentence"}' "$embed"
  core_wrk cached "$CONNS" "$embed" "$TMP/cached.lua"
  core_wrk search "$CONNS" "http://127.0.0.1:$gw_port/debug/decode-search" "$TMP/search.lua"
  curl -fsS -o /dev/null -H 'content-type: application/json' --data-binary @"$TMP/points.json" \
    "http://127.0.0.1:$gw_port/api/v1/patterns/general/ingest" || { log "ingest failed"; return 1; }
  core_wrk search-route "$CONNS" "http://127.0.0.1:$gw_port/api/v1/patterns/general/search" "$TMP/search.lua"
  core_wrk uncached-gateway 1 "$embed" "$ROOT/scripts/wrk-uncached.lua" gw
  core_wrk uncached-direct 1 "http://127.0.0.1:$sim_port/v1/embeddings" "$ROOT/scripts/wrk-uncached.lua" direct direct
  CORE_CMDS+=("zipf: scripts/zipf-hit-rate --port PORT --model general --texts 1000 --requests 20000 --s 1.1")
  log "core zipf: 20,000 requests"
  ZIPF_LINE=$("${LOAD_PIN[@]}" python3 "$ROOT/scripts/zipf-hit-rate" --port "$gw_port" --model general \
              --texts 1000 --requests 20000 --s 1.1) || { log "zipf run failed"; return 1; }
  kill -0 "$gw_pid" 2>/dev/null || { log "gateway died during the core benchmarks"; cat "$TMP/core-gateway.log" >&2; return 1; }
}

core_report() {
  local c s ug ud
  local sr
  read -r -a c <<<"${CORE[cached]}"; read -r -a s <<<"${CORE[search]}"; read -r -a sr <<<"${CORE[search-route]}"
  read -r -a ug <<<"${CORE[uncached-gateway]}"; read -r -a ud <<<"${CORE[uncached-direct]}"
  local overhead; overhead=$(awk -v g="${ug[1]}" -v d="${ud[1]}" 'BEGIN { printf "%.3f", g - d }')
  local hit; hit=$(sed -n 's/^hit_rate=\([0-9.]*\).*/\1/p' <<<"$ZIPF_LINE")
  local gw_cmd="${CORE_GW_CMD[*]}"; gw_cmd=${gw_cmd//$ROOT\//}; gw_cmd=${gw_cmd//$TMP/\$TMP}
  local sim_cmd="${SIM_CMD[*]}"; sim_cmd=${sim_cmd//$ROOT\//}
  echo "#### Core (issue 3's bar)"
  echo
  echo "- simulator: \`$sim_cmd\` (all nine models on one port, fixed ${SIM_LATENCY_MS} ms per call)"
  echo "- gateway: \`$gw_cmd\` with every \`*_ENDPOINT\` pointing at the simulator"
  echo "- commands:"
  for x in "${CORE_CMDS[@]}"; do echo "  - \`$x\`"; done
  echo
  echo "| measurement | req/s (median) | p50 ms | p99 ms | bar | met |"
  echo "|---|---:|---:|---:|---|---|"
  echo "| cached real-time embed, wrk -c${CONNS} | $(fmt "${c[0]}") | $(fmt "${c[1]}") | $(fmt "${c[2]}") | ≥ 20,000 req/s, p99 < 10 ms | $(awk -v r="${c[0]}" -v p="${c[2]}" 'BEGIN { print (r >= 20000 && p < 10) ? "yes" : "no" }') |"
  echo "| 384-float search body decoded and answered, wrk -c${CONNS} | $(fmt "${s[0]}") | $(fmt "${s[1]}") | $(fmt "${s[2]}") | ≥ 15,000 req/s | $(awk -v r="${s[0]}" 'BEGIN { print (r >= 15000) ? "yes" : "no" }') |"
  echo "| the same body to POST /api/v1/patterns/general/search (1,000 points, search cache), wrk -c${CONNS} | $(fmt "${sr[0]}") | $(fmt "${sr[1]}") | $(fmt "${sr[2]}") | ≥ 15,000 req/s | $(awk -v r="${sr[0]}" 'BEGIN { print (r >= 15000) ? "yes" : "no" }') |"
  echo "| uncached embed through the gateway, wrk -c1 | $(fmt "${ug[0]}") | $(fmt "${ug[1]}") | $(fmt "${ug[2]}") | | |"
  echo "| the same straight to the simulator, wrk -c1 | $(fmt "${ud[0]}") | $(fmt "${ud[1]}") | $(fmt "${ud[2]}") | | |"
  echo "| gateway overhead (difference of p50s) | | $overhead | | ≤ 1 ms p50 | $(awk -v o="$overhead" 'BEGIN { print (o <= 1) ? "yes" : "no" }') |"
  echo "| Zipf(1.1), 1,000 texts × 20,000 requests: cache hit rate | | | | ≥ 80 % | $(awk -v h="$hit" 'BEGIN { print (h >= 0.8) ? "yes" : "no" }') |"
  echo
  echo "Zipf run: \`$ZIPF_LINE\`"
  echo
}
