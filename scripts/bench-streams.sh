# Sourced by scripts/bench: generation streams on gRPC and GraphQL against REST SSE (issue 16, point 6).
#   One simulator (every model on one port, CPU 1, beside the client) and one gateway (one event loop,
#   CPU 0, every *_ENDPOINT at the simulator). Every protocol asks for the same completion
#   (`general`, a prompt, no messages) and is read by scripts/gen-load.py (python3 asyncio, raw sockets,
#   stdlib only, one client style for all):
#     direct       POST /v1/completions on the simulator, streamed with stream_options.include_usage
#                  (what the gateway itself sends upstream): the baseline, measured in the same run
#     rest         POST /api/v1/external/general/generate {"stream":true}: `event: delta` per chunk
#     grpc         gateway.PatternService/GenerateStream on h2c: a GenerateChunk per chunk
#     graphql-sse  subscription { generate(...) } on POST /graphql, Accept: text/event-stream (graphql-sse)
#     graphql-ws   the same subscription over graphql-transport-ws on GET /graphql (WebSocket)
#   ttft     concurrency 1, STR_TTFT_TOKENS tokens per answer: time from writing the request (for graphql-ws:
#            the `subscribe` message on an open, acknowledged socket; for grpc: the HEADERS+DATA frames on an
#            open connection) to the read that carries the first non-empty text; added = protocol minus
#            direct, per run, then the median. The simulator sends the first token at once, then 1,000/s.
#   rate     concurrency STR_CONC (each client one connection, one stream at a time), STR_RATE_TOKENS tokens per
#            answer: content chunks received per second, and the gateway's CPU time per chunk.
#   subs     STR_SUBS concurrent subscriptions / streams on one loop (a fresh gateway per run and protocol):
#            STR_SUB_TOKENS-token answers at STR_SUB_TPS tokens/s after 20 ms (a seed that runs the full length),
#            graphql-ws one subscription per socket, graphql-sse and rest one connection each, grpc
#            STR_GRPC_PER_CONN calls per h2c connection; errors, tokens/s relayed, VmRSS before and at its peak
#            with every stream open, per open stream, gateway CPU %.
#   profile  perf record -e cpu-clock -g on the gateway during one more c$STR_CONC graphql-ws rate run
#            (callgrind is not used: perf's cpu-clock sampler works on this VM; STR_PROFILE=0 skips it).
# Env: STR_C1_DURATION (5 s), STR_CONC (32), STR_CONC_DURATION (5 s), STR_TTFT_TOKENS (4), STR_RATE_TOKENS (32),
#      STR_SUBS (1000), STR_SUB_TOKENS (64), STR_SUB_TPS (6.4), STR_GRPC_PER_CONN (125),
#      STR_SUB_TARGETS ("graphql-ws graphql-sse rest grpc"), STR_PROFILE (1), SIM_BIN (beside GATEWAY_BIN).
# Uses log, free_port, wait_health, median, fmt, PIDS, TMP, RUNS, LOAD_PIN, ROOT, GATEWAY_BIN, RECORD.

SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
STR_C1_DURATION=${STR_C1_DURATION:-5}
STR_CONC=${STR_CONC:-32}
STR_CONC_DURATION=${STR_CONC_DURATION:-5}
STR_TTFT_TOKENS=${STR_TTFT_TOKENS:-4}
STR_RATE_TOKENS=${STR_RATE_TOKENS:-32}
STR_SUBS=${STR_SUBS:-1000}
STR_SUB_TOKENS=${STR_SUB_TOKENS:-64}
STR_SUB_TPS=${STR_SUB_TPS:-6.4}
STR_GRPC_PER_CONN=${STR_GRPC_PER_CONN:-125}
read -r -a STR_SUB_TARGETS <<<"${STR_SUB_TARGETS:-graphql-ws graphql-sse rest grpc}"
STR_PROFILE=${STR_PROFILE:-1}
STR_MODELS=(MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL)
STR_TARGETS=(direct rest grpc graphql-sse graphql-ws)

declare -A STR        # "key|field" -> values of the runs, space separated; other keys: see run_streams
STR_PROFILE_LINES=()
STR_TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)

