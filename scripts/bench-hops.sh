#!/bin/bash
# Issue 17: what a relayed call costs. Uncached embeds (a new text per request) through the gateway
# (one event loop, pinned to CPU 0) and straight to the simulator (no added latency, CPU 1, with wrk),
# at c1 and c32, with the gateway's CPU time and context switches per request read from /proc, then
# perf record -g of the gateway during a c32 and a c1 run (PERF=0 skips it).
#   usage: scripts/bench-hops.sh BIN_DIR OUT_DIR      (BIN_DIR holds pattern-gateway and pattern-upstream-sim)
#   env:   DURATION (s per run, default 8), PERF (1)
set -u
BIN=$1; OUT=$2; D=${DURATION:-8}
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf $OUT; mkdir -p $OUT
cat > $OUT/uncached.lua <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local prefix, direct, n = "u", false, 0
function init(args) prefix = args[1] or "u"; direct = args[2] == "direct" end
function request()
  n = n + 1
  local text = prefix .. " uncached sentence " .. n
  if direct then return wrk.format(nil, nil, nil, '{"model":"general","input":["' .. text .. '"]}') end
  return wrk.format(nil, nil, nil, '{"text":"' .. text .. '"}')
end
LUA
fp() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
SP=$(fp); GP=$(fp)
taskset -c 1 $BIN/pattern-upstream-sim --port $SP --latency-ms 0 --jitter-ms 0 2>$OUT/sim.log & SIM=$!
env=(); for m in MIXTRAL HERMES OPENCHAT PHI3 YI34 DEEPCODER IMP DEEPSEEK GENERAL; do env+=("${m}_ENDPOINT=http://127.0.0.1:$SP"); done
env "${env[@]}" taskset -c 0 $BIN/pattern-gateway --port $GP --event-loops 1 --log-level warning --data-dir $OUT/data --diagnostics 2>$OUT/gw.log & GW=$!
for i in $(seq 1 100); do curl -fs -o /dev/null http://127.0.0.1:$GP/health && curl -fs -o /dev/null http://127.0.0.1:$SP/control && break; sleep 0.2; done
E=http://127.0.0.1:$GP/api/v1/external/general/embed
curl -sS -X POST -H 'content-type: application/json' -d '{"text":"warm"}' $E | head -c 200; echo
cpu() { awk '{print $14+$15}' /proc/$GW/stat; }
ut() { awk '{print $14" "$15}' /proc/$GW/stat; }
csw() { cat /proc/$GW/task/*/status | awk '/voluntary_ctxt_switches/ {s+=$2} END {print s}'; }
w() { # name conns url args
  local n=$1 c=$2 u=$3; shift 3
  local c0=$(cpu) s0=$(csw) u0=$(ut)
  taskset -c 1 wrk -t1 -c$c -d${D}s --latency -s $OUT/uncached.lua $u -- "$@" > $OUT/$n.txt 2>&1
  local c1=$(cpu) s1=$(csw) u1=$(ut)
  local req=$(grep 'requests in' $OUT/$n.txt | awk '{print $1}')
  echo "$n: $(grep Requests/sec $OUT/$n.txt) p50=$(grep ' 50%' $OUT/$n.txt | awk '{print $2}') p99=$(grep ' 99%' $OUT/$n.txt | awk '{print $2}') gw_cpu_us/req=$(awk -v a=$c0 -v b=$c1 -v r=$req 'BEGIN{printf "%.1f", (b-a)*10000/r}') gw_ctxsw/req=$(awk -v a=$s0 -v b=$s1 -v r=$req 'BEGIN{printf "%.2f", (b-a)/r}') threads=$(ls /proc/$GW/task | wc -l) utime,stime(ticks)=$u0-$u1 $(grep -i 'non-2xx\|errors' $OUT/$n.txt)"
}
w direct-c1 1 http://127.0.0.1:$SP/v1/embeddings d1 direct
w gw-c1 1 $E g1
w direct-c32 32 http://127.0.0.1:$SP/v1/embeddings d32 direct
w gw-c32 32 $E g32
if [ "${PERF:-1}" = 1 ]; then
  perf record -F 2000 -g -p $GW -o $OUT/perf-c32.data -- sleep 6 >/dev/null 2>&1 & P=$!
  w gw-c32-perf 32 $E p32
  wait $P
  perf record -F 2000 -g -p $GW -o $OUT/perf-c1.data -- sleep 6 >/dev/null 2>&1 & P=$!
  w gw-c1-perf 1 $E p1
  wait $P
  perf report -i $OUT/perf-c32.data --no-children --sort sym --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -40 > $OUT/top-c32.txt
  perf report -i $OUT/perf-c1.data --no-children --sort sym --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -40 > $OUT/top-c1.txt
  perf report -i $OUT/perf-c32.data --no-children --sort comm --stdio 2>/dev/null | grep -v '^#' | grep '%' | head > $OUT/threads-c32.txt
fi
grep -c "" $OUT/gw.log >/dev/null
kill $GW $SIM; wait $GW $SIM 2>/dev/null
