# Sourced by scripts/bench: the OpenAI-compatible relay against LiteLLM's proxy (issue 15, point 5).
#   The same simulator (one process, every model on one port, CPU 1) is called three ways, one after
#   the other in the same run, never two servers at once: directly, through the gateway (`/v1`, one
#   event loop, CPU 0) and through LiteLLM's proxy (one worker, CPU 0).
#   embeddings  POST /v1/embeddings {"model":"general","input":"<a new text per request>"}: wrk, req/s,
#               p50 / p99, non-2xx and socket errors. Every input is new, so nothing is answered from a
#               cache; the simulator's own call count is checked against what the client sent.
#   chat        POST /v1/chat/completions, streamed, max_tokens RELAY_MAX_TOKENS with
#               stream_options.include_usage: scripts/gen-load.py ttft --target openai (python3 asyncio),
#               completed streams per second, p50 / p99 of the whole stream and of the time to first token.
#   Both at concurrency 1 and 32 (RELAY_CONCURRENCY), RELAY_DURATION s per measurement, RUNS runs per
#   target (medians). Then one more c32 embeddings run through the gateway under perf (cpu-clock, -g).
# LiteLLM lives in a bench-only venv, RELAY_VENV (default .venv-bench), made here on first use:
# `pip install 'litellm[proxy]'` (RELAY_LITELLM_SPEC), skipped while its stamp file matches.
# Env: RELAY_DURATION (DURATION), RELAY_CONCURRENCY ("1 32"), RELAY_MAX_TOKENS (16), RELAY_TPS (1000, the
#      simulator's tokens/s after an immediate first token), RELAY_SIM_LATENCY_MS (0, per embed call),
#      RELAY_PROFILE (1), SKIP_LITELLM=1 (direct and gateway only), SIM_BIN (beside GATEWAY_BIN).
# Uses log, free_port, wait_health, median, fmt, to_ms, PIDS, TMP, RUNS, DURATION, LOAD_PIN, ROOT,
# GATEWAY_BIN, RECORD.

SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
RELAY_DURATION=${RELAY_DURATION:-$DURATION}
read -r -a RELAY_CONCS <<<"${RELAY_CONCURRENCY:-1 32}"
RELAY_MAX_TOKENS=${RELAY_MAX_TOKENS:-16}
RELAY_TPS=${RELAY_TPS:-1000}
RELAY_SIM_LATENCY_MS=${RELAY_SIM_LATENCY_MS:-0}
RELAY_PROFILE=${RELAY_PROFILE:-1}
RELAY_VENV=${RELAY_VENV:-$ROOT/.venv-bench}
RELAY_LITELLM_SPEC=${RELAY_LITELLM_SPEC:-litellm[proxy]}
RELAY_MODELS=(MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL)
RELAY_TARGETS=(direct gateway)
[ "${SKIP_LITELLM:-0}" = 1 ] || RELAY_TARGETS+=(litellm)

declare -A RELAY      # "target|workload|conc|field" -> values of the runs, space separated; other keys: see run_relay
RELAY_PROFILE_LINES=()
RELAY_TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)

