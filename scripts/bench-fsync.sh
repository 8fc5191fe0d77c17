# Sourced by scripts/bench: does a journal fsync stall the event loop? (issue 13, point 4)
#   GET /health on a gateway with one event loop, alone and while FSYNC_CLIENTS clients post
#   bulk embeds to mixtral (bulk_only: each answers 202 only after its journal record is
#   fsynced), with the simulator up so the workers drain the queue. The probe runs at -c1
#   (every stall shows) and -c${CONNS}. Gateway on CPU 0; simulator, bulk clients and probe on
#   CPU 1. The data directory is on a real disk (not tmpfs), so each fsync costs what it costs.
#   Bar: /health p99 under the bulk load ≤ 2 × p99 alone.
#   Finished jobs are kept 5 s (PATTERN_RESULT_RETENTION) and a warm-up of bulk load runs
#   first: the queue's tables reach their working size before anything is measured, so the
#   probe sees fsyncs, not a table doubling (a rehash of every job, on the enqueue that
#   crosses a power of two, which the default 24 h retention would hit mid-run).
# Env: FSYNC_CLIENTS (default 16), FSYNC_DATA_ROOT (where the data directory goes; default
#      $TMP unless that is tmpfs, then bench-results/ in the repo).
# Uses log, start_sim_and_gateway, parse_wrk, median, fmt, TMP, RUNS, DURATION, CONNS, LOAD_PIN,
# ROOT, GATEWAY_BIN.

SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
FSYNC_CLIENTS=${FSYNC_CLIENTS:-16}
declare -A FSYNC   # "drain-c<n>|<alone|loaded|bulk>" -> "rps p50 p99"
FSYNC_CMDS=()
FSYNC_DISK=""

fsync_lua() {
  : >"$TMP/fsync-health.lua"
  # A new text per request (nothing answers from the cache); the first script argument keeps
  # runs apart.
  cat >"$TMP/fsync-bulk.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local prefix, n = "f", 0
function init(args) prefix = args[1] or "f" end
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"texts":["' .. prefix .. ' fsync benchmark text ' .. n .. '"]}')
end
-- Anything but 202 is named in the output (wrk only counts them).
function response(status, headers, body)
  if status ~= 202 then io.write("answer " .. status .. ": " .. body .. "\n") end
end
LUA
}

# Waits (up to 2 minutes) until the workers have drained mixtral's queue below one batch (50),
# so a probe "alone" shares the loop with nothing left over from the bulk load before it; what
# is left waits for BULK_PROCESSING_INTERVAL (300 s) without costing anything.
fsync_drained() { # port
  local depth
  for _ in $(seq 1 1200); do
    depth=$(curl -fsS -m 2 "http://127.0.0.1:$1/metrics" 2>/dev/null \
            | awk '/^pattern_batch_queue_depth\{model="mixtral"\}/ {print $2}')
    [ -n "$depth" ] && [ "$depth" -lt 50 ] && { sleep 1; return 0; }
    sleep 0.1
  done
  log "mixtral's queue did not drain (depth $depth)"; return 1
}

