#!/usr/bin/env bash
# What one Stackwatch pod can relay, to set the HPA's targets (deploy/kubernetes/base/hpa.yaml, docs/benchmarks.md
# "HPA targets"). A simulated vLLM (`stackwatch simulate`) behind Stackwatch (remote::vllm, max_concurrency 64, the
# default); the built-in `bench` client streams chat completions in a closed loop at rising concurrency. For each
# level: throughput, client-side time to first token, the gateway's CPU (cores, from /proc), and the in-flight gauge
# the HPA reads. Then the same concurrency against a 3x slower upstream: in-flight is what the backend's speed makes it
# (Little's law), not work the gateway does.
# Usage: scripts/hpa-capacity.sh [seconds_per_level] [levels]      e.g. scripts/hpa-capacity.sh 15 "8 16 32 64 96"
# Needs a JDK >= 21 (JAVA_HOME or PATH) and curl; builds the jar unless NO_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_LEVEL=${1:-15}
LEVELS=${2:-"8 16 32 64 96"}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[ "${NO_BUILD:-0}" = 1 ] || ./mvnw -B -q -o -DskipTests -Daot.skip=true package
cp target/stackwatch.jar "$WORK/"
JAR=$WORK/stackwatch.jar
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
  for _ in $(seq 1 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "no answer from $1" >&2; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
in_flight() { curl -fs "http://127.0.0.1:$1/metrics" | awk '/^llamastack_requests_in_flight /{print $2}'; }

run_upstream_and_gateway() { # $1 inter-token ms
  UP=$(free_port); API=$(free_port); MGMT=$(free_port)
  "$JAVA" -jar "$JAR" simulate --port "$UP" --models sim-llama --ttft-ms 80 --inter-token-ms "$1" --jitter 0.1 \
    > "$WORK/upstream.log" 2>&1 & PIDS+=($!)
  cat > "$WORK/run.yaml" <<YAML
version: 2
providers:
  inference:
  - provider_id: vllm
    provider_type: remote::vllm
    config: {url: "http://127.0.0.1:$UP/v1", max_concurrency: 64}
registered_resources:
  models:
  - {model_id: sim-llama, provider_id: vllm, model_type: llm}
server: {port: $API, management_port: $MGMT}
YAML
  wait_http "http://127.0.0.1:$UP/v1/models"
  "$JAVA" -Xmx512m -XX:ActiveProcessorCount=2 -jar "$JAR" serve --config "$WORK/run.yaml" > "$WORK/server.log" 2>&1 &
  GW=$!; PIDS+=($GW)
  wait_http "http://127.0.0.1:$API/v1/health"
}

level() { # $1 concurrency, $2 label
  local before after hz=$(getconf CLK_TCK) peak=0 f
  "$JAVA" -jar "$JAR" bench --url "http://127.0.0.1:$API/v1" --model sim-llama --stream --concurrency "$1" \
    --duration "${SECONDS_PER_LEVEL}s" --max-tokens 64 --no-progress --json "$WORK/b.json" > "$WORK/bench.txt" 2>&1 &
  local bench=$!
  sleep 3   # bench start-up, outside the CPU window
  before=$(cpu_ticks "$GW"); local t0=$(date +%s.%N)
  for _ in $(seq 1 $((SECONDS_PER_LEVEL - 6))); do
    f=$(in_flight "$MGMT"); peak=$(python3 -c "print(max($peak, ${f:-0}))"); sleep 1
  done
  after=$(cpu_ticks "$GW"); local t1=$(date +%s.%N)
  wait "$bench"
  python3 - "$WORK/b.json" "$1" "$2" "$before" "$after" "$t0" "$t1" "$hz" "$peak" <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); c, label = sys.argv[2], sys.argv[3]
cores = (int(sys.argv[5]) - int(sys.argv[4])) / int(sys.argv[8]) / (float(sys.argv[7]) - float(sys.argv[6]))
t, ttft = b["totals"], b["ttft"]
print(f"| {label} | {c} | {t['requests_per_second']:.1f} | {ttft['p50']:.0f} | {ttft['p99']:.0f} | {cores:.2f} | {float(sys.argv[9]):.0f} | {t['failed']} |")
PY
}

echo "| upstream | concurrency | req/s | TTFT p50 ms | TTFT p99 ms | gateway cores | in-flight (peak) | failed |"
echo "|---|---|---|---|---|---|---|---|"
run_upstream_and_gateway 20
level 32 warm-up > /dev/null
for c in $LEVELS; do level "$c" "20 ms/token"; done
for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=()
run_upstream_and_gateway 60
level 32 warm-up > /dev/null
level 32 "60 ms/token"
