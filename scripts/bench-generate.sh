# Sourced by scripts/bench: streamed generation through the gateway (issue 14, point 7).
#   ttft     streamed chats (general, max_tokens GEN_TTFT_TOKENS) through the gateway and straight to
#            the same simulator, in the same run, at concurrency 1 and 64: the client's time from
#            writing the request to reading the first content token (gateway: the first `event: delta`;
#            direct: the first chunk with a non-empty delta.content). The simulator answers at once
#            (--ttft-ms 0, 1,000 tokens/s), so what differs is the relay. Bar: added p50 ≤ 0.3 ms at c1.
#   streams  GEN_STREAMS clients each hold one streamed chat open at the same time through a gateway
#            with one event loop (a fresh gateway per run, warmed by a few chats): errors, completion
#            tokens per second relayed, and VmRSS before the streams and at its peak while all are open.
#            Every answer is GEN_STREAM_TOKENS tokens (a seed the simulator runs that far with) at
#            GEN_STREAM_TPS tokens/s, all from one simulator port (GEN_REPLICAS > 1 spreads `general`
#            over that many simulator processes instead, one port each; GEN_SINGLE=1 adds a run against
#            one port beside such a spread).
#            Bar: no error, ≤ 100 KiB RSS per open stream.
#   profile  where the gateway's time goes at c64: callgrind (instructions, user space) on a short run
#            when `perf stat -e instructions` is not supported, else perf record -g; and perf's cpu-clock
#            sampler (time, kernel included) on one extra c64 run and one extra streams run
#            (GEN_PROFILE=0 skips all of it).
# Gateway on CPU 0; simulator(s) and scripts/gen-load.py (python3 asyncio) on CPU 1.
# Env: GEN_C1_REQUESTS (2000), GEN_C64_REQUESTS (20000), GEN_TTFT_TOKENS (4), GEN_STREAMS (1000),
#      GEN_STREAM_TOKENS (64, the longest answer the simulator gives), GEN_STREAM_TPS (6.4: ~10 s per
#      stream), GEN_REPLICAS (1), GEN_SINGLE (0), GEN_PROFILE (1), GEN_CG_REQUESTS (2000).
# Uses log, free_port, wait_health, median, fmt, PIDS, TMP, RUNS, LOAD_PIN, ROOT, GATEWAY_BIN.

SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
GEN_C1_REQUESTS=${GEN_C1_REQUESTS:-2000}
GEN_C64_REQUESTS=${GEN_C64_REQUESTS:-20000}
GEN_TTFT_TOKENS=${GEN_TTFT_TOKENS:-4}
GEN_STREAMS=${GEN_STREAMS:-1000}
GEN_STREAM_TOKENS=${GEN_STREAM_TOKENS:-64}
GEN_STREAM_TPS=${GEN_STREAM_TPS:-6.4}
GEN_REPLICAS=${GEN_REPLICAS:-1}
GEN_SINGLE=${GEN_SINGLE:-0}
GEN_PROFILE=${GEN_PROFILE:-1}
GEN_CG_REQUESTS=${GEN_CG_REQUESTS:-2000}
GEN_MODELS=(MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL)

declare -A GEN        # key -> value (see run_generate)
GEN_CMDS=()
GEN_PROFILE_LINES=()
GEN_TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)

gen_client() { "${LOAD_PIN[@]}" python3 "$ROOT/scripts/gen-load.py" "$@"; }
gen_json() { # json field: the value (objects as JSON, null as n/a)
  python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]
print("n/a" if v is None else json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1" "$2"; }
gen_cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat" 2>/dev/null || echo "0 0"; }
# Nanoseconds the process's threads have been runnable but waiting for a CPU (behind each other or other work).
gen_wait_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $2 } END { printf "%.0f", s }'; }
gen_demangle() { if command -v swift >/dev/null 2>&1; then swift demangle --simplified 2>/dev/null || cat; else cat; fi; }

# A simulator process on CPU 1, serving every model on one port. Sets GEN_STARTED_PORT, GEN_STARTED_PID.
gen_start_sim() { # name ttft_ms tokens_per_second
  local port; port=$(free_port)
  "${LOAD_PIN[@]}" "$SIM_BIN" --port "$port" --latency-ms 0 --jitter-ms 0 --ttft-ms "$2" \
    --tokens-per-second "$3" >"$TMP/gen-$1.log" 2>&1 &
  GEN_STARTED_PID=$!
  PIDS+=("$GEN_STARTED_PID")
  GEN_STARTED_PORT=$port
  wait_health "http://127.0.0.1:$port/control" "$GEN_STARTED_PID" "simulator $1" || { cat "$TMP/gen-$1.log" >&2; return 1; }
}

