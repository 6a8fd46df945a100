#!/usr/bin/env bash
# Measures start-up of the built jar: process launch -> first 200 from GET /v1/models, and -> first successful chat
# completion (which includes the default config's simulated model load time). Usage: scripts/startup-time.sh [runs]
# Starts through bin/stackwatch, so with the start-up cache `./mvnw package` made; PLAIN=1 starts `java -jar` without it.
# COMPARE (another checkout, built the same way) starts that build's bin/stackwatch after this one in every run, so
# that both see the same moments of a shared machine (its speed moves by more than most changes), and prints both
# medians at the end.
# PROFILE (a folder) records a CPU flame graph of each start of this build with async-profiler (fetched from Maven
# Central by ./mvnw), one tree per thread, from launch to the first 200 on /v1/models: PROFILE/start-N.html. The
# profiler slows the start, so those runs' times are not comparable; they stop before the chat completion, and COMPARE
# is left out.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
jar=target/stackwatch.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q -DskipTests package" >&2; exit 1; }
builds=(.)
[ -n "${COMPARE:-}" ] && [ -z "${PROFILE:-}" ] && builds+=("$COMPARE")
port=18321; mport=18080
now_ms() { date +%s%3N; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A times
agent=""
if [ -n "${PROFILE:-}" ]; then
  source scripts/lib.sh
  mkdir -p "$PROFILE"
  PROFILE=$(cd "$PROFILE" && pwd)
  fetch_profiler "$PROFILE"
  agent=$PROFILER_LIB
fi
for i in $(seq "$runs"); do
  for b in "${builds[@]}"; do
    if [ "${PLAIN:-0}" = 1 ]; then launch=("$(bin/jdk-home)/bin/java" -jar "$b/$jar"); else launch=("$b/bin/stackwatch"); fi
    opts=${JAVA_OPTS-}
    # CPU time (itimer: perf events are not open to containers), sampled every millisecond, written when it exits.
    # Frames under 0.5 % of the samples are left out, which keeps a graph small enough to commit.
    [ -n "$agent" ] && opts="$opts -agentpath:$agent=start,event=itimer,interval=1ms,threads,minwidth=0.5,file=$PROFILE/start-$i.html"
    start=$(now_ms)
    JAVA_OPTS=$opts LLS_PORT=$port MANAGEMENT_PORT=$mport "${launch[@]}" >/dev/null 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1; do sleep 0.01; done
    models=$(( $(now_ms) - start ))
    if [ -n "$agent" ]; then
      kill "$pid"; wait "$pid" 2>/dev/null || true
      echo "run $i ($b): first /v1/models ${models} ms (profiled)"
      continue
    fi
    until curl -sf "http://127.0.0.1:$port/v1/chat/completions" -H 'Content-Type: application/json' \
        -d '{"model":"llama-3.2-3b-instruct-sim","messages":[{"role":"user","content":"hi"}],"max_tokens":1}' >/dev/null 2>&1; do
      sleep 0.01
    done
    chat=$(( $(now_ms) - start ))
    kill "$pid"; wait "$pid" 2>/dev/null || true
    times[$b]="${times[$b]:-} $models"
    echo "run $i ($b): first /v1/models ${models} ms, first chat completion ${chat} ms"
  done
done
[ -n "$agent" ] && exit 0
for b in "${builds[@]}"; do
  echo "$b: median first /v1/models $(echo "${times[$b]}" | median) ms over $runs runs"
done