relay_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Nanoseconds the process's threads have been runnable but waiting for a CPU (behind each other or other work).
relay_wait_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $2 } END { printf "%.0f", s }'; }
relay_rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
relay_json() { # json field...: the values, space separated (null as n/a)
  python3 -c 'import json,sys; d=json.loads(sys.argv[1])
print(" ".join("n/a" if d.get(k) is None else str(d[k]) for k in sys.argv[2:]))' "$@"; }
relay_demangle() { if command -v swift >/dev/null 2>&1; then swift demangle --simplified 2>/dev/null || cat; else cat; fi; }

# The bench-only venv with LiteLLM's proxy; pip runs only when the stamp does not match the spec.
relay_venv() {
  local stamp="$RELAY_VENV/.litellm-stamp"
  if [ -x "$RELAY_VENV/bin/litellm" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$RELAY_LITELLM_SPEC" ]; then return 0; fi
  if [ ! -x "$RELAY_VENV/bin/python" ]; then
    log "creating $RELAY_VENV (bench only)"
    python3 -m venv --clear "$RELAY_VENV" >&2 || { log "python3 -m venv failed (apt-get install python3-venv?)"; return 1; }
  fi
  log "installing $RELAY_LITELLM_SPEC into $RELAY_VENV (a minute or two)"
  "$RELAY_VENV/bin/python" -m pip install -q --disable-pip-version-check "$RELAY_LITELLM_SPEC" >&2 \
    || { log "pip install $RELAY_LITELLM_SPEC failed"; return 1; }
  echo "$RELAY_LITELLM_SPEC" >"$stamp"
}

relay_stop() { # pid
  kill -TERM "$1" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

relay_wait() { # url pid name seconds
  local i
  for i in $(seq 1 $(( $4 * 10 ))); do
    kill -0 "$2" 2>/dev/null || { log "$3 exited early"; return 1; }
    curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "$3 did not answer $1 within $4 s"; return 1
}

relay_lua() {
  # A new input per request: the run's prefix (first script argument), wrk's thread number, a counter.
  cat >"$TMP/relay-embed.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
local prefix, n = "r", 0
function init(args) prefix = (args[1] or "r") .. "-t" .. tostring(tid or 0) end
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"model":"general","input":"' .. prefix .. ' relay benchmark sentence ' .. n .. '"}')
end
LUA
}

# The simulator's count of embed calls to general.
relay_sim_calls() {
  curl -fsS "http://127.0.0.1:$RELAY_SIM_PORT/control" | python3 -c 'import json,sys; print(json.load(sys.stdin)["models"]["general"]["embed_calls"])'
}

# A few calls of each kind through a target, so nothing first-time is measured (LiteLLM imports and
# builds its clients on the first calls).
relay_warm() { # base_url n
  local i
  for i in $(seq 1 "$2"); do
    curl -fsS -o /dev/null -H 'content-type: application/json' -d "{\"model\":\"general\",\"input\":\"warm-up $i\"}" \
      "$1/v1/embeddings" || { log "warm-up embedding at $1 failed"; return 1; }
    curl -fsS -N -o /dev/null -H 'content-type: application/json' \
      -d "{\"model\":\"general\",\"messages\":[{\"role\":\"user\",\"content\":\"warm-up\"}],\"max_tokens\":$RELAY_MAX_TOKENS,\"stream\":true,\"stream_options\":{\"include_usage\":true}}" \
      "$1/v1/chat/completions" || { log "warm-up chat at $1 failed"; return 1; }
  done
}

# One wrk run of uncached embeddings; appends to RELAY[target|embed|c|rps/p50/p99/errors/requests].
relay_wrk() { # target port conns run server_pid
  local t=$1 port=$2 c=$3 run=$4 spid=$5 out="$TMP/relay-$1-embed-c$3-$4.txt"
  local t0 t1 c0 c1 w0 w1
  c0=$(relay_cpu_ticks "$spid"); w0=$(relay_wait_ns "$spid"); t0=$(date +%s%N)
  timeout $((RELAY_DURATION + 90)) "${LOAD_PIN[@]}" wrk -t1 -c"$c" -d"${RELAY_DURATION}s" --timeout 30s --latency \
    -s "$TMP/relay-embed.lua" "http://127.0.0.1:$port/v1/embeddings" -- "$t-c$c-run$run" >"$out" 2>&1 \
    || { log "wrk failed:"; cat "$out" >&2; return 1; }
  c1=$(relay_cpu_ticks "$spid"); w1=$(relay_wait_ns "$spid"); t1=$(date +%s%N)
  local rps p50 p99 n non2xx sock
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out"); p99=$(awk '$1 == "99%" {print $2}' "$out")
  n=$(awk '/requests in/ {print $1}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  sock=$(awk '/Socket errors:/ { s = 0; for (i = 3; i <= NF; i += 2) { v = $(i+1); gsub(/,/, "", v); s += v }; print s }' "$out")
  [ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] || { log "could not parse wrk output:"; cat "$out" >&2; return 1; }
  local errs=$(( ${non2xx:-0} + ${sock:-0} ))
  [ "$errs" = 0 ] || log "$t embeddings c$c run $run: ${non2xx:-0} non-2xx, ${sock:-0} socket errors"
  local k="$t|embed|$c"
  RELAY["$k|rps"]+="$rps "
  RELAY["$k|p50"]+="$(to_ms "$p50") "
  RELAY["$k|p99"]+="$(to_ms "$p99") "
  RELAY["$k|errors"]+="$errs "
  RELAY["$k|requests"]+="$n "
  RELAY["$k|cpu"]+="$(awk -v d=$((c1 - c0)) -v ns=$((t1 - t0)) -v hz="$RELAY_TICK" 'BEGIN { printf "%.0f", d / hz / (ns / 1e9) * 100 }') "
  RELAY["$k|wait"]+="$(awk -v d=$((w1 - w0)) -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", d / ns * 100 }') "
}

# One streamed-chat run; appends to RELAY[target|chat|c|sps/p50/p99/ttft50/ttft99/errors].
relay_chat() { # target port conns run server_pid
  local t=$1 port=$2 c=$3 run=$4 spid=$5 out warm=$(( $3 * 2 < 10 ? 10 : $3 * 2 ))
  local t0 t1 c0 c1 w0 w1
  c0=$(relay_cpu_ticks "$spid"); w0=$(relay_wait_ns "$spid"); t0=$(date +%s%N)
  out=$("${LOAD_PIN[@]}" python3 "$ROOT/scripts/gen-load.py" ttft --target openai --port "$port" --concurrency "$c" \
        --warmup "$warm" --duration-s "$RELAY_DURATION" --max-tokens "$RELAY_MAX_TOKENS" --timeout-s $((RELAY_DURATION + 120))) \
    || { log "gen-load ttft against $t failed"; return 1; }
  c1=$(relay_cpu_ticks "$spid"); w1=$(relay_wait_ns "$spid"); t1=$(date +%s%N)
  echo "$out" >>"$TMP/relay-chat.jsonl"
  local sps l50 l99 f50 f99 errs kinds
  read -r sps l50 l99 f50 f99 errs <<<"$(relay_json "$out" streams_per_s latency_p50_ms latency_p99_ms ttft_p50_ms ttft_p99_ms errors)"
  if [ "$errs" != 0 ]; then kinds=$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])["error_kinds"]))' "$out")
    log "$t chat c$c run $run: $errs errors: $kinds"; RELAY["$t|chat|$c|kinds"]+="$kinds "; fi
  local k="$t|chat|$c"
  RELAY["$k|rps"]+="$sps "
  RELAY["$k|p50"]+="$l50 "
  RELAY["$k|p99"]+="$l99 "
  RELAY["$k|ttft50"]+="$f50 "
  RELAY["$k|ttft99"]+="$f99 "
  RELAY["$k|errors"]+="$errs "
  # Includes the warm-up streams; the server's share of CPU 0 while the client ran.
  RELAY["$k|cpu"]+="$(awk -v d=$((c1 - c0)) -v ns=$((t1 - t0)) -v hz="$RELAY_TICK" 'BEGIN { printf "%.0f", d / hz / (ns / 1e9) * 100 }') "
  RELAY["$k|wait"]+="$(awk -v d=$((w1 - w0)) -v ns=$((t1 - t0)) 'BEGIN { printf "%.0f", d / ns * 100 }') "
}