str_client() { "${LOAD_PIN[@]}" python3 "$ROOT/scripts/gen-load.py" "$@"; }
str_json() { # json field...: the values, space separated (null as n/a, objects as JSON)
  python3 -c 'import json,sys; d=json.loads(sys.argv[1])
print(" ".join("n/a" if d.get(k) is None else json.dumps(d[k], separators=(",", ":")) if isinstance(d[k], (dict, list)) else str(d[k]) for k in sys.argv[2:]))' "$@"; }
str_ticks() { awk '{print $14, $15}' "/proc/$1/stat" 2>/dev/null || echo "0 0"; }
str_wait_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $2 } END { printf "%.0f", s }'; }
str_demangle() { if command -v swift >/dev/null 2>&1; then swift demangle --simplified 2>/dev/null || cat; else cat; fi; }
str_med() { # key: the median of the values that are not n/a
  local v=() x
  for x in ${STR[$1]:-}; do [ "$x" = n/a ] || v+=("$x"); done
  median "${v[@]}"
}
# gen-load's target and port for a protocol label
str_target() { case $1 in direct) echo direct ;; rest) echo gateway ;; *) echo "$1" ;; esac; }

str_start_sim() { # name ttft_ms tokens_per_second; sets STR_SIM_PORT, STR_SIM_PID
  STR_SIM_PORT=$(free_port)
  "${LOAD_PIN[@]}" "$SIM_BIN" --port "$STR_SIM_PORT" --latency-ms 0 --jitter-ms 0 --ttft-ms "$2" \
    --tokens-per-second "$3" >"$TMP/str-sim-$1.log" 2>&1 &
  STR_SIM_PID=$!
  PIDS+=("$STR_SIM_PID")
  wait_health "http://127.0.0.1:$STR_SIM_PORT/control" "$STR_SIM_PID" "simulator $1" || { cat "$TMP/str-sim-$1.log" >&2; return 1; }
}

str_start_gateway() { # name sim_port; sets STR_GW_PORT, STR_GW_PID, STR_GW_CMD
  local name=$1 m env=()
  for m in "${STR_MODELS[@]}"; do env+=("${m}_ENDPOINT=http://127.0.0.1:$2"); done
  STR_GW_PORT=$(free_port)
  STR_GW_CMD=(taskset -c 0 "$GATEWAY_BIN" --port "$STR_GW_PORT" --event-loops 1 --log-level warning --data-dir "$TMP/str-$name-data")
  env "${env[@]}" "${STR_GW_CMD[@]}" 2>"$TMP/str-$name-gateway.log" &
  STR_GW_PID=$!
  PIDS+=("$STR_GW_PID")
  wait_health "http://127.0.0.1:$STR_GW_PORT/health" "$STR_GW_PID" "gateway $name" || { cat "$TMP/str-$name-gateway.log" >&2; return 1; }
}

