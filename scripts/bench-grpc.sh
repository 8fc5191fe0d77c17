# Sourced by scripts/bench: issue 4's bar, cached unary gRPC calls with h2load (gRPC framing by
# hand: the body file is one length-prefixed protobuf message).
#   embed    gateway.PatternService/Embed, general, one text, answered from the cache
#   search   gateway.PatternService/SearchPattern, general, a 384-float query over 1,000 points, cached
# p99 comes from h2load's --log-file (per-request microseconds).
# Uses log, free_port, wait_health, median, PIDS, TMP, RUNS, DURATION, CONNS, STREAMS, LOAD_PIN,
# GATEWAY_BIN, ROOT.

declare -A GRPCB   # name -> "rps p50 p99"
GRPC_CMDS=()

grpc_bodies() { # dir
  python3 - "$1" <<'PY'
import json, random, struct, sys
out = sys.argv[1]
def field(n, wire, payload):
    return bytes([(n << 3) | wire]) + varint(len(payload)) + payload
def varint(v):
    b = bytearray()
    while v >= 0x80:
        b.append((v & 0x7F) | 0x80); v >>= 7
    b.append(v)
    return bytes(b)
def frame(m):
    return b"\0" + struct.pack(">I", len(m)) + m
embed = field(1, 2, b"general") + field(2, 2, b"the cached benchmark sentence")
rng = random.Random(3)
q = [rng.uniform(-1, 1) for _ in range(384)]
search = field(1, 2, b"general") + field(2, 2, struct.pack("<384f", *q)) + bytes([4 << 3]) + varint(10)
open(f"{out}/embed.bin", "wb").write(frame(embed))
open(f"{out}/search.bin", "wb").write(frame(search))
points = [{"id": f"p{i}", "vector": [rng.uniform(-1, 1) for _ in range(384)], "payload": {"n": str(i)}} for i in range(1000)]
json.dump({"vectors": points}, open(f"{out}/points.json", "w"))
PY
}

grpc_h2load() { # name url body [streams per connection]
  local name=$1 url=$2 body=$3 streams=${4:-$STREAMS}
  local cmd="h2load -c${CONNS} -m${streams} -D ${DURATION} -d $body -H content-type:application/grpc -H te:trailers $url"
  GRPC_CMDS+=("$name: ${LOAD_PIN[*]:-} ${cmd//$TMP\//}")
  local rps=() a=() b=() i out log r
  for i in $(seq 1 "$RUNS"); do
    out="$TMP/grpc-$name-$i.txt"; log="$TMP/grpc-$name-$i.log"
    log "grpc $name run $i/$RUNS"
    # shellcheck disable=SC2086
    timeout $((DURATION + 60)) "${LOAD_PIN[@]}" $cmd --log-file="$log" >"$out" 2>&1 || { log "h2load failed:"; cat "$out" >&2; return 1; }
    grep -q ' 0 failed, 0 errored' "$out" || { log "grpc $name: failed requests"; grep '^requests:' "$out" >&2; return 1; }
    r=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$out")
    read -r p50 p99 <<<"$(awk -F'\t' '$2 != 200 { bad++ } { print $3 / 1000 } END { if (bad) print "non-200: " bad > "/dev/stderr" }' "$log" \
                        | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "0 0"; exit }
                          i50 = int(NR * 0.50); if (i50 < 1) i50 = 1; i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
                          printf "%.3f %.3f\n", v[i50], v[i99] }')"
    rps+=("$r"); a+=("$p50"); b+=("$p99")
  done
  GRPCB["$name"]="$(median "${rps[@]}") $(median "${a[@]}") $(median "${b[@]}")"
}