# A gateway on CPU 0 with one event loop; every model at $2 unless GEN_GENERAL_ENDPOINTS names
# general's replicas. Sets GEN_GW_PORT, GEN_GW_PID, GEN_GW_CMD.
gen_start_gateway() { # name endpoint [wrapper...]
  local name=$1 endpoint=$2 m env=(); shift 2
  for m in "${GEN_MODELS[@]}"; do env+=("${m}_ENDPOINT=$endpoint"); done
  [ -z "${GEN_GENERAL_ENDPOINTS:-}" ] || env+=("GENERAL_ENDPOINT=$GEN_GENERAL_ENDPOINTS")
  GEN_GW_PORT=$(free_port)
  GEN_GW_CMD=(taskset -c 0 "$@" "${GEN_GW_BIN:-$GATEWAY_BIN}" --port "$GEN_GW_PORT" --event-loops 1 --log-level warning
              --data-dir "$TMP/gen-$name-data")
  env "${env[@]}" "${GEN_GW_CMD[@]}" 2>"$TMP/gen-$name-gateway.log" &
  GEN_GW_PID=$!
  PIDS+=("$GEN_GW_PID")
  local i
  for i in $(seq 1 600); do
    kill -0 "$GEN_GW_PID" 2>/dev/null || { log "gateway $name exited early"; cat "$TMP/gen-$name-gateway.log" >&2; return 1; }
    curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$GEN_GW_PORT/health" 2>/dev/null && return 0
    sleep 0.1
  done
  log "gateway $name did not answer within 60 s"; return 1
}

