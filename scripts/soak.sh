#!/usr/bin/env bash
# Soak test: runs Stackwatch for DURATION_S seconds at RATE requests/s of mixed traffic with simulator faults
# (error_rate 5%, clients hanging up mid-stream, bad requests, missing API keys), sampling the server's heap after GC,
# threads, file descriptors and connections every SAMPLE_S seconds. Fails if any of them trends upward over the
# second half of the run (see src/test/java/dev/stackwatch/soak/). Usage: scripts/soak.sh [DURATION_S] [RATE]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION_S=${1:-600}
RATE=${2:-40}
SAMPLE_S=${SAMPLE_S:-5}
PORT=${SOAK_PORT:-18321}
OUT=${SOAK_OUT:-target/soak}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

source scripts/lib.sh
build_app "$OUT"
SOAK_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SOAK_TOKEN
cat > "$OUT/run.yaml" <<YAML
version: 2
providers:
  inference:
  - provider_id: simulator
    provider_type: inline::simulator
    config: {ttft_ms: 20, inter_token_ms: 5, jitter: 0.2, error_rate: 0.05, min_tokens: 8, max_tokens: 32}
registered_resources:
  models:
  - {model_id: sim-chat, provider_id: simulator, model_type: llm}
  - {model_id: sim-embed, provider_id: simulator, model_type: embedding, metadata: {embedding_dimension: 256}}
server:
  host: 127.0.0.1
  port: $PORT
  management_port: $((PORT + 1))
  auth:
    api_keys:
    - name: soak
      token: \${env.SOAK_TOKEN}
YAML

start_server "$OUT" "$OUT/run.yaml" 512m "$PORT"
echo "soak: server pid $SERVER_PID on :$PORT, ${DURATION_S}s at ${RATE}/s, samples every ${SAMPLE_S}s"
java -cp "$APP_CP" dev.stackwatch.soak.SoakRunner \
  --pid "$SERVER_PID" --port "$PORT" --duration-s "$DURATION_S" --rate "$RATE" --sample-s "$SAMPLE_S" --out "$OUT"