# All runs against one target: RUNS x (embeddings at each concurrency, then chats at each).
relay_measure() { # target port server_pid
  local t=$1 port=$2 spid=$3 i c before after sent
  before=$(relay_sim_calls)
  for i in $(seq 1 "$RUNS"); do
    for c in "${RELAY_CONCS[@]}"; do
      log "relay $t run $i/$RUNS: embeddings c$c"
      relay_wrk "$t" "$port" "$c" "$i" "$spid" || return 1
    done
    for c in "${RELAY_CONCS[@]}"; do
      log "relay $t run $i/$RUNS: streamed chat c$c"
      relay_chat "$t" "$port" "$c" "$i" "$spid" || return 1
    done
  done
  after=$(relay_sim_calls)
  sent=0
  for c in "${RELAY_CONCS[@]}"; do for i in ${RELAY[$t|embed|$c|requests]}; do sent=$((sent + i)); done; done
  RELAY["$t|upstream-calls"]=$((after - before))
  RELAY["$t|client-requests"]=$sent
  RELAY["$t|rss"]=$(relay_rss_kib "$spid")
  kill -0 "$spid" 2>/dev/null || { log "$t died during the runs"; return 1; }
}

# perf's cpu-clock sampler (with call graphs) on the gateway during one more c32 embeddings run.
relay_profile() { # gateway_pid gateway_port
  local pid=$1 port=$2 data="$TMP/relay-perf.data" c=${RELAY_CONCS[-1]}
  if ! command -v perf >/dev/null 2>&1 || ! perf record -e cpu-clock -o "$TMP/relay-perf-probe.data" true >/dev/null 2>&1; then
    RELAY_PROFILE_LINES+=("perf is not available here: no profile"); return 0
  fi
  log "relay profile: perf record -g (cpu-clock) on the gateway, one more embeddings run at c$c"
  perf record -e cpu-clock -F 1999 -g -p "$pid" -o "$data" >"$TMP/relay-perf.log" 2>&1 &
  local pp=$!
  sleep 0.3
  "${LOAD_PIN[@]}" wrk -t1 -c"$c" -d"${RELAY_DURATION}s" --timeout 30s -s "$TMP/relay-embed.lua" \
    "http://127.0.0.1:$port/v1/embeddings" -- "profile" >"$TMP/relay-perf-wrk.txt" 2>&1 || true
  kill -INT "$pp" 2>/dev/null; wait "$pp" 2>/dev/null || true
  local rps; rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/relay-perf-wrk.txt")
  local threads objects curl_tid
  # The thread with the most libcurl samples is the libcurl thread; the busiest other pattern-gateway one, the event loop.
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
  RELAY_PROFILE_LINES+=("perf record -e cpu-clock -F 1999 -g on the gateway, one more c$c embeddings run of ${RELAY_DURATION} s under perf ($rps req/s)")
  RELAY_PROFILE_LINES+=("by thread: $threads")
  RELAY_PROFILE_LINES+=("by object: $objects")
  RELAY_PROFILE_LINES+=("top frames by self time (share, thread id, symbol):")
  local line
  while IFS= read -r line; do [ -n "$line" ] && RELAY_PROFILE_LINES+=("    $line"); done < <(
    perf report -i "$data" --stdio --no-children -g none --sort pid,sym 2>/dev/null | grep -v '^#' | grep '%' | head -16 \
      | relay_demangle | sed -E 's/^ *([0-9.]+%) +([0-9]+):[^ ]+ +\[.\] /\1  \2  /' | cut -c1-160)
  RELAY_PROFILE_LINES+=("the gateway's own frames by inclusive time (children %, self %, symbol; executor and thread-start frames left out):")
  while IFS= read -r line; do [ -n "$line" ] && RELAY_PROFILE_LINES+=("    $line"); done < <(
    perf report -i "$data" --stdio --children -g none --sort sym --dsos pattern-gateway 2>/dev/null | grep -v '^#' | grep '%' \
      | relay_demangle | grep -v -E 'swift::runJob|swift_job_run|_dispatch_|EventLoop\.(runPending|start|run)\(|CurlThread\.start|thread_start|start_thread|swift_task_|RefCounts|swift_release|swift_retain' \
      | head -16 | awk '{ c = $1; s = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); printf "%7s %6s  %s\n", c, s, $0 }' | cut -c1-170)
}

