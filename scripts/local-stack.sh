#!/usr/bin/env bash
# One command, one machine: Stackwatch on its simulator, Prometheus with the shipped rules, Alertmanager with the
# shipped routing, and a sink that prints every notification Alertmanager sends. Everything listens on 127.0.0.1,
# keeps its data in a temporary folder, and stops when this script gets Ctrl-C or SIGTERM.
#
# usage: scripts/local-stack.sh [--fire] [--api-port N] [--management-port N] [--prometheus-port N]
#                               [--alertmanager-port N] [--sink-port N] [--keep-data]
#          --fire       after start-up, send failing requests for 30 s: the demo alert's notification follows
#          ports        default 8321, 8080, 9090, 9093, 9095, or the next free port above each
#        scripts/local-stack.sh fire [API_URL] [SECONDS]
#          make the demo alert fire on a running stack (default http://127.0.0.1:8321, 30 s)
#
# Needs: a JDK >= 21 (JAVA_HOME or PATH), curl, prometheus and alertmanager (Debian: prometheus,
# prometheus-alertmanager). STACKWATCH_CMD overrides how Stackwatch runs (default: bin/stackwatch, which runs
# target/stackwatch.jar, built first if missing, with the start-up cache the build made). Prometheus evaluates every
# 2 s here and deploy/local-stack/demo-alerts.yml adds one fast demo alert; the shipped rules and routing are used as
# shipped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

fire() {
  local api=${1:-http://127.0.0.1:8321} seconds=${2:-30}
  local end=$((SECONDS + seconds)) sent=0 failed=0 code
  echo "fire: sending requests to the model faulty-sim for ${seconds} s ($api/v1/chat/completions)"
  while ((SECONDS < end)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      -d '{"model":"faulty-sim","messages":[{"role":"user","content":"hi"}]}' "$api/v1/chat/completions" || true)
    sent=$((sent + 1))
    [[ $code == 5* ]] && failed=$((failed + 1))
    sleep 0.25
  done
  echo "fire: sent $sent requests, $failed answered 5xx"
}

if [[ ${1:-} == fire ]]; then
  shift
  fire "$@"
  exit 0
fi

API_PORT='' MANAGEMENT_PORT='' PROMETHEUS_PORT='' ALERTMANAGER_PORT='' SINK_PORT='' FIRE=0 KEEP=0
while (($#)); do
  case $1 in
    --fire) FIRE=1 ;;
    --keep-data) KEEP=1 ;;
    --api-port) API_PORT=$2; shift ;;
    --management-port) MANAGEMENT_PORT=$2; shift ;;
    --prometheus-port) PROMETHEUS_PORT=$2; shift ;;
    --alertmanager-port) ALERTMANAGER_PORT=$2; shift ;;
    --sink-port) SINK_PORT=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "local-stack: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

need() { command -v "$1" >/dev/null || { echo "local-stack: $1 is not installed ($2)" >&2; exit 1; }; }
need curl "apt-get install curl"
need prometheus "Debian: apt-get install prometheus"
ALERTMANAGER=$(command -v alertmanager || command -v prometheus-alertmanager || true)
[[ -n $ALERTMANAGER ]] || { echo "local-stack: alertmanager is not installed (Debian: prometheus-alertmanager)" >&2; exit 1; }

