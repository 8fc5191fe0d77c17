# Sourced by scripts/bench: the GraphQL benchmarks of issue 5, with the simulator as the upstream.
#   dashboard      patternStatus + queueStatus (~30 fields), POST /graphql, wrk -c${CONNS}
#   introspection  graphql-js's getIntrospectionQuery() with every option (graphql-core's
#                  get_introspection_query), POST /graphql, wrk -c${CONNS}
# Both are HTTP/1.1 keep-alive; the document cache makes parse + validate a lookup after the first
# request, so these measure execution and encoding.
# Uses log, free_port, wait_health, parse_wrk, median, PIDS, TMP, RUNS, DURATION, CONNS, LOAD_PIN.

SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
declare -A GQL   # name -> "rps p50 p99"
GQL_CMDS=()

graphql_lua() {
  local py=python3
  [ -x "$ROOT/.venv/bin/python" ] && py="$ROOT/.venv/bin/python"
  "$py" - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
dashboard = """query Dashboard {
  patternStatus {
    realTime { models activeRequests successRate avgResponseTimeMs }
    hybrid { models realTimeRequests bulkRequests successRate avgResponseTimeMs }
    bulkOnly { models queuedBatches processingBatches completedBatches successRate avgBatchProcessingTimeMs }
    circuitBreakers { model status failureCount endpoints { url status failureCount } }
  }
  queueStatus {
    totalJobs pendingJobs processingJobs completedJobs failedJobs
    processingStats { avgProcessingTimeSeconds itemsPerMinute successRate }
    modelQueues { model pending processing }
  }
}"""
try:
    import graphql
    introspection = graphql.get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True, schema_description=True,
        input_value_deprecation=True, experimental_directive_deprecation=True, one_of=True)
except ImportError:
    sys.exit("bench-graphql needs graphql-core (make test creates .venv with it)")
for name, q in (("dashboard", dashboard), ("introspection", introspection)):
    body = json.dumps({"query": q})
    open(f"{tmp}/gql-{name}.lua", "w").write(
        'wrk.method = "POST"\nwrk.body = [==[%s]==]\nwrk.headers["Content-Type"] = "application/json"\n' % body)
PY
}

graphql_wrk() { # name conns url script
  local name=$1 conns=$2 url=$3 script=$4
  local cmd="wrk -t1 -c$conns -d${DURATION}s --latency -s $script $url"
  GQL_CMDS+=("$name: ${LOAD_PIN[*]:-} ${cmd//$TMP\//}")
  local rps=() a=() b=() i out r x y
  for i in $(seq 1 "$RUNS"); do
    out="$TMP/gql-$name-$i.txt"
    log "graphql $name run $i/$RUNS"
    # shellcheck disable=SC2086
    timeout $((DURATION + 60)) "${LOAD_PIN[@]}" $cmd >"$out" 2>&1 || { log "wrk failed:"; cat "$out" >&2; return 1; }
    if grep -q 'Non-2xx' "$out"; then log "graphql $name: non-2xx answers"; cat "$out" >&2; return 1; fi
    read -r r x y <<<"$(parse_wrk "$out")"
    rps+=("$r"); a+=("$x"); b+=("$y")
  done
  GQL["$name"]="$(median "${rps[@]}") $(median "${a[@]}") $(median "${b[@]}")"
}

run_graphql() {
  [ -x "$SIM_BIN" ] || { log "no simulator binary at $SIM_BIN"; return 1; }
  graphql_lua || return 1
  local sim_port gw_port m env=()
  sim_port=$(free_port)
  GQL_SIM_CMD=("${LOAD_PIN[@]}" "$SIM_BIN" --port "$sim_port" --latency-ms 1 --jitter-ms 0)
  "${GQL_SIM_CMD[@]}" 2>"$TMP/gql-sim.log" &
  PIDS+=("$!")
  wait_health "http://127.0.0.1:$sim_port/control" "$!" simulator || { cat "$TMP/gql-sim.log" >&2; return 1; }
  for m in MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL; do
    env+=("${m}_ENDPOINT=http://127.0.0.1:$sim_port")
  done
  gw_port=$(free_port)
  GQL_GW_CMD=(taskset -c 0 "$GATEWAY_BIN" --port "$gw_port" --event-loops 1 --log-level warning --data-dir "$TMP/gql-data")
  log "starting gateway: ${GQL_GW_CMD[*]}"
  env "${env[@]}" "${GQL_GW_CMD[@]}" 2>"$TMP/gql-gateway.log" &
  local gw_pid=$!
  PIDS+=("$gw_pid")
  wait_health "http://127.0.0.1:$gw_port/health" "$gw_pid" gateway || { cat "$TMP/gql-gateway.log" >&2; return 1; }
  local url="http://127.0.0.1:$gw_port/graphql"
  # one answer of each checked before timing it: data and no errors
  for name in dashboard introspection; do
    curl -fsS -H 'content-type: application/json' --data-binary @<(sed -n 's/^wrk.body = \[==\[\(.*\)\]==\]$/\1/p' "$TMP/gql-$name.lua") \
      "$url" | grep -q '"data"' || { log "graphql $name: no data in the answer"; return 1; }
  done
  graphql_wrk dashboard "$CONNS" "$url" "$TMP/gql-dashboard.lua"
  graphql_wrk introspection "$CONNS" "$url" "$TMP/gql-introspection.lua"
  kill -0 "$gw_pid" 2>/dev/null || { log "gateway died during the GraphQL benchmarks"; cat "$TMP/gql-gateway.log" >&2; return 1; }
}

graphql_report() {
  local d i
  read -r -a d <<<"${GQL[dashboard]}"; read -r -a i <<<"${GQL[introspection]}"
  local gw_cmd="${GQL_GW_CMD[*]}"; gw_cmd=${gw_cmd//$ROOT\//}; gw_cmd=${gw_cmd//$TMP/\$TMP}
  echo "#### GraphQL (issue 5's bar)"
  echo
  echo "- gateway: \`$gw_cmd\` with every \`*_ENDPOINT\` pointing at the simulator"
  echo "- commands (bodies written by scripts/bench-graphql.sh):"
  for x in "${GQL_CMDS[@]}"; do echo "  - \`$x\`"; done
  echo
  echo "| measurement | req/s (median) | p50 ms | p99 ms | bar | met |"
  echo "|---|---:|---:|---:|---|---|"
  echo "| dashboard query (patternStatus + queueStatus, ~30 fields), wrk -c${CONNS} | $(fmt "${d[0]}") | $(fmt "${d[1]}") | $(fmt "${d[2]}") | ≥ 15,000 req/s | $(awk -v r="${d[0]}" 'BEGIN { print (r >= 15000) ? "yes" : "no" }') |"
  echo "| full introspection query, wrk -c${CONNS} | $(fmt "${i[0]}") | $(fmt "${i[1]}") | $(fmt "${i[2]}") | ≥ 2,000 req/s | $(awk -v r="${i[0]}" 'BEGIN { print (r >= 2000) ? "yes" : "no" }') |"
  echo
}