run_grpc() {
  SIM_BIN=${SIM_BIN:-$(dirname "$GATEWAY_BIN")/pattern-upstream-sim}
  grpc_bodies "$TMP"
  local sim_port gw_port m env=()
  sim_port=$(free_port)
  "${LOAD_PIN[@]}" "$SIM_BIN" --port "$sim_port" --latency-ms 1 --jitter-ms 0 2>"$TMP/grpc-sim.log" &
  PIDS+=("$!")
  wait_health "http://127.0.0.1:$sim_port/control" "$!" simulator || return 1
  for m in MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL; do env+=("${m}_ENDPOINT=http://127.0.0.1:$sim_port"); done
  gw_port=$(free_port)
  GRPC_GW_CMD=(taskset -c 0 "$GATEWAY_BIN" --port "$gw_port" --event-loops 1 --log-level warning --data-dir "$TMP/grpc-data")
  env "${env[@]}" "${GRPC_GW_CMD[@]}" 2>"$TMP/grpc-gateway.log" &
  local gw_pid=$!
  PIDS+=("$gw_pid")
  wait_health "http://127.0.0.1:$gw_port/health" "$gw_pid" gateway || { cat "$TMP/grpc-gateway.log" >&2; return 1; }
  curl -fsS -o /dev/null -X POST -H 'content-type: application/json' --data-binary @"$TMP/points.json" \
    "http://127.0.0.1:$gw_port/api/v1/patterns/general/ingest" || { log "ingest failed"; return 1; }
  local base="http://127.0.0.1:$gw_port/gateway.PatternService"
  # Warm both caches with one call each (and check they succeed: h2load only sees HTTP 200).
  h2load -n1 -c1 -d "$TMP/embed.bin" -H content-type:application/grpc -H te:trailers "$base/Embed" >/dev/null
  h2load -n1 -c1 -d "$TMP/search.bin" -H content-type:application/grpc -H te:trailers "$base/SearchPattern" >/dev/null
  grpc_h2load embed "$base/Embed" "$TMP/embed.bin"
  grpc_h2load search "$base/SearchPattern" "$TMP/search.bin"
  # The same call with 64 calls in flight instead of 640: the latency a lighter load sees.
  grpc_h2load embed-m1 "$base/Embed" "$TMP/embed.bin" 1
  local metrics
  metrics=$(curl -fsS "http://127.0.0.1:$gw_port/metrics")
  GRPC_ERRORS=$(awk '/^pattern_requests_total\{.*protocol="grpc"/ && !/outcome="success"/ { s += $NF } END { print s + 0 }' <<<"$metrics")
  kill -0 "$gw_pid" 2>/dev/null || { log "gateway died during the gRPC benchmarks"; return 1; }
}

grpc_report() {
  local e s
  read -r -a e <<<"${GRPCB[embed]}"; read -r -a s <<<"${GRPCB[search]}"
  local gw_cmd="${GRPC_GW_CMD[*]}"; gw_cmd=${gw_cmd//$ROOT\//}; gw_cmd=${gw_cmd//$TMP/\$TMP}
  echo "#### gRPC (issue 4's bar)"
  echo
  echo "- gateway: \`$gw_cmd\`, every \`*_ENDPOINT\` at the simulator; 1,000 points of 384 floats ingested into general"
  echo "- commands (body files: one framed protobuf message, see scripts/bench-grpc.sh):"
  for x in "${GRPC_CMDS[@]}"; do echo "  - \`$x\`"; done
  echo
  echo "| call | req/s (median) | p50 ms | p99 ms | bar | met |"
  echo "|---|---:|---:|---:|---|---|"
  for pair in "Embed (cached), -m${STREAMS}:e" "SearchPattern (cached), -m${STREAMS}:s"; do
    local label=${pair%%:*} ref=${pair##*:} r=()
    if [ "$ref" = e ]; then r=("${e[@]}"); else r=("${s[@]}"); fi
    echo "| $label | $(fmt "${r[0]}") | $(fmt "${r[1]}") | $(fmt "${r[2]}") | ≥ 15,000 req/s, p99 < 20 ms | $(awk -v a="${r[0]}" -v p="${r[2]}" 'BEGIN { print (a >= 15000 && p < 20) ? "yes" : "no" }') |"
  done
  local m1; read -r -a m1 <<<"${GRPCB[embed-m1]}"
  echo "| Embed (cached), -m1 (64 calls in flight) | $(fmt "${m1[0]}") | $(fmt "${m1[1]}") | $(fmt "${m1[2]}") | (latency at a lighter load) | |"
  echo
  echo "gRPC calls that did not end OK during the runs (pattern_requests_total, protocol=\"grpc\", outcome≠success): ${GRPC_ERRORS:-?}"
  echo
}