run_relay() {
  [ -x "$GATEWAY_BIN" ] || { log "no gateway binary at $GATEWAY_BIN"; return 1; }
  [ -x "$SIM_BIN" ] || { log "no simulator binary at $SIM_BIN"; return 1; }
  if [ "${SKIP_LITELLM:-0}" != 1 ]; then relay_venv || return 1; fi
  relay_lua
  RELAY[load]=$(cut -d' ' -f1-3 /proc/loadavg)
  RELAY[started]=$(date -u '+%Y-%m-%d %H:%M UTC')

  # ---- the simulator, for the whole suite
  RELAY_SIM_PORT=$(free_port)
  local sim_cmd=("${LOAD_PIN[@]}" "$SIM_BIN" --port "$RELAY_SIM_PORT" --latency-ms "$RELAY_SIM_LATENCY_MS" --jitter-ms 0
                 --ttft-ms 0 --tokens-per-second "$RELAY_TPS")
  RELAY[sim-cmd]="${LOAD_PIN[*]:-} pattern-upstream-sim --port PORT --latency-ms $RELAY_SIM_LATENCY_MS --jitter-ms 0 --ttft-ms 0 --tokens-per-second $RELAY_TPS"
  log "starting simulator: ${sim_cmd[*]}"
  "${sim_cmd[@]}" >"$TMP/relay-sim.log" 2>&1 &
  local sim_pid=$!
  PIDS+=("$sim_pid")
  wait_health "http://127.0.0.1:$RELAY_SIM_PORT/control" "$sim_pid" simulator || { cat "$TMP/relay-sim.log" >&2; return 1; }
  local sim="http://127.0.0.1:$RELAY_SIM_PORT"

  # ---- direct: the simulator alone (nothing on CPU 0)
  relay_warm "$sim" 5 || return 1
  relay_measure direct "$RELAY_SIM_PORT" "$sim_pid" || return 1

  # ---- the gateway: /v1 on one event loop, every model at the simulator, no API keys
  local gw_port m env=()
  for m in "${RELAY_MODELS[@]}"; do env+=("${m}_ENDPOINT=$sim"); done
  gw_port=$(free_port)
  local gw_cmd=(taskset -c 0 "$GATEWAY_BIN" --port "$gw_port" --event-loops 1 --log-level warning --data-dir "$TMP/relay-gw-data")
  RELAY[gw-cmd]="${gw_cmd[*]}"
  log "starting gateway: ${gw_cmd[*]}"
  env "${env[@]}" "${gw_cmd[@]}" 2>"$TMP/relay-gateway.log" &
  local gw_pid=$!
  PIDS+=("$gw_pid")
  relay_wait "http://127.0.0.1:$gw_port/health" "$gw_pid" gateway 60 || { cat "$TMP/relay-gateway.log" >&2; return 1; }
  RELAY[gateway-rss-start]=$(relay_rss_kib "$gw_pid")
  relay_warm "http://127.0.0.1:$gw_port" 10 || return 1
  relay_measure gateway "$gw_port" "$gw_pid" || { cat "$TMP/relay-gateway.log" >&2; return 1; }
  [ "$RELAY_PROFILE" != 1 ] || relay_profile "$gw_pid" "$gw_port"
  relay_stop "$gw_pid"

  # ---- LiteLLM's proxy: one worker, openai/general at the simulator, no database, logging off
  if [ "${SKIP_LITELLM:-0}" != 1 ]; then
    local lt_dir="$TMP/relay-litellm" lt_port
    mkdir -p "$lt_dir"
    cat >"$lt_dir/config.yaml" <<YAML
model_list:
  - model_name: general
    litellm_params:
      model: openai/general
      api_base: $sim/v1
      api_key: dummy
litellm_settings:
  turn_off_message_logging: true
  telemetry: false
  set_verbose: false
  request_timeout: 600
general_settings:
  disable_spend_logs: true
  disable_error_logs: true
YAML
    RELAY[litellm-version]=$("$RELAY_VENV/bin/python" -c 'from importlib.metadata import version; print(version("litellm"))')
    RELAY[litellm-python]=$("$RELAY_VENV/bin/python" -c 'import platform; print(platform.python_version())')
    RELAY[litellm-server]=$("$RELAY_VENV/bin/python" -c 'from importlib.metadata import version as v
out = []
for p in ("uvicorn", "uvloop", "httpx", "aiohttp", "openai"):
    try: out.append(p + " " + v(p))
    except Exception: pass
print(", ".join(out))')
    lt_port=$(free_port)
    local lt_cmd=(taskset -c 0 "$RELAY_VENV/bin/litellm" --config "$lt_dir/config.yaml" --host 127.0.0.1 --port "$lt_port" --num_workers 1)
    RELAY[lt-cmd]="${lt_cmd[*]}"
    log "starting LiteLLM ${RELAY[litellm-version]}: ${lt_cmd[*]}"
    # No master key (the gateway runs without API keys too): LiteLLM refuses to start so unless told;
    # the bundled model-cost map instead of a download; no database (DATABASE_URL unset).
    ( cd "$lt_dir" && exec env -u DATABASE_URL -u LITELLM_MASTER_KEY LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY=true \
        LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_LOG=ERROR "${lt_cmd[@]}" ) >"$TMP/relay-litellm.log" 2>&1 &
    local lt_pid=$!
    PIDS+=("$lt_pid")
    local t0=$SECONDS
    relay_wait "http://127.0.0.1:$lt_port/health/liveliness" "$lt_pid" LiteLLM 180 || { tail -40 "$TMP/relay-litellm.log" >&2; return 1; }
    RELAY[litellm-start-s]=$((SECONDS - t0))
    RELAY[litellm-rss-start]=$(relay_rss_kib "$lt_pid")
    relay_warm "http://127.0.0.1:$lt_port" 10 || { tail -40 "$TMP/relay-litellm.log" >&2; return 1; }
    relay_measure litellm "$lt_port" "$lt_pid" || { tail -40 "$TMP/relay-litellm.log" >&2; return 1; }
    RELAY[litellm-log-lines]=$(grep -c -i -E 'error|exception|traceback' "$TMP/relay-litellm.log" || true)
    relay_stop "$lt_pid"
  fi
  relay_stop "$sim_pid"
  RELAY[load-end]=$(cut -d' ' -f1-3 /proc/loadavg)
}

relay_med() { median ${RELAY[$1]:-}; }
relay_f() { # value [decimals]
  awk -v v="$1" -v d="${2:-2}" 'BEGIN { if (v == "n/a" || v == "") print "–"; else printf "%.*f", d, v }'; }
relay_div() { # a b: a / b with one decimal and ×
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 <= 0) print "–"; else printf "%.1f×", a / b }'; }
relay_sub() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a") print "–"; else printf "%.3f", a - b }'; }
relay_sum() { local s=0 x; for x in ${RELAY[$1]:-}; do s=$((s + x)); done; echo "$s"; }

