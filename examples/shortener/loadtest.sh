#!/usr/bin/env bash
# Load test of the shortener jar on loopback with wrk (Debian package `wrk`).
#   examples/shortener/loadtest.sh            # 30 s run, writes examples/shortener/LOADTEST.md
#   DURATION=10s CONNECTIONS=32 examples/shortener/loadtest.sh
# Build the jar first: mvn -q -DskipTests -pl examples/shortener -am package
# It starts the app on embedded defaults in a fresh temporary data directory, seeds CODES short
# links, runs wrk for DURATION (Zipf-like redirects + CREATE_SHARE creations), stops the app with
# SIGTERM and writes the figures into LOADTEST.md. Every step is bounded; it stops by itself.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/shortener.jar"
port="${PORT:-18080}"
duration="${DURATION:-30s}"
threads="${THREADS:-1}"
connections="${CONNECTIONS:-32}"
codes="${CODES:-10000}"
export ZIPF_S="${ZIPF_S:-1.0}" CREATE_SHARE="${CREATE_SHARE:-0.05}"
out="${OUT:-$here/LOADTEST.md}"
base="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
[ -f "$jar" ] || { echo "no $jar: mvn -q -DskipTests -pl examples/shortener -am package" >&2; exit 1; }

work="$(mktemp -d)"
app_pid=""
cleanup() {
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill -TERM "$app_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$app_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "starting the app on :$port (data in $work/data)"
PORT="$port" SHORTENER_HOST=127.0.0.1 SHORTENER_DATA_DIR="$work/data" \
  HEADROOM_RATELIMIT_CREATE_LIMITS="100000000/1m" HEADROOM_HEALTH_DRAIN_DELAY=0s \
  java ${JAVA_OPTS:-} -jar "$jar" >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "$base/health/readiness" 2>/dev/null && break
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log"; exit 1; }
  sleep 0.1
done
curl -fsS -o /dev/null "$base/health/readiness" || { echo "app not ready in 60 s" >&2; cat "$work/app.log"; exit 1; }

echo "seeding $codes links"
cfg="$work/seed.curl"
: >"$cfg"
for i in $(seq 1 "$codes"); do
  [ "$i" -gt 1 ] && echo next >>"$cfg"
  printf 'url = "%s/api/v1/urls"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "{\\"url\\":\\"https://example.com/seed/%d\\"}"\n' "$base" "$i" >>"$cfg"
done
timeout 300 curl -sS -K "$cfg" | grep -o '"code":"[0-9A-Za-z]*"' | cut -d'"' -f4 >"$work/codes.txt"
seeded=$(wc -l <"$work/codes.txt")
[ "$seeded" -eq "$codes" ] || { echo "seeded $seeded of $codes links" >&2; exit 1; }

echo "warming up (15 s: the JIT is still compiling after 5 s)"
CODES_FILE="$work/codes.txt" timeout 60 wrk -t"$threads" -c"$connections" -d15s -s "$here/loadtest.lua" "$base" >/dev/null

echo "running wrk -t$threads -c$connections -d$duration"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_before=$(awk '{print $14+$15}' "/proc/$app_pid/stat")
ticks=$(getconf CLK_TCK)
start_ns=$(date +%s%N)
CODES_FILE="$work/codes.txt" timeout 600 wrk -t"$threads" -c"$connections" -d"$duration" --latency \
  -s "$here/loadtest.lua" "$base" | tee "$work/wrk.txt"
end_ns=$(date +%s%N)
cpu_after=$(awk '{print $14+$15}' "/proc/$app_pid/stat")
app_cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" -v t="$ticks" -v s="$start_ns" -v e="$end_ns" \
  'BEGIN { printf "%.2f", (b - a) / t / ((e - s) / 1e9) }')

stats_code=$(head -1 "$work/codes.txt")
sample=$(curl -fsS "$base/api/v1/urls/$stats_code")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
kill -TERM "$app_pid"
for _ in $(seq 1 600); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
flushed=$(grep -o 'flushed [0-9]* buffered access counts' "$work/app.log" || echo "no flush line")

get() { grep '^RESULT' "$work/wrk.txt" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
rps=$(get rps); p50=$(get p50_ms); p90=$(get p90_ms); p99=$(get p99_ms); max=$(get max_ms)
r302=$(get redirects_302); c201=$(get created_201); l429=$(get limited_429); oth=$(get other); err=$(get errors)
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
jdk=$( (java -version 2>&1 || true) | head -1)
wrkv=$( (wrk -v 2>&1 || true) | head -1 | cut -d' ' -f1-2)

cat >"$out" <<MD
# Shortener load test

Written by \`examples/shortener/loadtest.sh\` on $(date -u +%Y-%m-%dT%H:%MZ).

**Machine:** $(nproc) cores ($cpu_model), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),
$jdk, $wrkv, $(uname -sr). **wrk and the app share the same $(nproc) cores** on loopback,
so every figure includes wrk's own CPU use; other processes on the machine were not stopped:
load average (1/5/15 min) was $load_before before the run and $load_after at its end.

**App:** \`java -jar target/shortener.jar\` on embedded defaults (two H2 file shards, L1-only
cache, local limits), creation limit raised to 100,000,000/min because wrk is a single client.
JAVA_OPTS: \`${JAVA_OPTS:-none}\`.

**Load:** \`wrk -t$threads -c$connections -d$duration --latency -s loadtest.lua\` after a 15 s warm-up,
over $codes seeded codes with Zipf-like popularity (s = $ZIPF_S) and ${CREATE_SHARE} of requests
being \`POST /api/v1/urls\` creations.

| Figure | Value |
|---|---|
| Requests/s (all) | $rps |
| Latency p50 | $p50 ms |
| Latency p90 | $p90 ms |
| Latency p99 | $p99 ms |
| Latency max | $max ms |
| 302 redirects / 201 creates / 429 / other / socket errors | $r302 / $c201 / $l429 / $oth / $err |
| App CPU during the run | $app_cpu cores of $(nproc) |

Access counts flushed at the SIGTERM stop: $flushed. Stats of the most popular code after the run:
\`$sample\`.

wrk's own latency distribution:

\`\`\`
$(sed -n '/Latency Distribution/,/requests in/p' "$work/wrk.txt")
\`\`\`
MD
echo "wrote $out"
