#!/usr/bin/env bash
# Runs the JMH benchmarks against a Redis this script starts and stops itself.
#   benchmarks/run.sh                       # everything (long)
#   benchmarks/run.sh 'RedisScriptBenchmark' # a regex of benchmarks, passed to JMH
#   benchmarks/run.sh 'Breaker' -prof gc     # extra JMH flags after the regex
# Results: benchmarks/results/<timestamp>-<regex>.json (JMH JSON) and the console table.
# Settings can be overridden: JMH_FLAGS="-f 1 -wi 3 -w 2s -i 5 -r 2s" benchmarks/run.sh ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
regex="${1:-.*}"
shift || true
flags="${JMH_FLAGS:--f 1 -wi 3 -w 2s -i 5 -r 3s}"

if [[ ! -f "$here/target/benchmarks.jar" || "${REBUILD:-0}" == "1" ]]; then
  (cd "$root" && mvn -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true)
fi

redis_bin="$(command -v redis-server || true)"
if [[ -z "$redis_bin" ]]; then
  echo "redis-server not found; install it (apt-get install redis-server)" >&2
  exit 1
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
workdir="$(mktemp -d)"
"$redis_bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$workdir" \
  --daemonize yes --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log"
cleanup() {
  kill "$(cat "$workdir/redis.pid" 2>/dev/null)" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
safe="$(echo "$regex" | tr -c 'A-Za-z0-9' '_' | cut -c1-40)"
out="$here/results/${stamp}-${safe}.json"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $("$redis_bin" --version | cut -d' ' -f3)"
HEADROOM_BENCH_REDIS_URL="redis://127.0.0.1:$port" \
  java -jar "$here/target/benchmarks.jar" "$regex" $flags -rf json -rff "$out" "$@"
echo "JMH JSON written to $out"