# One wrk run into $TMP/fsync-<label>.txt. The /health probe must see only 2xx. The bulk clients
# may see a stray error, which is logged; more than 1 % means most requests measure something
# else than an fsync (a full queue answers 429 without one), and stops the suite.
fsync_wrk() { # label seconds conns url script [script args...]
  local label=$1 seconds=$2 conns=$3 url=$4 script=$5; shift 5
  local out="$TMP/fsync-$label.txt" extra=() bad total
  [ $# -eq 0 ] || extra=(-- "$@")
  timeout $((seconds + 60)) "${LOAD_PIN[@]}" wrk -t1 -c"$conns" -d"${seconds}s" --latency -s "$script" "$url" "${extra[@]}" \
    >"$out" 2>&1 || { log "wrk failed:"; cat "$out" >&2; return 1; }
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  [ -n "$bad" ] || return 0
  total=$(awk '$2 == "requests" && $3 == "in" {print $1}' "$out")
  log "fsync $label: $bad of $total answers not 2xx: $(grep -m3 '^answer ' "$out" | tr '\n' ' ')"
  if [[ $label != bulk-* ]] || [ $((bad * 100)) -gt "${total:-0}" ]; then cat "$out" >&2; return 1; fi
}

# A directory for a gateway's data on a real disk ($TMP unless that is tmpfs, where an fsync is
# free), reachable as $TMP/<name>-data.
fsync_data_dir() { # name
  local root=${FSYNC_DATA_ROOT:-}
  if [ -z "$root" ] && [ "$(stat -f -c %T "$TMP")" = tmpfs ]; then root=$ROOT/bench-results; fi
  if [ -z "$root" ]; then mkdir -p "$TMP/$1-data"; return; fi
  mkdir -p "$root"
  FSYNC_MADE+=("$(mktemp -d "$root/$1-data.XXXXXX")")
  ln -s "${FSYNC_MADE[-1]}" "$TMP/$1-data"
}

# RUNS rounds against one gateway: per probe concurrency, /health alone, then /health while the
# bulk clients post. Results under "<key>-c<conns>|alone", "|loaded" and "|bulk".
fsync_rounds() { # key port drain(0|1) probe_conns...
  local key=$1 port=$2 drain=$3; shift 3
  local health="http://127.0.0.1:$port/health" bulk="http://127.0.0.1:$port/api/v1/external/mixtral/embed"
  local hc i r x y bulk_pid part f bad
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
         -d '{"texts":["fsync warm-up"]}' "$bulk") || return 1
  [ "$code" = 202 ] || { log "bulk embed answered $code, not 202"; return 1; }
  for i in $(seq 1 "$RUNS"); do
    for hc in "$@"; do
      [ "$drain" = 0 ] || fsync_drained "$port" || return 1
      log "fsync $key run $i/$RUNS: /health -c$hc alone"
      fsync_wrk "$key-alone-c$hc-$i" "$DURATION" "$hc" "$health" "$TMP/fsync-health.lua" || return 1
      log "fsync $key run $i/$RUNS: /health -c$hc under $FSYNC_CLIENTS bulk clients"
      fsync_wrk "bulk-$key-c$hc-$i" $((DURATION + 3)) "$FSYNC_CLIENTS" "$bulk" "$TMP/fsync-bulk.lua" "$key-r$i-c$hc-$$" &
      bulk_pid=$!
      sleep 1.5
      fsync_wrk "$key-loaded-c$hc-$i" "$DURATION" "$hc" "$health" "$TMP/fsync-health.lua" || { wait "$bulk_pid"; return 1; }
      wait "$bulk_pid" || return 1
      bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$TMP/fsync-bulk-$key-c$hc-$i.txt")
      FSYNC_STRAY=$((FSYNC_STRAY + ${bad:-0}))
      for part in alone loaded bulk; do
        case $part in bulk) f="$TMP/fsync-bulk-$key-c$hc-$i.txt" ;; *) f="$TMP/fsync-$key-$part-c$hc-$i.txt" ;; esac
        read -r r x y <<<"$(parse_wrk "$f")"
        FSYNC_RPS["$key-c$hc|$part"]+="$r "; FSYNC_P50["$key-c$hc|$part"]+="$x "; FSYNC_P99["$key-c$hc|$part"]+="$y "
      done
    done
  done
}

