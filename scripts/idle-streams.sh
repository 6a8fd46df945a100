#!/usr/bin/env bash
# Holds STREAMS (default 10000) streaming chat completions open at once against a simulator that waits 10 minutes
# between tokens, and reports the server's memory, threads and descriptors per open stream.
# Usage: scripts/idle-streams.sh [STREAMS]
set -euo pipefail
cd "$(dirname "$0")/.."
STREAMS=${1:-10000}
PORT=${STREAMS_PORT:-18521}
OUT=${STREAMS_OUT:-target/idle-streams}
# Each stream costs a descriptor at both ends; the default soft limit (1024) would stop far short.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((STREAMS + 1000)) ] || { echo "idle-streams: ulimit -n $(ulimit -n) is too low" >&2; exit 1; }

source scripts/lib.sh
build_app "$OUT"
cat > "$OUT/run.yaml" <<YAML
version: 2
providers:
  inference:
  - provider_id: simulator
    provider_type: inline::simulator
    config: {ttft_ms: 5, inter_token_ms: 600000, jitter: 0, min_tokens: 4, max_tokens: 4}
registered_resources:
  models:
  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
server:
  host: 127.0.0.1
  port: $PORT
  management_port: $((PORT + 1))
  limits: {max_concurrent_streams: $((STREAMS + 100)), max_connections: $((STREAMS + 1000))}
YAML

start_server "$OUT" "$OUT/run.yaml" 1g "$PORT"
java -Xmx1g -cp "$APP_CP" dev.stackwatch.soak.IdleStreams \
  --pid "$SERVER_PID" --port "$PORT" --streams "$STREAMS"