relay_report() {
  local gw_cmd="${RELAY[gw-cmd]}"; gw_cmd=${gw_cmd//$ROOT\//}; gw_cmd=${gw_cmd//$TMP/\$TMP}
  local lt_cmd="${RELAY[lt-cmd]:-}"; lt_cmd=${lt_cmd//$ROOT\//}; lt_cmd=${lt_cmd//$TMP/\$TMP}
  local commit dirty=""
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [ -z "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ] || dirty=" (HEAD; the working tree has uncommitted changes, the relay suite among them)"
  local c t w k
  echo "#### OpenAI-compatible relay against LiteLLM's proxy (issue 15, point 5)"
  echo
  echo "- run with: \`${BUILD_DIR:+BUILD_DIR=$BUILD_DIR }${SKIP_BUILD:+SKIP_BUILD=$SKIP_BUILD }RUNS=$RUNS scripts/bench --suite relay$( [ "${RECORD:-0}" = 1 ] && echo " --record")\`, started ${RELAY[started]}, commit $commit$dirty"
  echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load average (1, 5, 15 min) ${RELAY[load]} at the start, ${RELAY[load-end]} at the end (other work shares the machine)"
  echo "- simulator (one process, every model on one port, for the whole suite): \`${RELAY[sim-cmd]}\`"
  echo "- gateway binary built $(date -u -r "$GATEWAY_BIN" '+%Y-%m-%d %H:%M UTC'), simulator binary $(date -u -r "$SIM_BIN" '+%H:%M UTC') (file times)"
  echo "- gateway: \`$gw_cmd\` with every \`*_ENDPOINT\` at the simulator, no API keys (so no auth), \`/v1/embeddings\` and \`/v1/chat/completions\`"
  if [ -n "$lt_cmd" ]; then
    echo "- LiteLLM ${RELAY[litellm-version]} (\`pip install '$RELAY_LITELLM_SPEC'\` in ${RELAY_VENV/#$ROOT\//}; Python ${RELAY[litellm-python]}; ${RELAY[litellm-server]}):"
    echo "  \`$lt_cmd\` with \`LITELLM_LOG=ERROR LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY=true\`,"
    echo "  no database, no master key (as the gateway: no auth); config: \`model_list: [{model_name: general, litellm_params: {model: openai/general,"
    echo "  api_base: <simulator>/v1, api_key: dummy}}]\`, \`litellm_settings: {turn_off_message_logging: true, telemetry: false, set_verbose: false,"
    echo "  request_timeout: 600}\`, \`general_settings: {disable_spend_logs: true, disable_error_logs: true}\`; up ${RELAY[litellm-start-s]} s after start"
  fi
  echo "- CPU 0: the gateway or LiteLLM, one at a time (direct first, then the gateway, then LiteLLM, each stopped before the next starts);"
  echo "  CPU 1: the simulator and the load generator. $RUNS runs of ${RELAY_DURATION} s per row, medians (each column separately); 10 warm-up calls of each kind first"
  echo "- embeddings: \`${LOAD_PIN[*]:-} wrk -t1 -c<1|32> -d${RELAY_DURATION}s --timeout 30s --latency -s relay-embed.lua <base>/v1/embeddings\`, body"
  echo "  \`{\"model\":\"general\",\"input\":\"<run>-t1 relay benchmark sentence <n>\"}\`: a new input every request (so no cache answers; 384 floats back)"
  echo "- streamed chat: \`${LOAD_PIN[*]:-} python3 scripts/gen-load.py ttft --target openai --port <port> --concurrency <1|32> --warmup <10|64> --duration-s ${RELAY_DURATION} --max-tokens $RELAY_MAX_TOKENS\`:"
  echo "  \`{\"model\":\"general\",\"messages\":[…],\"max_tokens\":$RELAY_MAX_TOKENS,\"stream\":true,\"stream_options\":{\"include_usage\":true}}\`, keep-alive, python3 asyncio;"
  echo "  req/s = streams completed per second, latency = request written → last byte, TTFT = request written → the read with the first non-empty \`delta.content\`;"
  echo "  the simulator sends the first token at once and then one every $(awk -v r="$RELAY_TPS" 'BEGIN { printf "%g", 1000 / r }') ms ($RELAY_MAX_TOKENS tokens ≈ $(awk -v r="$RELAY_TPS" -v n="$RELAY_MAX_TOKENS" 'BEGIN { printf "%g", (n - 1) * 1000 / r }') ms a stream)"
  echo
  echo "| uncached \`/v1/embeddings\` | conc | req/s | p50 ms | p99 ms | errors | server CPU % / waiting % |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for c in "${RELAY_CONCS[@]}"; do for t in "${RELAY_TARGETS[@]}"; do
    k="$t|embed|$c"
    echo "| $(relay_label "$t") | $c | $(relay_f "$(relay_med "$k|rps")" 1) | $(relay_f "$(relay_med "$k|p50")" 3) | $(relay_f "$(relay_med "$k|p99")" 3) | $(relay_sum "$k|errors") | $(relay_cpu_cell "$t" "$k") |"
  done; done
  echo
  echo "| streamed \`/v1/chat/completions\` | conc | req/s (streams) | p50 ms | p99 ms | TTFT p50 ms | TTFT p99 ms | errors | server CPU % / waiting % |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in "${RELAY_CONCS[@]}"; do for t in "${RELAY_TARGETS[@]}"; do
    k="$t|chat|$c"
    echo "| $(relay_label "$t") | $c | $(relay_f "$(relay_med "$k|rps")" 1) | $(relay_f "$(relay_med "$k|p50")" 3) | $(relay_f "$(relay_med "$k|p99")" 3) | $(relay_f "$(relay_med "$k|ttft50")" 3) | $(relay_f "$(relay_med "$k|ttft99")" 3) | $(relay_sum "$k|errors") | $(relay_cpu_cell "$t" "$k") |"
  done; done
  echo
  if [ "${SKIP_LITELLM:-0}" != 1 ]; then
    echo "| ratio (medians) | conc | gateway ÷ LiteLLM req/s | LiteLLM ÷ gateway p50 | gateway added p50 ms (vs direct) | LiteLLM added p50 ms (vs direct) | gateway added TTFT p50 ms | LiteLLM added TTFT p50 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for w in embed chat; do for c in "${RELAY_CONCS[@]}"; do
      local g="gateway|$w|$c" l="litellm|$w|$c" d="direct|$w|$c" gt="–" lt="–"
      if [ "$w" = chat ]; then gt=$(relay_sub "$(relay_med "$g|ttft50")" "$(relay_med "$d|ttft50")"); lt=$(relay_sub "$(relay_med "$l|ttft50")" "$(relay_med "$d|ttft50")"); fi
      echo "| $( [ "$w" = embed ] && echo "uncached embeddings" || echo "streamed chat") | $c | $(relay_div "$(relay_med "$g|rps")" "$(relay_med "$l|rps")") | $(relay_div "$(relay_med "$l|p50")" "$(relay_med "$g|p50")") | $(relay_sub "$(relay_med "$g|p50")" "$(relay_med "$d|p50")") | $(relay_sub "$(relay_med "$l|p50")" "$(relay_med "$d|p50")") | $gt | $lt |"
    done; done
    echo
  fi
  echo "Per-run req/s — embeddings: $(for c in "${RELAY_CONCS[@]}"; do for t in "${RELAY_TARGETS[@]}"; do printf '%s c%s %s; ' "$t" "$c" "$(echo ${RELAY[$t|embed|$c|rps]})"; done; done)"
  echo "streamed chat: $(for c in "${RELAY_CONCS[@]}"; do for t in "${RELAY_TARGETS[@]}"; do printf '%s c%s %s; ' "$t" "$c" "$(echo ${RELAY[$t|chat|$c|rps]})"; done; done)"
  echo "Uncached check (embed calls the simulator counted during each target's runs / requests wrk completed; in-flight calls at each run's end count on the left only):"
  echo "$(for t in "${RELAY_TARGETS[@]}"; do printf '%s %s / %s; ' "$t" "${RELAY[$t|upstream-calls]}" "${RELAY[$t|client-requests]}"; done)"
  echo "VmRSS after its runs: gateway $(( ${RELAY[gateway|rss]:-0} / 1024 )) MiB (${RELAY[gateway-rss-start]:-0} KiB at start)$( [ "${SKIP_LITELLM:-0}" != 1 ] && echo ", LiteLLM $(( ${RELAY[litellm|rss]:-0} / 1024 )) MiB ($(( ${RELAY[litellm-rss-start]:-0} / 1024 )) MiB at start; ${RELAY[litellm-log-lines]:-0} error/exception lines in its log)")."
  echo "Server CPU % / waiting %: the process's user + system time over the run's wall time (CPU 0, so 100 % is the whole core; for direct, the"
  echo "simulator, which shares CPU 1 with the client), and the time its threads were runnable but waiting for the CPU, behind each other or"
  echo "other work on the machine (/proc/PID/task/*/schedstat; summed over threads, so it can pass 100 %)."
  local errk=""
  for t in "${RELAY_TARGETS[@]}"; do for c in "${RELAY_CONCS[@]}"; do [ -z "${RELAY[$t|chat|$c|kinds]:-}" ] || errk+="$t chat c$c: ${RELAY[$t|chat|$c|kinds]}; "; done; done
  [ -z "$errk" ] || echo "Stream errors by kind: $errk"
  echo
  if [ "${#RELAY_PROFILE_LINES[@]}" -gt 0 ]; then
    echo '```'
    local l; for l in "${RELAY_PROFILE_LINES[@]}"; do echo "$l"; done
    echo '```'
    echo
  fi
}

relay_label() { case $1 in direct) echo "simulator direct" ;; gateway) echo "**gateway**" ;; litellm) echo "LiteLLM ${RELAY[litellm-version]:-}" ;; esac; }
relay_cpu_cell() { # target key
  [ "$1" = direct ] && { echo "($(relay_med "$2|cpu") / $(relay_med "$2|wait") sim)"; return; }
  echo "$(relay_med "$2|cpu") / $(relay_med "$2|wait")"
}