# A port is free when nothing accepts a connection on it; each pick also skips the ports picked before it.
PICKED=' '
pick_port() {
  local p=$1
  while [[ $PICKED == *" $p "* ]] || (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  PICKED+="$p "
  echo "$p"
}
API_PORT=${API_PORT:-$(pick_port 8321)}; PICKED+="$API_PORT "
MANAGEMENT_PORT=${MANAGEMENT_PORT:-$(pick_port 8080)}; PICKED+="$MANAGEMENT_PORT "
PROMETHEUS_PORT=${PROMETHEUS_PORT:-$(pick_port 9090)}; PICKED+="$PROMETHEUS_PORT "
ALERTMANAGER_PORT=${ALERTMANAGER_PORT:-$(pick_port 9093)}; PICKED+="$ALERTMANAGER_PORT "
SINK_PORT=${SINK_PORT:-$(pick_port 9095)}

if [[ -z ${STACKWATCH_CMD:-} ]]; then
  if [[ ! -f $ROOT/target/stackwatch.jar ]]; then
    echo "local-stack: building target/stackwatch.jar"
    (cd "$ROOT" && ./mvnw -q -DskipTests package)
  fi
  # The launcher, so the start-up cache the build made is used.
  STACKWATCH_CMD="$ROOT/bin/stackwatch"
fi
read -ra STACKWATCH <<<"$STACKWATCH_CMD"

DATA=$(mktemp -d "${TMPDIR:-/tmp}/stackwatch-local-stack.XXXXXX")
PIDS=()
SLEEPER=''
stop_all() {
  trap - EXIT INT TERM
  echo "local-stack: stopping ${PIDS[*]}"
  [[ -n $SLEEPER ]] && kill "$SLEEPER" 2>/dev/null || true
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((KEEP)); then echo "local-stack: data kept in $DATA"; else rm -rf "$DATA"; fi
  echo "local-stack: stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

await() { # what, url, pid, log
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$2" && return 0
    kill -0 "$3" 2>/dev/null || break
    sleep 0.2
  done
  echo "local-stack: $1 did not come up; its log ($4):" >&2
  tail -n 30 "$4" >&2 || true
  exit 1
}

# 1. The sink, which also writes the shipped Alertmanager config with every receiver pointed at itself.
"${STACKWATCH[@]}" alert-sink --port "$SINK_PORT" --alertmanager-config "$ROOT/deploy/alertmanager/alertmanager.yml" \
  --write "$DATA/alertmanager.yml" >"$DATA/sink.log" 2>&1 &
SINK_PID=$!
PIDS+=("$SINK_PID")
await "the notification sink" "http://127.0.0.1:$SINK_PORT/" "$SINK_PID" "$DATA/sink.log"
# Every notification the sink prints appears here too; tail ends with the sink.
tail -n 0 -F --pid="$SINK_PID" "$DATA/sink.log" 2>/dev/null &
PIDS+=("$!")

# 2. Stackwatch on the simulator.
LLS_HOST=127.0.0.1 LLS_PORT=$API_PORT MANAGEMENT_PORT=$MANAGEMENT_PORT LOG_FORMAT=text \
  "${STACKWATCH[@]}" serve --config "$ROOT/deploy/local-stack/run.yaml" >"$DATA/stackwatch.log" 2>&1 &
STACKWATCH_PID=$!
PIDS+=("$STACKWATCH_PID")

# 3. Alertmanager with the shipped routing.
"$ALERTMANAGER" --config.file="$DATA/alertmanager.yml" --storage.path="$DATA/alertmanager" \
  --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" --web.external-url="http://127.0.0.1:$ALERTMANAGER_PORT/" \
  --cluster.listen-address= >"$DATA/alertmanager.log" 2>&1 &
ALERTMANAGER_PID=$!
PIDS+=("$ALERTMANAGER_PID")

# 4. Prometheus: the shipped one-machine config aimed at this stack, the shipped rules plus the demo alert.
sed -e "s|localhost:8080|127.0.0.1:$MANAGEMENT_PORT|" -e "s|localhost:9093|127.0.0.1:$ALERTMANAGER_PORT|" \
  -e "s|^  - rules/\*.yml|  - $ROOT/deploy/prometheus/rules/*.yml\n  - $ROOT/deploy/local-stack/demo-alerts.yml|" \
  -e "s|^  scrape_interval: .*|  scrape_interval: 2s|" -e "s|^  scrape_timeout: .*|  scrape_timeout: 2s|" \
  -e "s|^  evaluation_interval: .*|  evaluation_interval: 2s|" \
  "$ROOT/deploy/prometheus/prometheus-host.yml" >"$DATA/prometheus.yml"
grep -q "demo-alerts.yml" "$DATA/prometheus.yml" && grep -q "127.0.0.1:$MANAGEMENT_PORT" "$DATA/prometheus.yml" || {
  echo "local-stack: deploy/prometheus/prometheus-host.yml changed shape; cannot aim it at this stack" >&2
  exit 1
}
prometheus --config.file="$DATA/prometheus.yml" --storage.tsdb.path="$DATA/prometheus" \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.external-url="http://127.0.0.1:$PROMETHEUS_PORT/" \
  >"$DATA/prometheus.log" 2>&1 &
PROMETHEUS_PID=$!
PIDS+=("$PROMETHEUS_PID")

await "Stackwatch" "http://127.0.0.1:$MANAGEMENT_PORT/ready" "$STACKWATCH_PID" "$DATA/stackwatch.log"
await "Alertmanager" "http://127.0.0.1:$ALERTMANAGER_PORT/-/ready" "$ALERTMANAGER_PID" "$DATA/alertmanager.log"
await "Prometheus" "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" "$PROMETHEUS_PID" "$DATA/prometheus.log"

cat <<EOF
local stack ready
  Stackwatch API      http://127.0.0.1:$API_PORT/v1   (models: llama-3.2-3b-instruct-sim, faulty-sim)
  Live console        http://127.0.0.1:$MANAGEMENT_PORT/console
  Prometheus alerts   http://127.0.0.1:$PROMETHEUS_PORT/alerts
  Alertmanager        http://127.0.0.1:$ALERTMANAGER_PORT/
  Notification sink   http://127.0.0.1:$SINK_PORT/   (every notification is also printed below)
  Data and logs       $DATA
  Make an alert fire: scripts/local-stack.sh fire http://127.0.0.1:$API_PORT
  Ctrl-C stops everything.
pids: ${PIDS[*]}
EOF

if ((FIRE)); then
  fire "http://127.0.0.1:$API_PORT" 30 &
  PIDS+=("$!")
fi

# Runs until a signal arrives or one of the servers exits; sleeping in the background lets the traps run at once.
while true; do
  for pid in "$SINK_PID" "$STACKWATCH_PID" "$ALERTMANAGER_PID" "$PROMETHEUS_PID"; do
    kill -0 "$pid" 2>/dev/null || { echo "local-stack: process $pid exited; see $DATA" >&2; KEEP=1; exit 1; }
  done
  sleep 1 &
  SLEEPER=$!
  wait "$SLEEPER" || true
done