str_stop() { # pid
  kill -TERM "$1" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# A few streams over every protocol, so no first-time cost (connections, lazily built tables, the
# prepared GraphQL document) is measured.
str_warm() { # gateway_port
  local t
  for t in rest grpc graphql-sse graphql-ws; do
    str_client ttft --port "$1" --target "$(str_target "$t")" --kind completion --concurrency 2 --requests 10 \
      --warmup 0 --max-tokens 2 --timeout-s 60 >/dev/null || { log "warm-up over $t failed"; return 1; }
  done
}

# One ttft/rate measurement; adds the fields to STR["<label>|c<conc>|field"].
str_ttft() { # label conc duration warmup max_tokens port [gateway_pid sim_pid]
  local label=$1 c=$2 d=$3 w=$4 n=$5 port=$6 gpid=${7:-} spid=${8:-} out a b t0 t1 w0 w1
  read -r -a a <<<"$( [ -n "$gpid" ] && str_ticks "$gpid" || echo "0 0") $(str_ticks "$spid")"
  w0=$( [ -n "$gpid" ] && str_wait_ns "$gpid" || echo 0)
  t0=$(date +%s%N)
  out=$(str_client ttft --port "$port" --target "$(str_target "$label")" --kind completion --concurrency "$c" \
        --duration-s "$d" --warmup "$w" --max-tokens "$n" --timeout-s 120) || { log "gen-load ttft $label c$c failed"; return 1; }
  t1=$(date +%s%N)
  w1=$( [ -n "$gpid" ] && str_wait_ns "$gpid" || echo 0)
  read -r -a b <<<"$( [ -n "$gpid" ] && str_ticks "$gpid" || echo "0 0") $(str_ticks "$spid")"
  echo "$out" >>"$TMP/str-ttft.jsonl"
  local k="$label|c$c" f v vals
  read -r -a vals <<<"$(str_json "$out" ttft_p50_ms ttft_p99_ms streams_per_s chunks_per_s tokens_per_s chunks errors window_s)"
  local i=0
  for f in p50 p99 sps cps tps chunks errors window; do STR["$k|$f"]+="${vals[$i]} "; i=$((i + 1)); done
  [ "${vals[6]}" = 0 ] || { log "$label c$c: ${vals[6]} errors: $(str_json "$out" error_kinds)"; STR["$k|kinds"]+="$(str_json "$out" error_kinds) "; }
  # CPU of the gateway (user+system ticks) and of the simulator over the client's whole run (warm-up included)
  local wall; wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
  if [ -n "$gpid" ]; then
    STR["$k|cpu"]+="$(awk -v d=$(( b[0] + b[1] - a[0] - a[1] )) -v w="$wall" -v hz="$STR_TICK" 'BEGIN { printf "%.1f", d / hz / w * 100 }') "
    STR["$k|sys"]+="$(awk -v u=$(( b[0] - a[0] )) -v s=$(( b[1] - a[1] )) 'BEGIN { printf "%.0f", ((u + s) > 0 ? s / (u + s) * 100 : 0) }') "
    STR["$k|wait"]+="$(awk -v d=$(( w1 - w0 )) -v w="$wall" 'BEGIN { printf "%.1f", d / 1e9 / w * 100 }') "
    # CPU µs per token relayed (chunks vary: pieces the gateway reads together leave as one chunk); the
    # client's token rate over the measured window stands for the whole run's
    STR["$k|uspc"]+="$(awk -v d=$(( b[0] + b[1] - a[0] - a[1] )) -v w="$wall" -v hz="$STR_TICK" -v c="${vals[4]}" \
                         'BEGIN { if (c + 0 > 0) printf "%.1f", d / hz / w / c * 1e6; else print "n/a" }') "
  fi
  STR["$k|simcpu"]+="$(awk -v d=$(( b[2] + b[3] - a[2] - a[3] )) -v w="$wall" -v hz="$STR_TICK" 'BEGIN { printf "%.0f", d / hz / w * 100 }') "
}

# perf cpu-clock with call graphs on the gateway during one more graphql-ws rate run.
str_profile() { # gateway_pid gateway_port
  local pid=$1 port=$2 data="$TMP/str-perf.data"
  if ! command -v perf >/dev/null 2>&1 || ! perf record -e cpu-clock -o "$TMP/str-perf-probe.data" true >/dev/null 2>&1; then
    STR_PROFILE_LINES+=("perf is not available here: no profile"); return 0
  fi
  log "streams profile: perf record -g (cpu-clock) on the gateway, one more graphql-ws run at c$STR_CONC"
  perf record -e cpu-clock -F 1999 -g -p "$pid" -o "$data" >"$TMP/str-perf.log" 2>&1 &
  local pp=$!
  sleep 0.3
  local out
  out=$(str_client ttft --port "$port" --target graphql-ws --kind completion --concurrency "$STR_CONC" \
        --duration-s "$STR_CONC_DURATION" --warmup "$STR_CONC" --max-tokens "$STR_RATE_TOKENS" --timeout-s 120) || true
  kill -INT "$pp" 2>/dev/null; wait "$pp" 2>/dev/null || true
  local cps threads objects curl_tid line
  cps=$(str_json "$out" chunks_per_s 2>/dev/null || echo n/a)
  curl_tid=$(perf report -i "$data" --stdio --no-children -g none --sort pid,dso 2>/dev/null | grep -v '^#' \
             | awk '/libcurl/ {print $2; exit}' | cut -d: -f1)
  threads=$(perf report -i "$data" --stdio --no-children -g none --sort pid 2>/dev/null | grep -v '^#' | grep '%' | head -5 \
            | awk -v c="$curl_tid" '{ split($2, t, ":"); n = t[2]
                if (t[1] == c) n = "libcurl thread"
                else if (n == "pattern-gateway" && !loop) { n = "event loop"; loop = 1 }
                else if (n ~ /default-qos$/) n = "Dispatch worker, Swift global executor"
                printf "%s%s (%s) %s", (NR > 1 ? ", " : ""), t[1], n, $1 }')
  objects=$(perf report -i "$data" --stdio --no-children -g none --sort dso 2>/dev/null | grep -v '^#' | grep '%' | head -6 \
            | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')
  STR_PROFILE_LINES+=("perf record -e cpu-clock -F 1999 -g on the gateway, one more c$STR_CONC graphql-ws run of ${STR_CONC_DURATION} s ($cps chunks/s under perf)")
  STR_PROFILE_LINES+=("by thread: $threads")
  STR_PROFILE_LINES+=("by object: $objects")
  STR_PROFILE_LINES+=("top frames by self time (share, thread id, symbol):")
  while IFS= read -r line; do [ -n "$line" ] && STR_PROFILE_LINES+=("    $line"); done < <(
    perf report -i "$data" --stdio --no-children -g none --sort pid,sym 2>/dev/null | grep -v '^#' | grep '%' | head -18 \
      | str_demangle | sed -E 's/^ *([0-9.]+%) +([0-9]+):[^ ]+ +\[.\] /\1  \2  /' | cut -c1-160)
  STR_PROFILE_LINES+=("the gateway's own frames by inclusive time (children %, self %, symbol; executor and thread-start frames left out):")
  while IFS= read -r line; do [ -n "$line" ] && STR_PROFILE_LINES+=("    $line"); done < <(
    perf report -i "$data" --stdio --children -g none --sort sym --dsos pattern-gateway 2>/dev/null | grep -v '^#' | grep '%' \
      | str_demangle | grep -v -E 'swift::runJob|swift_job_run|_dispatch_|EventLoop\.(runPending|start|run)\(|CurlThread\.start|thread_start|start_thread|swift_task_|RefCounts|swift_release|swift_retain' \
      | head -22 | awk '{ c = $1; s = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); printf "%7s %6s  %s\n", c, s, $0 }' | cut -c1-170)
}

# One run of STR_SUBS concurrent streams over a protocol, on a fresh gateway.
str_subs_run() { # label sim_port seed run
  local label=$1 sim_port=$2 seed=$3 run=$4 out t0 t1 w0 w1 per=1
  [ "$label" = grpc ] && per=$STR_GRPC_PER_CONN
  str_start_gateway "subs-$label-$run" "$sim_port" || return 1
  local pid=$STR_GW_PID port=$STR_GW_PORT
  str_warm "$port" || return 1
  sleep 1
  log "streams subs run $run/$RUNS: $STR_SUBS concurrent $label streams of $STR_SUB_TOKENS tokens"
  STR["subs-$label|loadavg"]+="$(cut -d' ' -f1 /proc/loadavg) "
  w0=$(str_wait_ns "$pid")
  read -r -a t0 <<<"$(str_ticks "$pid")"
  out=$(str_client streams --port "$port" --target "$(str_target "$label")" --kind completion --streams "$STR_SUBS" \
        --per-conn "$per" --max-tokens "$STR_SUB_TOKENS" --seed "$seed" --pid "$pid" --ramp-s 1 --timeout-s 120) \
    || { log "gen-load streams $label failed"; return 1; }
  read -r -a t1 <<<"$(str_ticks "$pid")"
  w1=$(str_wait_ns "$pid")
  echo "$out" >>"$TMP/str-subs.jsonl"
  log "subs $label: $out"
  kill -0 "$pid" 2>/dev/null || { log "gateway died during the $label streams"; cat "$TMP/str-subs-$label-$run-gateway.log" >&2; return 1; }
  local f vals i=0 window
  read -r -a vals <<<"$(str_json "$out" errors completion_tokens tokens_per_s window_s rss_before_kib rss_peak_open_kib rss_peak_kib rss_per_stream_kib all_open_s ramp_s connections)"
  for f in errors completion_tokens tokens_per_s window_s rss_before_kib rss_peak_open_kib rss_peak_kib rss_per_stream_kib all_open_s ramp_s connections; do
    STR["subs-$label|$f"]+="${vals[$i]} "; i=$((i + 1))
  done
  window=${vals[3]}
  STR["subs-$label|cpu"]+="$(awk -v u=$((t1[0] - t0[0])) -v s=$((t1[1] - t0[1])) -v w="$window" -v hz="$STR_TICK" 'BEGIN { printf "%.1f", (u + s) / hz / w * 100 }') "
  STR["subs-$label|sys"]+="$(awk -v u=$((t1[0] - t0[0])) -v s=$((t1[1] - t0[1])) 'BEGIN { printf "%.0f", ((u + s) > 0 ? s / (u + s) * 100 : 0) }') "
  STR["subs-$label|wait"]+="$(awk -v d=$((w1 - w0)) -v w="$window" 'BEGIN { printf "%.1f", d / 1e9 / w * 100 }') "
  local kinds; kinds=$(str_json "$out" error_kinds)
  [ "$kinds" = "{}" ] || STR["subs-$label|kinds"]+="$kinds "
  if grep -qiE 'error|fatal' "$TMP/str-subs-$label-$run-gateway.log" 2>/dev/null; then
    STR["subs-$label|gwlog"]+="run $run: $(grep -ciE 'error|fatal' "$TMP/str-subs-$label-$run-gateway.log") error lines "
  fi
  str_stop "$pid"
}

run_streams() {
  [ -x "$GATEWAY_BIN" ] || { log "no gateway binary at $GATEWAY_BIN"; return 1; }
  [ -x "$SIM_BIN" ] || { log "no simulator binary at $SIM_BIN"; return 1; }
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  STR[nofile]=$(ulimit -n)
  [ "${STR[nofile]}" = unlimited ] || [ "${STR[nofile]}" -ge $((STR_SUBS * 3 + 100)) ] \
    || { log "ulimit -n is ${STR[nofile]}: too few descriptors for $STR_SUBS streams"; return 1; }
  STR[load]=$(cut -d' ' -f1-3 /proc/loadavg)
  STR[started]=$(date -u '+%Y-%m-%d %H:%M UTC')
  STR[t0]=$(date +%s)
  : >"$TMP/str-ttft.jsonl"; : >"$TMP/str-subs.jsonl"

  # ---- time to first chunk and chunks/s: one simulator, one gateway, all protocols in each run
  str_start_sim ttft 0 1000 || return 1
  local sim_port=$STR_SIM_PORT sim_pid=$STR_SIM_PID
  STR[sim-cmd]="${LOAD_PIN[*]:-} pattern-upstream-sim --port PORT --latency-ms 0 --jitter-ms 0 --ttft-ms 0 --tokens-per-second 1000"
  str_start_gateway ttft "$sim_port" || return 1
  local gw_port=$STR_GW_PORT gw_pid=$STR_GW_PID
  STR[gw-cmd]="${STR_GW_CMD[*]}"
  str_warm "$gw_port" || return 1
  local i t port gpid
  for i in $(seq 1 "$RUNS"); do
    for t in "${STR_TARGETS[@]}"; do
      if [ "$t" = direct ]; then port=$sim_port; gpid=""; else port=$gw_port; gpid=$gw_pid; fi
      log "streams run $i/$RUNS: $t at c1 (${STR_C1_DURATION} s)"
      str_ttft "$t" 1 "$STR_C1_DURATION" 20 "$STR_TTFT_TOKENS" "$port" "$gpid" "$sim_pid" || return 1
    done
    for t in "${STR_TARGETS[@]}"; do
      if [ "$t" = direct ]; then port=$sim_port; gpid=""; else port=$gw_port; gpid=$gw_pid; fi
      log "streams run $i/$RUNS: $t at c$STR_CONC (${STR_CONC_DURATION} s)"
      str_ttft "$t" "$STR_CONC" "$STR_CONC_DURATION" "$STR_CONC" "$STR_RATE_TOKENS" "$port" "$gpid" "$sim_pid" || return 1
    done
    # added time to first chunk, this run: protocol p50/p99 minus direct's
    local dp50 dp99 p50s p99s
    read -r -a p50s <<<"${STR[direct|c1|p50]}"; read -r -a p99s <<<"${STR[direct|c1|p99]}"
    dp50=${p50s[$((i - 1))]}; dp99=${p99s[$((i - 1))]}
    for t in "${STR_TARGETS[@]}"; do
      [ "$t" = direct ] && continue
      read -r -a p50s <<<"${STR[$t|c1|p50]}"; read -r -a p99s <<<"${STR[$t|c1|p99]}"
      STR["$t|c1|add50"]+="$(awk -v g="${p50s[$((i - 1))]}" -v d="$dp50" 'BEGIN { printf "%.3f", g - d }') "
      STR["$t|c1|add99"]+="$(awk -v g="${p99s[$((i - 1))]}" -v d="$dp99" 'BEGIN { printf "%.3f", g - d }') "
    done
  done
  kill -0 "$gw_pid" 2>/dev/null || { log "gateway died during the ttft runs"; cat "$TMP/str-ttft-gateway.log" >&2; return 1; }
  STR[rss-ttft]=$(awk '/^VmRSS:/ {print $2}' "/proc/$gw_pid/status" 2>/dev/null || echo 0)
  [ "$STR_PROFILE" = 1 ] && { str_profile "$gw_pid" "$gw_port" || return 1; }
  str_stop "$gw_pid"
  # The seed whose answer runs STR_SUB_TOKENS tokens, asked of the fast simulator (the answers are the same
  # at any pace; at STR_SUB_TPS each try would take seconds).
  local seed_out
  seed_out=$(str_client find-seed --port "$sim_port" --kind completion --tokens "$STR_SUB_TOKENS") || { log "no seed found"; return 1; }
  STR[seed]=$(str_json "$seed_out" seed)
  str_stop "$sim_pid"

  # ---- STR_SUBS concurrent streams per protocol: a slow simulator, a fresh gateway per run and protocol
  str_start_sim subs 20 "$STR_SUB_TPS" || return 1
  sim_port=$STR_SIM_PORT; sim_pid=$STR_SIM_PID
  STR[subs-sim-cmd]="${LOAD_PIN[*]:-} pattern-upstream-sim --port PORT --latency-ms 0 --jitter-ms 0 --ttft-ms 20 --tokens-per-second $STR_SUB_TPS"
  for i in $(seq 1 "$RUNS"); do
    for t in "${STR_SUB_TARGETS[@]}"; do
      str_subs_run "$t" "$sim_port" "${STR[seed]}" "$i" || return 1
    done
  done
  str_stop "$sim_pid"
  STR[load-end]=$(cut -d' ' -f1-3 /proc/loadavg)
  STR[elapsed]=$(( $(date +%s) - STR[t0] ))
}

streams_report() {
  local gw_cmd="${STR[gw-cmd]}"; gw_cmd=${gw_cmd//$ROOT\//}; gw_cmd=${gw_cmd//$TMP/\$TMP}
  f3() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "–"; else printf "%.3f", v }'; }
  f1() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "–"; else printf "%.1f", v }'; }
  kib2mib() { awk -v v="$1" 'BEGIN { if (v + 0 > 0) printf "%.1f", v / 1024; else print "–" }'; }
  sum_errors() { local s=0 x; for x in ${STR[$1]:-}; do [ "$x" = n/a ] || s=$((s + x)); done; echo "$s"; }
  echo "#### Generation streams on gRPC and GraphQL against REST SSE (issue 16, point 6)"
  echo
  echo "- run with: \`${SKIP_BUILD:+SKIP_BUILD=$SKIP_BUILD }RUNS=$RUNS scripts/bench --suite streams$( [ "${RECORD:-0}" = 1 ] && echo " --record")\`, started ${STR[started]}, $((STR[elapsed] / 60)) min $((STR[elapsed] % 60)) s"
  echo "- load average (1, 5, 15 min) ${STR[load]} at the start, ${STR[load-end]} at the end (2 CPUs, shared with other work)"
  echo "- gateway: \`$gw_cmd\` with every \`*_ENDPOINT\` at the simulator (one port, all nine models); a fresh one per run and protocol for the concurrent streams"
  echo "- simulator (CPU 1, with the client): \`${STR[sim-cmd]}\` for the first-chunk and rate rows; \`${STR[subs-sim-cmd]}\` for the concurrent streams"
  echo "- the same completion everywhere: model \`general\`, a prompt (no messages), \`max_tokens\` $STR_TTFT_TOKENS (c1) / $STR_RATE_TOKENS (c$STR_CONC) / $STR_SUB_TOKENS (concurrent, seed ${STR[seed]}):"
  echo "  direct \`POST /v1/completions\` (\`stream\`, \`stream_options.include_usage\`, as the gateway sends it upstream); REST"
  echo "  \`POST /api/v1/external/general/generate {\"stream\":true}\` (\`event: delta\`); gRPC \`gateway.PatternService/GenerateStream\` (h2c);"
  echo "  GraphQL \`subscription(\$p: String, \$n: Int, \$seed: Int, \$model: String!) { generate(model: \$model, prompt: \$p, maxTokens: \$n, seed: \$seed) { text finishReason usage { … } } }\`"
  echo "  over graphql-sse (\`POST /graphql\`, \`Accept: text/event-stream\`, keep-alive) and over graphql-transport-ws (\`GET /graphql\` WebSocket)"
  echo "- client: scripts/gen-load.py (python3 asyncio, one thread, stdlib only, raw sockets for every protocol, on CPU 1): HTTP/1.1"
  echo "  and SSE parsed by hand; WebSocket: its own handshake, masked frames, one socket set up (101, connection_init → ack)"
  echo "  before measuring, then subscriptions one after another on it; gRPC: its own h2c framing (HPACK literals for the"
  echo "  request, protobuf by hand), one connection per client, calls one after another on it. TTFT = request written →"
  echo "  the read carrying the first non-empty text; chunks = content-carrying events/messages received. ulimit -n ${STR[nofile]}"
  echo "- commands:"
  echo "  - \`${LOAD_PIN[*]:-} python3 scripts/gen-load.py ttft --port <simulator|gateway> --target <direct|gateway|grpc|graphql-sse|graphql-ws> --kind completion --concurrency 1 --duration-s $STR_C1_DURATION --warmup 20 --max-tokens $STR_TTFT_TOKENS\`"
  echo "  - \`... ttft ... --concurrency $STR_CONC --duration-s $STR_CONC_DURATION --warmup $STR_CONC --max-tokens $STR_RATE_TOKENS\`"
  echo "  - \`... streams --port <gateway> --target <graphql-ws|graphql-sse|gateway|grpc> --kind completion --streams $STR_SUBS --per-conn <1|$STR_GRPC_PER_CONN (grpc)> --max-tokens $STR_SUB_TOKENS --seed ${STR[seed]} --pid <gateway> --ramp-s 1\`"
  echo "  - \`python3 scripts/gen-load.py find-seed --port <simulator> --kind completion --tokens $STR_SUB_TOKENS\`"
  echo
  echo "| time to first chunk, concurrency 1 ($RUNS × ${STR_C1_DURATION} s) | p50 ms | p99 ms | added p50 ms (vs direct) | added p99 ms | streams/s | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  local t label
  for t in "${STR_TARGETS[@]}"; do
    case $t in direct) label="simulator direct (/v1/completions)" ;; rest) label="REST SSE" ;; grpc) label="gRPC GenerateStream" ;;
                graphql-sse) label="GraphQL over SSE" ;; graphql-ws) label="GraphQL over WebSocket" ;; esac
    if [ "$t" = direct ]; then a50="–"; a99="–"; else a50="**$(f3 "$(str_med "$t|c1|add50")")**"; a99=$(f3 "$(str_med "$t|c1|add99")"); fi
    echo "| $label | $(f3 "$(str_med "$t|c1|p50")") | $(f3 "$(str_med "$t|c1|p99")") | $a50 | $a99 | $(f1 "$(str_med "$t|c1|sps")") | $(sum_errors "$t|c1|errors") |"
  done
  echo
  echo "| concurrency $STR_CONC, $STR_RATE_TOKENS tokens per answer ($RUNS × ${STR_CONC_DURATION} s) | chunks/s | tokens/s | streams/s | TTFT p50 ms | gateway CPU % (kernel %) | gateway CPU µs per token | simulator CPU % | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${STR_TARGETS[@]}"; do
    case $t in direct) label="simulator direct" ;; rest) label="REST SSE" ;; grpc) label="gRPC GenerateStream" ;;
                graphql-sse) label="GraphQL over SSE" ;; graphql-ws) label="GraphQL over WebSocket" ;; esac
    local k="$t|c$STR_CONC" cpu="–" us="–"
    if [ "$t" != direct ]; then cpu="$(str_med "$k|cpu") ($(str_med "$k|sys"))"; us=$(f1 "$(str_med "$k|uspc")"); fi
    echo "| $label | $(f1 "$(str_med "$k|cps")") | $(f1 "$(str_med "$k|tps")") | $(f1 "$(str_med "$k|sps")") | $(f3 "$(str_med "$k|p50")") | $cpu | $us | $(str_med "$k|simcpu") | $(sum_errors "$k|errors") |"
  done
  echo
  echo "Per-run values — added p50 at c1 (ms): $(for t in rest grpc graphql-sse graphql-ws; do printf '%s %s; ' "$t" "$(echo ${STR[$t|c1|add50]:-})"; done)"
  echo "chunks/s at c$STR_CONC: $(for t in "${STR_TARGETS[@]}"; do printf '%s %s; ' "$t" "$(echo ${STR[$t|c$STR_CONC|cps]:-})"; done)"
  echo "gateway threads runnable but waiting for CPU 0 (% of each c$STR_CONC run, /proc/PID/task/*/schedstat): $(for t in rest grpc graphql-sse graphql-ws; do printf '%s %s; ' "$t" "$(echo ${STR[$t|c$STR_CONC|wait]:-})"; done)"
  local kk; for kk in "${!STR[@]}"; do [[ $kk == *"|kinds" && $kk != subs-* ]] && echo "errors $kk: ${STR[$kk]}"; done
  echo
  echo "| $STR_SUBS concurrent streams, one event loop (median of $RUNS, fresh gateway each) | connections | errors (all runs) | completion tokens | window s | tokens/s relayed | all open after s | RSS before MiB | RSS peak (all open) MiB | RSS per open stream KiB | gateway CPU % (kernel %) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for t in "${STR_SUB_TARGETS[@]}"; do
    case $t in rest) label="REST SSE" ;; grpc) label="gRPC GenerateStream ($STR_GRPC_PER_CONN calls per connection)" ;;
                graphql-sse) label="GraphQL over SSE" ;; graphql-ws) label="GraphQL over WebSocket (one subscription per socket)" ;; esac
    local k="subs-$t"
    [ -n "${STR[$k|errors]:-}" ] || continue
    echo "| $label | $(str_med "$k|connections") | $(sum_errors "$k|errors") | $(str_med "$k|completion_tokens") | $(fmt "$(str_med "$k|window_s")") | $(fmt "$(str_med "$k|tokens_per_s")") | $(str_med "$k|all_open_s" | sed 's|^n/a$|never|') | $(kib2mib "$(str_med "$k|rss_before_kib")") | $(kib2mib "$(str_med "$k|rss_peak_open_kib")") | $(str_med "$k|rss_per_stream_kib") | $(str_med "$k|cpu") ($(str_med "$k|sys")) |"
  done
  echo
  echo "Each stream ~$(awk -v n="$STR_SUB_TOKENS" -v r="$STR_SUB_TPS" 'BEGIN { printf "%.0f", n / r }') s ($STR_SUB_TOKENS tokens at $STR_SUB_TPS tokens/s after 20 ms); clients connect over 1 s (grpc: its $((STR_SUBS / STR_GRPC_PER_CONN)) connections are set up first, then the calls start over 1 s). Window: first"
  echo "connection to last end. RSS: gateway VmRSS every 50 ms; \"all open\": every stream has had its first chunk and none has ended. Per run:"
  for t in "${STR_SUB_TARGETS[@]}"; do
    local k="subs-$t"
    [ -n "${STR[$k|errors]:-}" ] || continue
    echo "$t — errors $(echo ${STR[$k|errors]}), KiB/stream $(echo ${STR[$k|rss_per_stream_kib]}), tokens/s $(echo ${STR[$k|tokens_per_s]}), all open after $(echo ${STR[$k|all_open_s]}) s, CPU % $(echo ${STR[$k|cpu]}), waiting % $(echo ${STR[$k|wait]}), load $(echo ${STR[$k|loadavg]})${STR[$k|kinds]:+, error kinds ${STR[$k|kinds]}}${STR[$k|gwlog]:+, gateway log: ${STR[$k|gwlog]}};"
  done
  echo
  if [ "${#STR_PROFILE_LINES[@]}" -gt 0 ]; then
    echo '```'
    local l; for l in "${STR_PROFILE_LINES[@]}"; do echo "$l"; done
    echo '```'
    echo
  fi
}