run_fsync() {
  [ -x "$SIM_BIN" ] || { log "no simulator binary at $SIM_BIN"; return 1; }
  fsync_lua
  FSYNC_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
  FSYNC_MADE=()
  FSYNC_STRAY=0
  declare -gA FSYNC_RPS=() FSYNC_P50=() FSYNC_P99=()
  fsync_data_dir fsync
  FSYNC_DISK="$(findmnt -no FSTYPE -T "$TMP/fsync-data/" 2>/dev/null || stat -f -c %T "$TMP/fsync-data/") ($(df -P "$TMP/fsync-data/" | awk 'NR == 2 {print $1}'))"
  # No 429 however far the workers fall behind: every bulk request is an enqueue and an fsync.
  export PATTERN_QUEUE_LIMIT=10000000 PATTERN_RESULT_RETENTION=5
  local ok=1
  if start_sim_and_gateway fsync; then
    FSYNC_GW_CMD=("${STARTED_GW_CMD[@]}")
    log "fsync warm-up: $((DURATION + 5)) s of bulk load"
    fsync_wrk "bulk-warm-up" $((DURATION + 5)) "$FSYNC_CLIENTS" \
      "http://127.0.0.1:$STARTED_GW_PORT/api/v1/external/mixtral/embed" "$TMP/fsync-bulk.lua" "warm-$$" || ok=0
    [ "$ok" = 0 ] || fsync_rounds drain "$STARTED_GW_PORT" 1 1 "$CONNS" || ok=0
    kill -0 "$STARTED_GW_PID" 2>/dev/null || { log "gateway died during the fsync benchmark"; cat "$TMP/fsync-gateway.log" >&2; ok=0; }
    kill -TERM "$STARTED_GW_PID" 2>/dev/null; wait "$STARTED_GW_PID" 2>/dev/null || true
  else
    ok=0
  fi
  unset PATTERN_QUEUE_LIMIT PATTERN_RESULT_RETENTION
  local d
  for d in "${FSYNC_MADE[@]}"; do rm -rf "$d"; done
  [ "$ok" = 1 ] || return 1
  local k
  for k in "${!FSYNC_RPS[@]}"; do
    # shellcheck disable=SC2086
    FSYNC["$k"]="$(median ${FSYNC_RPS[$k]}) $(median ${FSYNC_P50[$k]}) $(median ${FSYNC_P99[$k]})"
  done
  FSYNC_CMDS=("probe: ${LOAD_PIN[*]:-} wrk -t1 -c<1|$CONNS> -d${DURATION}s --latency http://127.0.0.1:PORT/health"
              "bulk: ${LOAD_PIN[*]:-} wrk -t1 -c$FSYNC_CLIENTS -d$((DURATION + 3))s --latency -s fsync-bulk.lua http://127.0.0.1:PORT/api/v1/external/mixtral/embed -- <run prefix>")
}

fsync_report() {
  local row a l b ratio
  local gw_cmd="${FSYNC_GW_CMD[*]}"; gw_cmd=${gw_cmd//$ROOT\//}; gw_cmd=${gw_cmd//$TMP/\$TMP}
  echo "#### Event-loop stalls under journal fsyncs (issue 13, point 4)"
  echo
  echo "- gateway: \`$gw_cmd\` with every \`*_ENDPOINT\` at the simulator (1 ms per call, on CPU 1), so the workers drain"
  echo "  mixtral on the gateway's CPU; PATTERN_QUEUE_LIMIT=10000000 (every bulk request is an enqueue), PATTERN_RESULT_RETENTION=5"
  echo "- data directory on $FSYNC_DISK; each bulk embed answers 202 after its journal fsync (group commit)"
  echo "- $((DURATION + 5)) s of bulk load first; each probe alone starts once the workers have drained what the bulk load before it left (below one batch)"
  echo "- load average when the suite started: $FSYNC_LOAD (2 CPUs, shared with other work); stray non-2xx bulk answers: $FSYNC_STRAY"
  echo "- commands (load CPU 1; the bulk clients start 1.5 s before the probe and stop after it):"
  for c in "${FSYNC_CMDS[@]}"; do echo "  - \`$c\`"; done
  echo
  echo "| /health probe | alone req/s | alone p50 / p99 ms | under bulk req/s | under bulk p50 / p99 ms | bulk embeds/s | bulk p50 / p99 ms | p99 ratio | bar ≤ 2 | met |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
  for row in "drain-c1" "drain-c$CONNS"; do
    read -r -a a <<<"${FSYNC["$row|alone"]}"; read -r -a l <<<"${FSYNC["$row|loaded"]}"; read -r -a b <<<"${FSYNC["$row|bulk"]}"
    ratio=$(awk -v x="${l[2]}" -v y="${a[2]}" 'BEGIN { printf "%.2f", x / y }')
    echo "| wrk -t1 -c${row##*-c} | $(fmt "${a[0]}") | $(fmt "${a[1]}") / $(fmt "${a[2]}") | $(fmt "${l[0]}") | $(fmt "${l[1]}") / $(fmt "${l[2]}") | $(fmt "${b[0]}") | $(fmt "${b[1]}") / $(fmt "${b[2]}") | $ratio | ≤ 2 | $(awk -v r="$ratio" 'BEGIN { print (r <= 2) ? "yes" : "no" }') |"
  done
  echo
}
