# Sourced by scripts/bench: what one relayed call costs (issue 17). Uncached embeds (a new text per
# request, so no cache answers) against one simulator with no added latency, at c1 and c32:
#   direct    POST /v1/embeddings on the simulator itself: the baseline
#   nginx     the same request through nginx as a reverse proxy (proxy_pass, keep-alive upstream, one
#             worker on CPU 0): a relay that only moves bytes, i.e. what one more hop costs on this
#             machine (the floor under any gateway here)
#   gateway   POST /api/v1/external/general/embed through the gateway (one event loop, CPU 0)
#   base      the same through BASE_BIN (another gateway build, e.g. before a change), when set
#   logged    the same gateway with --access-log (a JSON line per request, stderr to a file), when
#             HOPS_ACCESS_LOG=1: what the access log costs
# The simulator and wrk share CPU 1. Targets alternate within each run, RUNS rounds; per target the
# server's CPU time (utime+stime, every thread) and context switches per request come from /proc.
# HOPS_PROFILE=1 (default) adds perf record -g of the gateway during one more c32 run; top frames
# (self time) are printed with the report.
# Env: HOPS_DURATION (8 s), BASE_BIN, HOPS_PROFILE, HOPS_ACCESS_LOG.
# Uses log, free_port, wait_health, parse_wrk, median, fmt, PIDS, TMP, RUNS, LOAD_PIN, ROOT, GATEWAY_BIN, NGINX.

SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
HOPS_DURATION=${HOPS_DURATION:-8}
HOPS_PROFILE=${HOPS_PROFILE:-1}
declare -A HOPS        # "target|conns|field" -> values of the runs
declare -A HOPS_PID    # target -> server pid
declare -A HOPS_URL    # target -> url
HOPS_TARGETS=(direct nginx gateway)
HOPS_PROFILE_LINES=()
HOPS_TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)

hops_gateway() { # name binary sim_port [gateway flags...] -> sets HOPS_PID[name], HOPS_URL[name]
  local name=$1 bin=$2 sim_port=$3 port m env=()
  shift 3
  for m in MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL; do
    env+=("${m}_ENDPOINT=http://127.0.0.1:$sim_port")
  done
  port=$(free_port)
  env "${env[@]}" taskset -c 0 "$bin" --port "$port" --event-loops 1 --log-level warning \
    --data-dir "$TMP/hops-$name-data" "$@" 2>"$TMP/hops-$name.log" &
  HOPS_PID[$name]=$!
  PIDS+=("$!")
  wait_health "http://127.0.0.1:$port/health" "$!" "$name" || { cat "$TMP/hops-$name.log" >&2; return 1; }
  HOPS_URL[$name]="http://127.0.0.1:$port/api/v1/external/general/embed"
}

hops_nginx() { # sim_port
  local port; port=$(free_port)
  mkdir -p "$TMP/hops-nginx"
  cat >"$TMP/hops-nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $TMP/hops-nginx/nginx.pid;
error_log $TMP/hops-nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $TMP/hops-nginx/body;
    proxy_temp_path $TMP/hops-nginx/proxy;
    fastcgi_temp_path $TMP/hops-nginx/fastcgi;
    uwsgi_temp_path $TMP/hops-nginx/uwsgi;
    scgi_temp_path $TMP/hops-nginx/scgi;
    keepalive_requests 1000000;
    upstream simulator { server 127.0.0.1:$1; keepalive 64; }
    server {
        listen 127.0.0.1:$port;
        location / { proxy_pass http://simulator; proxy_http_version 1.1; proxy_set_header Connection ""; }
    }
}
CONF
  taskset -c 0 "$NGINX" -c "$TMP/hops-nginx/nginx.conf" 2>"$TMP/hops-nginx/stderr.log" &
  PIDS+=("$!")
  HOPS_URL[nginx]="http://127.0.0.1:$port/v1/embeddings"
  for _ in $(seq 1 100); do [ -s "$TMP/hops-nginx/nginx.pid" ] && break; sleep 0.1; done
  HOPS_PID[nginx]=$(cat "$TMP/hops-nginx/nginx.pid")
}