gen_stop() { # pid
  kill -TERM "$1" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# A few streamed chats, so nothing first-time (connections, lazily built tables) is measured.
gen_warm() { # port
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    curl -fsS -N -o /dev/null -H 'content-type: application/json' \
      -d '{"messages":[{"role":"user","content":"warm-up"}],"max_tokens":2,"stream":true}' \
      "http://127.0.0.1:$1/api/v1/external/general/chat" || { log "warm-up chat failed"; return 1; }
  done
}

# One ttft run; appends p50/p99/streams-per-s to GEN[<key>|p50] etc. and prints the JSON.
gen_ttft() { # key target port concurrency requests warmup
  local key=$1 target=$2 port=$3 c=$4 n=$5 w=$6 out
  out=$(gen_client ttft --port "$port" --target "$target" --concurrency "$c" --requests "$n" --warmup "$w" \
        --max-tokens "$GEN_TTFT_TOKENS" --timeout-s 300) || { log "gen-load ttft failed"; return 1; }
  echo "$out" >>"$TMP/gen-ttft.jsonl"
  local errors; errors=$(gen_json "$out" errors)
  if [ "$errors" != 0 ]; then log "$key: $errors errors: $(gen_json "$out" error_kinds)"; GEN[errors-$key]=$(( ${GEN[errors-$key]:-0} + errors )); fi
  GEN["$key|p50"]+="$(gen_json "$out" ttft_p50_ms) "
  GEN["$key|p99"]+="$(gen_json "$out" ttft_p99_ms) "
  GEN["$key|sps"]+="$(gen_json "$out" streams_per_s) "
}

# perf's cpu-clock sampler on a pid while a command runs: by thread, then the top symbols.
gen_perf_clock() { # label pid command...
  local label=$1 pid=$2; shift 2
  local data="$TMP/gen-perf-$label.data"
  perf record -e cpu-clock -F 1999 -p "$pid" -o "$data" >"$TMP/gen-perf-$label.log" 2>&1 &
  local perf_pid=$!
  sleep 0.3
  "$@" >/dev/null || { kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null; return 1; }
  kill -INT "$perf_pid" 2>/dev/null; wait "$perf_pid" 2>/dev/null || true
  local threads syms kernel curl_tid
  # The thread that spends most in libcurl is the curl thread; the other busy one, the event loop.
  curl_tid=$(perf report -i "$data" --stdio --no-children -g none --sort pid,dso 2>/dev/null | grep -v '^#' \
             | awk '/libcurl/ {print $2; exit}' | cut -d: -f1)
  threads=$(perf report -i "$data" --stdio --no-children -g none --sort pid 2>/dev/null | grep -v '^#' | grep '%' | head -4 \
            | awk -v c="$curl_tid" '{ split($2, t, ":"); n = (t[1] == c) ? "libcurl thread" : (NR == 1 || (NR == 2 && !done) ? "event loop" : t[2])
                                      if (n == "event loop") done = 1
                                      printf "%s%s (%s) %s", (NR > 1 ? ", " : ""), t[1], n, $1 }')
  kernel=$(perf report -i "$data" --stdio --no-children -g none --sort dso 2>/dev/null | grep -v '^#' | grep '%' \
           | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}' | cut -c1-200)
  syms=$(perf report -i "$data" --stdio --no-children -g none --sort pid,sym 2>/dev/null | grep -v '^#' | grep '%' | head -12 \
         | gen_demangle | sed -E 's/^ *([0-9.]+%) +([0-9]+):[^ ]+ +\[.\] /\1 \2 /' | cut -c1-150)
  GEN_PROFILE_LINES+=("perf cpu-clock ($label): by thread $threads; by object: $kernel")
  GEN_PROFILE_LINES+=("perf cpu-clock ($label), top symbols (share, tid, symbol):")
  local line
  while IFS= read -r line; do [ -n "$line" ] && GEN_PROFILE_LINES+=("    $line"); done <<<"$syms"
}

# callgrind on a gateway (a copy without DWARF, which valgrind 3.19 cannot read): instrumentation
# on only for GEN_CG_REQUESTS streamed chats at c64, after 300 unmeasured ones.
gen_callgrind() { # sim_port
  command -v valgrind >/dev/null 2>&1 || { GEN_PROFILE_LINES+=("callgrind: valgrind not installed"); return 0; }
  local bin="$TMP/pattern-gateway-nodebug" out="$TMP/gen-callgrind.out"
  objcopy --strip-debug "$GATEWAY_BIN" "$bin" || cp "$GATEWAY_BIN" "$bin"
  GEN_GW_BIN=$bin gen_start_gateway callgrind "http://127.0.0.1:$1" \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" || return 1
  local pid=$GEN_GW_PID
  gen_client ttft --port "$GEN_GW_PORT" --concurrency 64 --requests 300 --warmup 0 --max-tokens "$GEN_TTFT_TOKENS" \
    --timeout-s 300 >/dev/null || return 1
  callgrind_control -i on "$pid" >/dev/null
  local r; r=$(gen_client ttft --port "$GEN_GW_PORT" --concurrency 64 --requests "$GEN_CG_REQUESTS" --warmup 0 \
               --max-tokens "$GEN_TTFT_TOKENS" --timeout-s 600) || return 1
  callgrind_control -d "$pid" >/dev/null
  gen_stop "$pid"
  local dump; dump=$(ls "$out".* 2>/dev/null | sort | tail -1)
  [ -n "$dump" ] || { GEN_PROFILE_LINES+=("callgrind: no dump written"); return 0; }
  local total ok; total=$(awk '/^summary:/ {print $2}' "$dump"); ok=$(gen_json "$r" ok)
  GEN_PROFILE_LINES+=("callgrind, c64, $ok streamed chats of $GEN_TTFT_TOKENS tokens: $(awk -v t="$total" -v n="$ok" 'BEGIN { printf "%.0f", t / n }') instructions per chat (user space, all gateway threads); top frames by self cost:")
  local line
  while IFS= read -r line; do GEN_PROFILE_LINES+=("    $line"); done < <(
    callgrind_annotate --inclusive=no "$dump" 2>/dev/null | grep -E '^ *[0-9,]+ +\(' | grep -v 'PROGRAM TOTALS' | head -14 \
      | gen_demangle | sed -E 's/ \[[^]]*\]$//; s/\?\?\?://; s|\./malloc/\./malloc/||' | cut -c1-150)
  GEN_PROFILE_LINES+=("callgrind, inclusive cost of chosen frames:")
  while IFS= read -r line; do GEN_PROFILE_LINES+=("    $line"); done < <(
    callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | grep -E '^ *[0-9,]+ +\(' | gen_demangle \
      | grep -E 'SSEDecoder\.feed|static JSON\.parse\(|GenerationStreamDecoder\.openAI|TransferLoop\.run\(\)|curl_multi_perform|dispatch thunk of IteratorProtocol\.next' \
      | sed -E 's/ \[[^]]*\]$//; s/\?\?\?://' \
      | awk '{ k = $0; sub(/^ *[0-9,]+ +\([^)]*\) +/, "", k); if (!seen[k]++) print }' | head -8 | cut -c1-150)
}

# One run of the streams client against a gateway; adds to GEN[streams-<key>|...].
gen_streams_run() { # key port pid seed
  local key=$1 port=$2 pid=$3 seed=$4 out t0 t1 w0 w1
  GEN["streams-$key|loadavg"]+="$(cut -d' ' -f1 /proc/loadavg) "
  w0=$(gen_wait_ns "$pid")
  read -r -a t0 <<<"$(gen_cpu_ticks "$pid")"
  out=$(gen_client streams --port "$port" --streams "$GEN_STREAMS" --max-tokens "$GEN_STREAM_TOKENS" --seed "$seed" \
        --pid "$pid" --ramp-s 1 --timeout-s 120) || { log "gen-load streams failed"; return 1; }
  read -r -a t1 <<<"$(gen_cpu_ticks "$pid")"
  w1=$(gen_wait_ns "$pid")
  echo "$out" >>"$TMP/gen-streams.jsonl"
  log "streams $key: $out"
  local f window
  for f in errors completion_tokens tokens_per_s window_s rss_before_kib rss_peak_open_kib rss_peak_kib rss_per_stream_kib all_open_s ramp_s; do
    GEN["streams-$key|$f"]+="$(gen_json "$out" "$f") "
  done
  window=$(gen_json "$out" window_s)
  GEN["streams-$key|cpu"]+="$(awk -v u=$((t1[0] - t0[0])) -v s=$((t1[1] - t0[1])) -v w="$window" -v hz="$GEN_TICK" \
                               'BEGIN { printf "%.1f", (u + s) / hz / w * 100 }') "
  GEN["streams-$key|wait"]+="$(awk -v d=$((w1 - w0)) -v w="$window" 'BEGIN { printf "%.1f", d / 1e9 / w * 100 }') "
  GEN["streams-$key|sys"]+="$(awk -v u=$((t1[0] - t0[0])) -v s=$((t1[1] - t0[1])) 'BEGIN { printf "%.0f", ((u + s) > 0 ? s / (u + s) * 100 : 0) }') "
  local kinds; kinds=$(gen_json "$out" error_kinds)
  [ "$kinds" = "{}" ] || GEN["streams-$key|kinds"]+="$kinds "
}

run_generate() {
  [ -x "$SIM_BIN" ] || { log "no simulator binary at $SIM_BIN"; return 1; }
  # 1,000 client sockets, as many upstream ones, plus the simulators'.
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  GEN[nofile]=$(ulimit -n)
  [ "${GEN[nofile]}" = unlimited ] || [ "${GEN[nofile]}" -ge $((GEN_STREAMS * 3 + 100)) ] \
    || { log "ulimit -n is ${GEN[nofile]}: too few descriptors for $GEN_STREAMS streams"; return 1; }
  GEN[load]=$(cut -d' ' -f1-3 /proc/loadavg)
  : >"$TMP/gen-ttft.jsonl"; : >"$TMP/gen-streams.jsonl"

  # ---- time to first token: one simulator that answers at once, one gateway
  gen_start_sim ttft 0 1000 || return 1
  local sim_port=$GEN_STARTED_PORT sim_pid=$GEN_STARTED_PID
  GEN[ttft-sim-cmd]="${LOAD_PIN[*]:-} pattern-upstream-sim --port $sim_port --latency-ms 0 --jitter-ms 0 --ttft-ms 0 --tokens-per-second 1000"
  GEN_GENERAL_ENDPOINTS='' gen_start_gateway ttft "http://127.0.0.1:$sim_port" || return 1
  local gw_port=$GEN_GW_PORT gw_pid=$GEN_GW_PID
  GEN[gw-cmd]="${GEN_GW_CMD[*]}"
  gen_warm "$gw_port" || return 1
  local w1=$((GEN_C1_REQUESTS / 20)) w64=$((GEN_C64_REQUESTS / 20)) i a b
  [ "$w1" -ge 50 ] || w1=50
  [ "$w64" -ge 200 ] || w64=200
  GEN[w1]=$w1; GEN[w64]=$w64
  for i in $(seq 1 "$RUNS"); do
    log "generate ttft run $i/$RUNS: c1 through the gateway, then direct"
    gen_ttft gw-c1 gateway "$gw_port" 1 "$GEN_C1_REQUESTS" "$w1" || return 1
    gen_ttft direct-c1 direct "$sim_port" 1 "$GEN_C1_REQUESTS" "$w1" || return 1
    log "generate ttft run $i/$RUNS: c64 through the gateway, then direct"
    read -r -a a <<<"$(gen_cpu_ticks "$gw_pid") $(gen_cpu_ticks "$sim_pid") $(date +%s%N) $(gen_wait_ns "$gw_pid")"
    gen_ttft gw-c64 gateway "$gw_port" 64 "$GEN_C64_REQUESTS" "$w64" || return 1
    read -r -a b <<<"$(gen_cpu_ticks "$gw_pid") $(gen_cpu_ticks "$sim_pid") $(date +%s%N) $(gen_wait_ns "$gw_pid")"
    GEN[gw-c64-wait]+="$(awk -v d=$(( b[5] - a[5] )) -v t=$(( b[4] - a[4] )) 'BEGIN { printf "%.1f", d / t * 100 }') "
    GEN[gw-c64-cpu]+="$(awk -v d=$(( (b[0] + b[1]) - (a[0] + a[1]) )) -v t=$(( b[4] - a[4] )) -v hz="$GEN_TICK" 'BEGIN { printf "%.0f", d / hz / (t / 1e9) * 100 }') "
    GEN[gw-c64-sys]+="$(awk -v u=$(( b[0] - a[0] )) -v s=$(( b[1] - a[1] )) 'BEGIN { printf "%.0f", ((u + s) > 0 ? s / (u + s) * 100 : 0) }') "
    GEN[gw-c64-simcpu]+="$(awk -v d=$(( (b[2] + b[3]) - (a[2] + a[3]) )) -v t=$(( b[4] - a[4] )) -v hz="$GEN_TICK" 'BEGIN { printf "%.0f", d / hz / (t / 1e9) * 100 }') "
    gen_ttft direct-c64 direct "$sim_port" 64 "$GEN_C64_REQUESTS" "$w64" || return 1
  done
  kill -0 "$gw_pid" 2>/dev/null || { log "gateway died during the ttft runs"; cat "$TMP/gen-ttft-gateway.log" >&2; return 1; }

  # ---- profiles of the c64 relay
  GEN[profile]=none
  if [ "$GEN_PROFILE" = 1 ]; then
    if command -v perf >/dev/null 2>&1 && perf stat -e instructions true 2>&1 | grep -qE '^ *[0-9][0-9,]* +instructions'; then
      GEN[profile]=perf
      perf record -g -p "$gw_pid" -o "$TMP/gen-perf-c64-g.data" >/dev/null 2>&1 &
      local pp=$!; sleep 0.3
      gen_ttft profile-c64 gateway "$gw_port" 64 "$GEN_C64_REQUESTS" "$w64" || return 1
      kill -INT "$pp"; wait "$pp" 2>/dev/null || true
      GEN_PROFILE_LINES+=("perf record -g (cycles), c64 run; top frames by self cost:")
      local line
      while IFS= read -r line; do [ -n "$line" ] && GEN_PROFILE_LINES+=("    $line"); done < <(
        perf report -i "$TMP/gen-perf-c64-g.data" --stdio --no-children -g none --sort dso,sym 2>/dev/null \
          | grep -v '^#' | grep '%' | head -14 | gen_demangle | cut -c1-150)
    else
      GEN[profile]=callgrind
      log "generate profile: perf stat -e instructions is not supported here; callgrind on $GEN_CG_REQUESTS chats at c64"
      gen_callgrind "$sim_port" || { log "callgrind run failed"; return 1; }
    fi
    if command -v perf >/dev/null 2>&1 && perf record -e cpu-clock -o "$TMP/gen-perf-probe.data" true >/dev/null 2>&1; then
      log "generate profile: perf cpu-clock on one more c64 run"
      gen_perf_clock "c64 TTFT run, $GEN_C64_REQUESTS chats" "$gw_pid" \
        gen_client ttft --port "$gw_port" --concurrency 64 --requests "$GEN_C64_REQUESTS" --warmup 0 \
          --max-tokens "$GEN_TTFT_TOKENS" || return 1
    fi
  fi

  # ---- the seed whose answer runs GEN_STREAM_TOKENS tokens (the same on every simulator)
  local seed_out seed
  seed_out=$(gen_client find-seed --port "$sim_port" --tokens "$GEN_STREAM_TOKENS") || { log "no seed found"; return 1; }
  seed=$(gen_json "$seed_out" seed)
  GEN[seed]=$seed

  # ---- one upstream port: what the 32-connection limit does to many streams (one run)
  if [ "$GEN_SINGLE" = 1 ]; then
    log "generate streams: $GEN_STREAMS streams against one simulator port (one run; expect waits past the deadline)"
    curl -fsS -o /dev/null -X POST -d "{\"model\":\"general\",\"ttft_ms\":20,\"tokens_per_second\":$GEN_STREAM_TPS}" \
      "http://127.0.0.1:$sim_port/control" || return 1
    gen_streams_run single "$gw_port" "$gw_pid" "$seed" || return 1
  fi
  gen_stop "$gw_pid"
  gen_stop "$sim_pid"

  # ---- GEN_STREAMS streams, general at GEN_REPLICAS simulator processes, a fresh gateway per run
  local r ports=() endpoints=""
  log "generate streams: starting $GEN_REPLICAS simulators (ttft 20 ms, $GEN_STREAM_TPS tokens/s)"
  local sim_pids=()
  for r in $(seq 1 "$GEN_REPLICAS"); do
    gen_start_sim "replica-$r" 20 "$GEN_STREAM_TPS" || return 1
    sim_pids+=("$GEN_STARTED_PID")
    endpoints+="${endpoints:+,}http://127.0.0.1:$GEN_STARTED_PORT"
  done
  GEN[replica-cmd]="${LOAD_PIN[*]:-} pattern-upstream-sim --port PORT_i --latency-ms 0 --jitter-ms 0 --ttft-ms 20 --tokens-per-second $GEN_STREAM_TPS"
  local first=${endpoints%%,*}
  for i in $(seq 1 "$RUNS"); do
    GEN_GENERAL_ENDPOINTS=$endpoints gen_start_gateway "streams-$i" "$first" || return 1
    gen_warm "$GEN_GW_PORT" || return 1
    sleep 1
    log "generate streams run $i/$RUNS: $GEN_STREAMS streams of $GEN_STREAM_TOKENS tokens"
    gen_streams_run replicas "$GEN_GW_PORT" "$GEN_GW_PID" "$seed" || return 1
    kill -0 "$GEN_GW_PID" 2>/dev/null || { log "gateway died during the streams"; cat "$TMP/gen-streams-$i-gateway.log" >&2; return 1; }
    if [ "$GEN_PROFILE" = 1 ] && [ "$i" = "$RUNS" ] && [ "${GEN[profile]}" != none ] \
       && perf record -e cpu-clock -o "$TMP/gen-perf-probe.data" true >/dev/null 2>&1; then
      log "generate profile: perf cpu-clock on one more streams run (same gateway, not measured)"
      sleep 2
      gen_perf_clock "$GEN_STREAMS streams, one more run" "$GEN_GW_PID" \
        gen_client streams --port "$GEN_GW_PORT" --streams "$GEN_STREAMS" --max-tokens "$GEN_STREAM_TOKENS" \
          --seed "$seed" --ramp-s 1 --timeout-s 120 || return 1
    fi
    gen_stop "$GEN_GW_PID"
  done
  # What a client connection costs before it sends anything, on one more fresh gateway.
  GEN_GENERAL_ENDPOINTS=$endpoints gen_start_gateway idle "$first" || return 1
  gen_warm "$GEN_GW_PORT" || return 1
  sleep 1
  GEN[idle]=$(gen_client idle --port "$GEN_GW_PORT" --streams "$GEN_STREAMS" --pid "$GEN_GW_PID") || { log "gen-load idle failed"; return 1; }
  log "idle connections: ${GEN[idle]}"
  gen_stop "$GEN_GW_PID"
  for r in "${sim_pids[@]}"; do gen_stop "$r"; done
  GEN_CMDS=(
    "ttft: ${LOAD_PIN[*]:-} python3 scripts/gen-load.py ttft --port <gateway|simulator> --target <gateway|direct> --concurrency <1|64> --requests <$GEN_C1_REQUESTS|$GEN_C64_REQUESTS> --warmup <$w1|$w64> --max-tokens $GEN_TTFT_TOKENS"
    "streams: ${LOAD_PIN[*]:-} python3 scripts/gen-load.py streams --port <gateway> --streams $GEN_STREAMS --max-tokens $GEN_STREAM_TOKENS --seed $seed --pid <gateway pid> --ramp-s 1"
    "seed: python3 scripts/gen-load.py find-seed --port <simulator> --tokens $GEN_STREAM_TOKENS"
  )
}

gen_med() { # key: the median of the runs that have a value (a stream run that never had all streams open has no peak)
  local v=() x
  for x in ${GEN[$1]:-}; do [ "$x" = n/a ] || v+=("$x"); done
  median "${v[@]}"
}

generate_report() {
  local gw_cmd="${GEN[gw-cmd]}"; gw_cmd=${gw_cmd//$ROOT\//}; gw_cmd=${gw_cmd//$TMP/\$TMP}
  local g1p50 g1p99 d1p50 d1p99 g64p50 g64p99 d64p50 d64p99
  g1p50=$(gen_med "gw-c1|p50"); g1p99=$(gen_med "gw-c1|p99"); d1p50=$(gen_med "direct-c1|p50"); d1p99=$(gen_med "direct-c1|p99")
  g64p50=$(gen_med "gw-c64|p50"); g64p99=$(gen_med "gw-c64|p99"); d64p50=$(gen_med "direct-c64|p50"); d64p99=$(gen_med "direct-c64|p99")
  local add1 add1_99 add64 add64_99
  add1=$(awk -v g="$g1p50" -v d="$d1p50" 'BEGIN { printf "%.3f", g - d }')
  add1_99=$(awk -v g="$g1p99" -v d="$d1p99" 'BEGIN { printf "%.3f", g - d }')
  add64=$(awk -v g="$g64p50" -v d="$d64p50" 'BEGIN { printf "%.3f", g - d }')
  add64_99=$(awk -v g="$g64p99" -v d="$d64p99" 'BEGIN { printf "%.3f", g - d }')
  f3() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "–"; else printf "%.3f", v }'; }
  echo "#### Streamed generation (issue 14, point 7)"
  echo
  echo "- run with: \`${BUILD_DIR:+BUILD_DIR=$BUILD_DIR }RUNS=$RUNS scripts/bench --suite generate$( [ "${RECORD:-0}" = 1 ] && echo " --record")\`"
  echo "- gateway: \`$gw_cmd\` with every \`*_ENDPOINT\` at the simulator (one port, all nine models)"
  echo "- TTFT simulator: \`${GEN[ttft-sim-cmd]}\`: the first token at once, then 1,000 tokens/s; streamed chats to"
  echo "  \`general\` with \`max_tokens\` $GEN_TTFT_TOKENS, \`POST /api/v1/external/general/chat\` vs \`POST /v1/chat/completions\` (with"
  echo "  \`stream_options.include_usage\`, as the gateway sends it) on the same simulator, gateway then direct in each run"
  echo "- client: scripts/gen-load.py, python3 asyncio on raw sockets (HTTP/1.1 keep-alive, chunked and SSE parsed by hand),"
  echo "  on CPU 1 with the simulator; TTFT = from writing the request to the read that carries the first content token"
  echo "  (gateway: the first \`event: delta\`; direct: the first chunk with a non-empty \`delta.content\`); ulimit -n ${GEN[nofile]}"
  echo "- load average when the suite started: ${GEN[load]} (2 CPUs, shared with other work)"
  echo "- commands:"
  local c; for c in "${GEN_CMDS[@]}"; do echo "  - \`$c\`"; done
  echo
  echo "| streamed chat, time to first token | requests per run (+ warm-up) | gateway p50 / p99 ms | direct p50 / p99 ms | added p50 ms | added p99 ms | bar | met |"
  echo "|---|---:|---:|---:|---:|---:|---|---|"
  echo "| concurrency 1 | $GEN_C1_REQUESTS (+${GEN[w1]}) | $(f3 "$g1p50") / $(f3 "$g1p99") | $(f3 "$d1p50") / $(f3 "$d1p99") | $add1 | $add1_99 | added p50 ≤ 0.3 ms | $(awk -v a="$add1" 'BEGIN { print (a <= 0.3) ? "yes" : "no" }') |"
  echo "| concurrency 64 | $GEN_C64_REQUESTS (+${GEN[w64]}) | $(f3 "$g64p50") / $(f3 "$g64p99") | $(f3 "$d64p50") / $(f3 "$d64p99") | $add64 | $add64_99 | (information) | |"
  echo
  local errs=0 k
  for k in gw-c1 direct-c1 gw-c64 direct-c64; do errs=$((errs + ${GEN[errors-$k]:-0})); done
  echo "Errors in the TTFT runs: $errs. Streamed chats per second at c64 (medians): gateway $(fmt "$(gen_med "gw-c64|sps")"), direct $(fmt "$(gen_med "direct-c64|sps")");"
  echo "during the gateway's c64 runs the gateway process used $(gen_med gw-c64-cpu) % of a CPU ($(gen_med gw-c64-sys) % of it in the kernel) and the"
  echo "simulator $(gen_med gw-c64-simcpu) % of CPU 1, which it shares with the client; the gateway's threads (event loop and libcurl"
  echo "thread, both on CPU 0) were runnable but waiting for it $(gen_med gw-c64-wait) % of the time, behind each other or other work on"
  echo "the machine (/proc/PID/task/*/schedstat). At c64 the client (one Python thread) and the"
  echo "closed loop set the pace, so the c64 TTFT is mostly queueing in whichever side is saturated; the direct baseline,"
  echo "measured with the same client in the same run, is what makes the difference meaningful. At c1 the client adds its"
  echo "own read overhead to both columns alike."
  echo
  echo "| $GEN_STREAMS concurrent streamed chats, one event loop | errors | completion tokens | window s | tokens/s relayed | all open after s | RSS before MiB | RSS peak (all open) MiB | RSS per open stream KiB | gateway CPU % (kernel %) | bar | met |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
  local key label per errs_s bar met
  for key in replicas single; do
    [ -n "${GEN[streams-$key|errors]:-}" ] || continue
    if [ "$key" = replicas ]; then
      label="general at $GEN_REPLICAS simulator processes (replicas), fresh gateway per run, median of $RUNS"
      bar="no error, ≤ 100 KiB per stream"
    else
      label="general at one simulator port (the TTFT gateway), one run"
      bar="(information)"
    fi
    per=$(gen_med "streams-$key|rss_per_stream_kib")
    errs_s=$(gen_med "streams-$key|errors")
    met=""
    if [ "$key" = replicas ]; then
      # Every run must be clean, not just the median one.
      local worst; worst=$(printf '%s\n' ${GEN[streams-$key|errors]} | sort -n | tail -1)
      met=$(awk -v e="$worst" -v p="$per" 'BEGIN { print (e == 0 && p != "n/a" && p + 0 <= 100) ? "yes" : "no" }')
    fi
    kib2mib() { awk -v v="$1" 'BEGIN { if (v + 0 > 0) printf "%.1f", v / 1024; else print "–" }'; }
    echo "| $label | $errs_s | $(gen_med "streams-$key|completion_tokens") | $(fmt "$(gen_med "streams-$key|window_s")") | $(fmt "$(gen_med "streams-$key|tokens_per_s")") | $(gen_med "streams-$key|all_open_s" | sed 's|^n/a$|never|') | $(kib2mib "$(gen_med "streams-$key|rss_before_kib")") | $(kib2mib "$(gen_med "streams-$key|rss_peak_open_kib")") | $per | $(gen_med "streams-$key|cpu") ($(gen_med "streams-$key|sys")) | $bar | $met |"
  done
  echo
  echo "Each stream: one keep-alive connection, \`{\"messages\":[…],\"max_tokens\":$GEN_STREAM_TOKENS,\"stream\":true,\"seed\":${GEN[seed]}}\`; the seed makes the"
  echo "simulator run to $GEN_STREAM_TOKENS tokens (the longest answer it gives), at $GEN_STREAM_TPS tokens/s after 20 ms, so every stream lasts"
  echo "~$(awk -v n="$GEN_STREAM_TOKENS" -v r="$GEN_STREAM_TPS" 'BEGIN { printf "%.0f", n / r }') s; clients connect over 1 s. Window: from the first connection to the last \`done\`. RSS: VmRSS of the"
  echo "gateway sampled every 50 ms; \"all open\": every stream has had its first token and none has ended. Per-run values:"
  echo "errors $(echo ${GEN[streams-replicas|errors]:-}), RSS per stream $(echo ${GEN[streams-replicas|rss_per_stream_kib]:-}) KiB, tokens/s $(echo ${GEN[streams-replicas|tokens_per_s]:-}),"
  echo "all open after $(echo ${GEN[streams-replicas|all_open_s]:-}) s (clients connected within $(echo ${GEN[streams-replicas|ramp_s]:-}) s; n/a: some stream ended before the"
  echo "last one had its first token, so no sample has all open and the run has no peak); load average (1 min) at each"
  echo "start $(echo ${GEN[streams-replicas|loadavg]:-}); the gateway used $(echo ${GEN[streams-replicas|cpu]:-}) % of CPU 0 and its threads were"
  echo "runnable but waiting for it $(echo ${GEN[streams-replicas|wait]:-}) % of each window (behind each other or other work;"
  echo "/proc/PID/task/*/schedstat)."
  if [ -n "${GEN[idle]:-}" ]; then
    echo "A client connection by itself, before it sends a request: $(gen_json "${GEN[idle]}" rss_per_connection_kib) KiB ($GEN_STREAMS idle connections"
    echo "on one more fresh gateway: $(gen_json "${GEN[idle]}" rss_before_kib) → $(gen_json "${GEN[idle]}" rss_after_kib) KiB VmRSS, $(gen_json "${GEN[idle]}" closed_by_server) closed by it)."
  fi
  if [ -n "${GEN[streams-single|kinds]:-}" ]; then
    echo "With one upstream port: ${GEN[streams-single|kinds]}(VmRSS peak $(gen_med "streams-single|rss_peak_kib") KiB) — the upstream client opens at most 32 connections to one host:port"
    echo "(\`UpstreamClient(maxConnectionsPerHost: 32)\`, not configurable), so the other streams wait in curl's queue, and"
    echo "those that would wait longer than the model's timeout (REAL_TIME_TIMEOUT, 30 s) before their first token fail."
  fi
  echo
  if [ "${#GEN_PROFILE_LINES[@]}" -gt 0 ]; then
    echo "Profile (${GEN[profile]}; \`perf stat -e instructions\` $( [ "${GEN[profile]}" = perf ] && echo works || echo "is not supported on this VM" )):"
    echo
    echo '```'
    local l; for l in "${GEN_PROFILE_LINES[@]}"; do echo "$l"; done
    echo '```'
    echo
  fi
}
