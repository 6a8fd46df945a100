#!/usr/bin/env bash
# Quota overhead under load: the same closed-loop load (stackwatch bench) against three servers that differ only in
# server.usage: no quotas, quotas in the memory store, quotas in Redis (a local redis-server this script starts).
# The load is anonymous (no auth), so the quotas are those of the "anonymous" key, set far above the load so nothing
# is refused: what differs is the quota check itself. The simulator answers at once (no token delays), so the
# server's own work dominates. Needs redis-server and a JDK >= 21; builds the project first.
# Usage: scripts/quota-overhead.sh [duration_seconds] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONCURRENCY=${2:-8}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
source scripts/lib.sh
build_app "$WORK"
JAR="$WORK/app/stackwatch.jar"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

config() { # $1 = usage block (may be empty)
  cat <<YAML
version: 2
providers:
  inference:
  - provider_id: simulator
    provider_type: inline::simulator
    config: {ttft_ms: 0, inter_token_ms: 0, jitter: 0, min_tokens: 16, max_tokens: 16}
registered_resources:
  models:
  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
server:
$1
YAML
}
QUOTAS='    prices: {sim-chat: {input_per_million: 1, output_per_million: 2}}
    quotas: {anonymous: {requests_per_minute: 1000000000, tokens_per_minute: 1000000000000, spend_per_month: 1000000}}'
config "" > "$WORK/none.yaml"
config "  usage:
$QUOTAS" > "$WORK/memory.yaml"
config "  usage:
$QUOTAS
    store: {type: redis, url: \"redis://127.0.0.1:$REDIS_PORT\", timeout_ms: 500}" > "$WORK/redis.yaml"

for variant in none memory redis; do
  PORT=$(free_port)
  LLS_PORT=$PORT MANAGEMENT_PORT=$(free_port) java -Xmx512m -jar "$JAR" serve --config "$WORK/$variant.yaml" \
    >"$WORK/$variant.log" 2>&1 &
  PID=$!
  PIDS+=($PID)
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/v1/health" >/dev/null && break; sleep 0.2; done
  # Warm-up, then the measured run.
  java -jar "$JAR" bench --url "http://127.0.0.1:$PORT/v1" --model sim-chat --concurrency "$CONCURRENCY" \
    --duration 10s --max-tokens 16 --prompt-tokens 16 --no-progress >/dev/null
  echo "== $variant"
  java -jar "$JAR" bench --url "http://127.0.0.1:$PORT/v1" --model sim-chat --concurrency "$CONCURRENCY" \
    --duration "${DURATION}s" --max-tokens 16 --prompt-tokens 16 --no-progress
  kill "$PID"
done