hops_cpu_ticks() { # pid (and its children: nginx's worker) -> utime+stime ticks
  local p total=0 t
  for p in $1 $(pgrep -P "$1" 2>/dev/null); do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
hops_switches() { # pid (and children) -> voluntary + involuntary context switches of every thread
  local p
  for p in $1 $(pgrep -P "$1" 2>/dev/null); do cat /proc/"$p"/task/*/status 2>/dev/null; done |
    awk '/ctxt_switches/ { s += $2 } END { print s + 0 }'
}

hops_run() { # target conns round
  local target=$1 conns=$2 round=$3 pid out c0 c1 s0 s1 n args=()
  pid=${HOPS_PID[$target]}
  case $target in direct|nginx) args=(-- "$target-$conns-$round" direct) ;; *) args=(-- "$target-$conns-$round") ;; esac
  out="$TMP/hops-$target-c$conns-$round.txt"
  c0=$(hops_cpu_ticks "$pid"); s0=$(hops_switches "$pid")
  timeout $((HOPS_DURATION + 60)) "${LOAD_PIN[@]}" wrk -t1 -c"$conns" -d"${HOPS_DURATION}s" --latency \
    -s "$ROOT/scripts/wrk-uncached.lua" "${HOPS_URL[$target]}" "${args[@]}" >"$out" 2>&1 || { log "wrk failed:"; cat "$out" >&2; return 1; }
  c1=$(hops_cpu_ticks "$pid"); s1=$(hops_switches "$pid")
  if grep -q 'Non-2xx' "$out"; then log "hops $target: non-2xx answers"; cat "$out" >&2; return 1; fi
  read -r r p50 p99 <<<"$(parse_wrk "$out")"
  n=$(awk '/requests in/ {print $1}' "$out")
  HOPS["$target|$conns|rps"]+=" $r"
  HOPS["$target|$conns|p50"]+=" $p50"
  HOPS["$target|$conns|p99"]+=" $p99"
  HOPS["$target|$conns|cpu"]+=" $(awk -v a="$c0" -v b="$c1" -v n="$n" -v t="$HOPS_TICK" 'BEGIN { printf "%.1f", (b - a) * 1e6 / t / n }')"
  HOPS["$target|$conns|csw"]+=" $(awk -v a="$s0" -v b="$s1" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / n }')"
  log "hops $target c$conns round $round: $r req/s, p50 $p50 ms"
}

run_hops() {
  local sim_port round conns target
  [ -x "$SIM_BIN" ] || { log "no simulator binary at $SIM_BIN"; return 1; }
  sim_port=$(free_port)
  "${LOAD_PIN[@]}" "$SIM_BIN" --port "$sim_port" --latency-ms 0 --jitter-ms 0 >"$TMP/hops-sim.log" 2>&1 &
  HOPS_PID[direct]=$!
  PIDS+=("$!")
  wait_health "http://127.0.0.1:$sim_port/control" "$!" simulator || { cat "$TMP/hops-sim.log" >&2; return 1; }
  HOPS_URL[direct]="http://127.0.0.1:$sim_port/v1/embeddings"
  hops_nginx "$sim_port"
  hops_gateway gateway "$GATEWAY_BIN" "$sim_port" || return 1
  if [ -n "${BASE_BIN:-}" ]; then
    hops_gateway base "$BASE_BIN" "$sim_port" || return 1
    HOPS_TARGETS+=(base)
  fi
  if [ "${HOPS_ACCESS_LOG:-0}" = 1 ]; then
    hops_gateway logged "$GATEWAY_BIN" "$sim_port" --access-log || return 1
    HOPS_TARGETS+=(logged)
  fi
  for target in "${HOPS_TARGETS[@]}"; do   # warm every path (connections, caches) once
    curl -fsS -o /dev/null -X POST -H 'content-type: application/json' \
      -d '{"model":"general","input":["warm"],"text":"warm"}' "${HOPS_URL[$target]}" || true
  done
  for round in $(seq 1 "$RUNS"); do
    for conns in 1 32; do
      for target in "${HOPS_TARGETS[@]}"; do hops_run "$target" "$conns" "$round" || return 1; done
    done
  done
  if [ "$HOPS_PROFILE" = 1 ] && command -v perf >/dev/null 2>&1; then
    perf record -e cpu-clock -F 1999 -g -p "${HOPS_PID[gateway]}" -o "$TMP/hops.perf" -- sleep "$HOPS_DURATION" \
      >/dev/null 2>&1 &
    local perf_pid=$!
    "${LOAD_PIN[@]}" wrk -t1 -c32 -d"${HOPS_DURATION}s" -s "$ROOT/scripts/wrk-uncached.lua" "${HOPS_URL[gateway]}" -- profile >/dev/null 2>&1
    wait "$perf_pid" || true
    mapfile -t HOPS_PROFILE_LINES < <(perf report -i "$TMP/hops.perf" --no-children --sort sym --stdio 2>/dev/null |
      grep -v '^#' | grep '%' | grep -v '^ *|' | grep -v '^ *-' | head -15 |
      { if command -v swift >/dev/null 2>&1; then swift demangle --simplified; else cat; fi; } | cut -c1-150)
  fi
}

hops_report() {
  local conns target med
  echo "#### Relayed calls: uncached embeds, direct vs nginx as a proxy vs the gateway (scripts/bench-hops.sh)"
  echo
  echo "- simulator \`--latency-ms 0 --jitter-ms 0\` and \`wrk -t1\` on CPU 1; nginx (\`proxy_pass\`, keep-alive upstream,"
  echo "  1 worker) and the gateway (\`--event-loops 1\`) on CPU 0; a new text per request; ${HOPS_DURATION} s per run,"
  echo "  targets alternating, $RUNS rounds, medians; CPU and context switches per request from /proc (all threads)"
  [ -n "${BASE_BIN:-}" ] && echo "- base: \`${BASE_BIN}\`"
  [ "${HOPS_ACCESS_LOG:-0}" = 1 ] && echo "- logged: the gateway with \`--access-log\` (stderr to a file on the same disk)"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| target | conns | req/s | p50 ms | p99 ms | added p50 ms (vs direct) | server CPU µs / request | context switches / request |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for conns in 1 32; do
    local direct_p50; direct_p50=$(median ${HOPS["direct|$conns|p50"]})
    for target in "${HOPS_TARGETS[@]}"; do
      med() { median ${HOPS["$target|$conns|$1"]}; }
      local added="–"
      [ "$target" != direct ] && added=$(awk -v a="$(med p50)" -v b="$direct_p50" 'BEGIN { printf "%.3f", a - b }')
      echo "| $target | $conns | $(fmt "$(med rps)") | $(med p50) | $(med p99) | $added | $(med cpu) | $(med csw) |"
    done
  done
  echo
  echo "Per-run req/s and p50 ms:"
  for conns in 1 32; do
    for target in "${HOPS_TARGETS[@]}"; do
      echo "- $target c$conns: req/s${HOPS["$target|$conns|rps"]}; p50${HOPS["$target|$conns|p50"]}"
    done
  done
  if [ ${#HOPS_PROFILE_LINES[@]} -gt 0 ]; then
    echo
    echo "Gateway profile, c32 (perf record -e cpu-clock -g, self time, top frames):"
    echo
    echo '```'
    printf '%s\n' "${HOPS_PROFILE_LINES[@]}"
    echo '```'
  fi
  echo
}
