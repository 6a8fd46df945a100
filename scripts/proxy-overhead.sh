#!/usr/bin/env bash
# Proxy overhead: the same fixed-rate load (hey) sent straight to an upstream, through nginx (a plain reverse proxy),
# through a bare Helidon relay (src/test/java/dev/stackwatch/bench/BareRelay.java: Stackwatch's server and client
# libraries with nothing else, the floor for this stack), through an event-loop relay (bench/NettyRelay.java: Netty,
# each client connection paired with an upstream one on the same thread, the floor another relay core would give)
# through Helidon with a Netty client (bench/HybridRelay.java: what replacing only the upstream client would give),
# through Netty's server handing each request to a virtual thread (bench/NettyVirtualThreadRelay.java: an event-loop
# listener with blocking handlers, what stage 2 would build) and through Stackwatch (remote::openai), so the latency
# Stackwatch adds can be read against known baselines. The upstream is the simulator (`stackwatch simulate`) with a
# fixed time to first token. Needs: hey, nginx and a JDK >= 21 (JAVA_HOME or PATH); builds the project first.
# Usage: scripts/proxy-overhead.sh [rate_per_second] [duration_seconds] [connections]
# STREAM=1 asks for streamed answers (SSE, 16 chunks and [DONE]); hey's latency is then to the end of the stream.
# API=responses sends POST /v1/responses instead (the simulator acting as a distribution, Stackwatch in front of it
# with remote::llama-stack, relaying the bytes while it reads the events); the bare relay, chat-only, is skipped
# (the Netty relay relays any route; the hybrid relay is chat-only too).
# WARMUP (seconds, default 60) of the same load precedes each path's first measured run: a JVM proxy's CPU per
# request keeps falling for about a minute at 500/s while the JIT compiles. A JVM proxy then keeps warming in 10 s
# slices while its compiler threads took more than WARM_JIT_PERCENT (default 5) of its CPU in the last slice, up to
# WARMUP_MAX seconds (default 240), so that every row is steady state; the "jit %" column says how much of the
# measured CPU was still compilation. ROUNDS (default 2) repeats every path.
# PATHS (default "direct nginx bare-relay hybrid-relay netty-vt-relay netty-relay stackwatch") picks the paths.
# TTFT_MS (default 20) is the upstream's time to first token. ITL_MS (default 0) is its time between tokens: above 0 a
# streamed answer arrives one token per read, as a model server sends it, and every path relays each token as a write
# of its own. A rate of 0 sends as fast as the connections allow: with TTFT_MS=0 that saturates the machine, and req/s
# is then the CPU-bound rate (the CPU-bound run in docs/benchmarks.md).
# PROFILE (a folder) records a CPU flame graph of each JVM proxy with async-profiler
# (fetched from Maven Central by ./mvnw) over the first round, as <path>-<whole|streamed>.html and .collapsed
# (text, for scripts/profile-relay.sh's top frames); <path>-streamed-per-token.* when ITL_MS is above 0.
# PROFILE_EVENT (default "itimer,interval=1ms", CPU time) picks another of async-profiler's events, e.g.
# "alloc,alloc=16k" (bytes allocated) or
# "java.lang.VirtualThread.yieldContinuation,interval=1" (every call of a Java method, counted with its stack).
# STACKWATCH_JVM_OPTS (e.g. "-Xms512m -Xlog:gc:file=gc.log") go to the Stackwatch JVMs (stackwatch and compare);
# COMPARE_JVM_OPTS, when set, replace them for compare, so that one jar can be paired with itself under other flags
# (COMPARE_JAR=target/stackwatch.jar STACKWATCH_JVM_OPTS=-XX:+UseSerialGC COMPARE_JVM_OPTS=" ").
# NO_BUILD=1 reuses the previous run's build, and refuses to when target/stackwatch.jar is newer than that copy.
# COMPARE_JAR (another build's stackwatch.jar, e.g. of the main branch) adds the path "compare": a second Stackwatch
# from that jar with the same configuration, for an A/B in one run.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-200}
WARMUP=${WARMUP:-60}
WARMUP_MAX=${WARMUP_MAX:-240}
WARM_JIT_PERCENT=${WARM_JIT_PERCENT:-5}
ROUNDS=${ROUNDS:-2}
STREAM=${STREAM:-0}
API=${API:-chat}
DURATION=${2:-20}
CONNECTIONS=${3:-20}
PATHS=${PATHS:-direct nginx bare-relay hybrid-relay netty-vt-relay netty-relay stackwatch}
TTFT_MS=${TTFT_MS:-20}
ITL_MS=${ITL_MS:-0}
PROFILE=${PROFILE:-}
PROFILE_EVENT=${PROFILE_EVENT:-itimer,interval=1ms}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# The JVM proxies keep their compiler threads: HotSpot otherwise ends idle ones, and their CPU would drop out of the
# "jit %" sums.
JIT_STEADY="-XX:+UnlockDiagnosticVMOptions -XX:-ReduceNumberOfCompilerThreads"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$WORK"/*.log "$WORK"/*.txt "$KEEP"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
KEEP=${KEEP_LOGS:-}   # set to a folder to keep the servers' logs there

source scripts/lib.sh
if [ "${NO_BUILD:-0}" = 1 ] && [ -f target/proxy-overhead/app/stackwatch.jar ]; then   # reuse the last build's copy
  # A copy older than the tree's jar measures a build that is no longer the tree's: say so rather than mislead.
  if [ target/stackwatch.jar -nt target/proxy-overhead/app/stackwatch.jar ]; then
    echo "NO_BUILD=1: target/proxy-overhead/app holds an older build than target/stackwatch.jar; run once without" \
      "NO_BUILD to copy the current one" >&2
    exit 2
  fi
  APP_CP="target/proxy-overhead/app/test-classes:target/proxy-overhead/app/classes:$(cat target/test-classpath.txt)"
else
  build_app target/proxy-overhead
fi
JAR=target/proxy-overhead/app/stackwatch.jar

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_http URL [CURL_FLAGS]: -fs by default (a 2xx); -s takes any HTTP status as "listening".
wait_http() {
  for _ in $(seq 1 150); do
    if curl "${2:--fs}" -o /dev/null "$1"; then return 0; fi
    sleep 0.2
  done
  echo "bench: $1 did not come up" >&2
  exit 1
}

UPSTREAM=$(free_port)
"$JAVA" -jar "$JAR" simulate --port "$UPSTREAM" --ttft-ms "$TTFT_MS" --inter-token-ms "$ITL_MS" --jitter 0 \
  >"$WORK/simulator.log" 2>&1 &
UPSTREAM_PID=$!
PIDS+=($UPSTREAM_PID)

STACKWATCH=$(free_port)
MANAGEMENT=$(free_port)
if [ "$API" = responses ]; then
  PROVIDER="{provider_id: upstream, provider_type: remote::llama-stack, config: {url: \"http://127.0.0.1:$UPSTREAM\", max_concurrency: 256}}"
else
  PROVIDER="{provider_id: upstream, provider_type: remote::openai, config: {base_url: \"http://127.0.0.1:$UPSTREAM/v1\", max_concurrency: 256}}"
fi
cat >"$WORK/run.yaml" <<YAML
version: 2
providers:
  inference:
  - $PROVIDER
registered_resources:
  models:
  - {model_id: sim-llama, provider_id: upstream, model_type: llm}
server: {host: 127.0.0.1, port: $STACKWATCH, management_port: $MANAGEMENT}
YAML
wait_http "http://127.0.0.1:$UPSTREAM/v1/models"
"$JAVA" $JIT_STEADY ${STACKWATCH_JVM_OPTS-} -jar "$JAR" serve --config "$WORK/run.yaml" >"$WORK/stackwatch.log" 2>&1 &
STACKWATCH_PID=$!
PIDS+=($STACKWATCH_PID)
COMPARE=0 COMPARE_PID=0
if [ -n "${COMPARE_JAR:-}" ]; then
  COMPARE=$(free_port)
  sed -e "s/port: $STACKWATCH,/port: $COMPARE,/" -e "s/management_port: $MANAGEMENT/management_port: $(free_port)/" \
    "$WORK/run.yaml" >"$WORK/compare.yaml"
  "$JAVA" $JIT_STEADY ${COMPARE_JVM_OPTS-${STACKWATCH_JVM_OPTS-}} -jar "$COMPARE_JAR" serve --config "$WORK/compare.yaml" >"$WORK/compare.log" 2>&1 &
  COMPARE_PID=$!
  PIDS+=($COMPARE_PID)
  PATHS="$PATHS compare"
fi

NGINX=$(free_port)
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
master_process off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  upstream simulator { server 127.0.0.1:$UPSTREAM; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX;
    location / {
      proxy_pass http://simulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=($NGINX_PID)

# The relays built from the test classes, each only when PATHS measures it: start_relay PATH CLASS VAR sets VAR (its
# port) and VAR_PID, and waits until it listens (any HTTP status: the bare and hybrid relays have one POST route).
start_relay() {
  case " $PATHS " in *" $1 "*) ;; *) return 0 ;; esac
  if [ "$API" = responses ] && [ "$1" != netty-relay ]; then return 0; fi   # chat-only relays
  local port
  port=$(free_port)
  "$JAVA" $JIT_STEADY -cp "$APP_CP" "dev.stackwatch.bench.$2" "$port" "http://127.0.0.1:$UPSTREAM" \
    >"$WORK/$2.log" 2>&1 &
  PIDS+=($!)
  printf -v "$3" '%s' "$port"
  printf -v "$3_PID" '%s' "$!"
  wait_http "http://127.0.0.1:$port/" -s
}
BARE=0 BARE_PID=0 HYBRID=0 HYBRID_PID=0 NETTY_VT=0 NETTY_VT_PID=0 NETTY=0 NETTY_PID=0
start_relay bare-relay BareRelay BARE
start_relay hybrid-relay HybridRelay HYBRID
start_relay netty-vt-relay NettyVirtualThreadRelay NETTY_VT
start_relay netty-relay NettyRelay NETTY

wait_http "http://127.0.0.1:$NGINX/v1/models"
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$STACKWATCH/v1/models" | grep -q '"state":"ready"' && break
  sleep 0.2
done
for _ in $(seq 1 150); do
  [ "$COMPARE" = 0 ] && break
  curl -fs "http://127.0.0.1:$COMPARE/v1/models" | grep -q '"state":"ready"' && break
  sleep 0.2
done

STREAM_FIELD=$([ "$STREAM" = 1 ] && echo true || echo false)
BODY='{"model": "sim-llama", "max_tokens": 16, "stream": '$STREAM_FIELD', "messages": [{"role": "user", "content": "hello"}]}'
ROUTE=/v1/chat/completions
if [ "$API" = responses ]; then
  BODY='{"model": "sim-llama", "max_output_tokens": 16, "stream": '$STREAM_FIELD', "input": "hello"}'
  ROUTE=/v1/responses
fi
# hey's -q is a rate per connection: the total rate is RATE spread over CONNECTIONS (0: no limit).
PER_CONNECTION=$(( (RATE + CONNECTIONS - 1) / CONNECTIONS ))

PROFILER_LIB=
if [ -n "$PROFILE" ]; then
  fetch_profiler "$WORK"
  mkdir -p "$PROFILE"
fi
# Starts or stops async-profiler in a running JVM (loaded as an agent through jcmd, as asprof does). CPU time is
# sampled every millisecond (itimer: perf events are not open to containers); frames under 0.5% of the samples
# are left out of the flame graph, which keeps it small enough to commit.
# jcmd would split the options at '=' and ' ' unless quoted; the agent's status comes back as "return code: N".
profiler() {
  "${JAVA_HOME:+$JAVA_HOME/bin/}jcmd" "$1" JVMTI.agent_load "$PROFILER_LIB" "\"$2\"" | grep -q 'return code: 0' \
    || { echo "bench: async-profiler refused '$2' (see the proxy's log)" >&2; exit 1; }
}

# CPU time (user + system, in clock ticks) a process has used so far; 0 for "no process".
cpu_ticks() { if [ "$1" = 0 ]; then echo 0; else awk '{print $14 + $15}' "/proc/$1/stat"; fi; }
# The part of it that a JVM's JIT compiler threads used. Their names ("C2 CompilerThre") hold a space, so the fields
# are counted after the name's closing parenthesis; a thread that ends meanwhile is skipped.
jit_ticks() {
  if [ "$1" = 0 ]; then echo 0; else
    for task in /proc/"$1"/task/*; do
      if grep -q Compiler "$task/comm" 2>/dev/null; then
        awk '{sub(/.*\) /, ""); print $12 + $13}' "$task/stat" 2>/dev/null || true
      fi
    done | awk '{n += $1} END {print n + 0}'
  fi
}
# Context switches (voluntary and not) of all of a process's threads so far: each one on a request's path is a thread
# handing work to another and waiting to be woken, which costs latency even when the CPUs are idle.
switches() {
  if [ "$1" = 0 ]; then echo 0; else
    cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n + 0}'
  fi
}
# $1 (a count over the run) per request, times $3, with $4 decimals; "-" for no requests.
per_request() {
  awk -v d="$1" -v n="${2:-0}" -v scale="$3" -v digits="${4:-0}" \
    'BEGIN {if (n > 0) printf "%.*f\n", digits, d * scale / n; else print "-"}'
}

# hey's fixed load against a port for some seconds; its report on stdout.
load() {
  hey -z "${2}s" -c "$CONNECTIONS" -q "$PER_CONNECTION" -m POST -T application/json -d "$BODY" \
    "http://127.0.0.1:$1$ROUTE"
}

run() {
  local name=$1 port=$2 proxy_pid=$3 warmup=$4 warmed=$4 cpu0 cpu1 jit0 jit1
  if [ "$warmup" -gt 0 ]; then
    load "$port" "$warmup" >/dev/null
    # Until the JIT has (nearly) finished: nginx has none, a JVM proxy's compiler threads go quiet.
    cpu0=$(cpu_ticks "$proxy_pid"); jit0=$(jit_ticks "$proxy_pid")
    # jit0 is 0 for a process without a JIT (nginx) or without a proxy (direct).
    while [ "$jit0" -gt 0 ] && [ "$warmed" -lt "$WARMUP_MAX" ]; do
      load "$port" 10 >/dev/null
      warmed=$((warmed + 10))
      cpu1=$(cpu_ticks "$proxy_pid"); jit1=$(jit_ticks "$proxy_pid")
      awk -v j=$((jit1 - jit0)) -v c=$((cpu1 - cpu0)) -v limit="$WARM_JIT_PERCENT" \
        'BEGIN {exit !(c > 0 && 100 * j / c > limit)}' || break
      cpu0=$cpu1; jit0=$jit1
    done
    [ "$proxy_pid" = 0 ] || echo "  $name: warmed up for ${warmed}s" >&2
  fi
  local proxy0 upstream0 proxy1 upstream1 switches0 switches1
  local profiling=
  if [ -n "$PROFILER_LIB" ] && [ "$warmup" -gt 0 ] && [ "$name" != direct ] && [ "$name" != nginx ]; then
    profiling=$PROFILE/$name-$([ "$STREAM" = 1 ] && echo streamed || echo whole)
    [ "$ITL_MS" = 0 ] || profiling=$profiling-per-token
    profiling=$profiling.html
    profiler "$proxy_pid" "start,event=$PROFILE_EVENT"
  fi
  proxy0=$(cpu_ticks "$proxy_pid"); upstream0=$(cpu_ticks "$UPSTREAM_PID"); switches0=$(switches "$proxy_pid")
  jit0=$(jit_ticks "$proxy_pid")
  load "$port" "$DURATION" >"$WORK/$name.txt"
  proxy1=$(cpu_ticks "$proxy_pid"); upstream1=$(cpu_ticks "$UPSTREAM_PID"); switches1=$(switches "$proxy_pid")
  jit1=$(jit_ticks "$proxy_pid")
  if [ -n "$profiling" ]; then
    # The same samples as text too, one stack a line with its count, for reading the top frames.
    profiler "$proxy_pid" "dump,collapsed,file=$(realpath "${profiling%.html}").collapsed"
    profiler "$proxy_pid" "stop,minwidth=0.5,title=$(basename "$profiling" .html)${ROUTE//\//_},file=$(realpath "$profiling")"
  fi
  local rps p50 p90 p99 ok proxy_cpu upstream_cpu proxy_switches jit_share
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/$name.txt")
  p50=$(awk '/ 50% in/ {print $3*1000}' "$WORK/$name.txt")
  p90=$(awk '/ 90% in/ {print $3*1000}' "$WORK/$name.txt")
  p99=$(awk '/ 99% in/ {print $3*1000}' "$WORK/$name.txt")
  # The status line alone ("  [200]<tab>10000 responses"): another line naming [200] once made this two words.
  ok=$(awk '/^[[:space:]]*\[200\][[:space:]]/ {print $2; exit}' "$WORK/$name.txt")
  # CPU per request in microseconds: 100 clock ticks per second.
  upstream_cpu=$(per_request $((upstream1 - upstream0)) "$ok" 10000)
  if [ "$proxy_pid" = 0 ]; then
    proxy_cpu=-; proxy_switches=-; jit_share=-
  else
    jit_share=$(per_request $((jit1 - jit0)) $((proxy1 - proxy0)) 100)
    proxy_cpu=$(per_request $((proxy1 - proxy0)) "$ok" 10000)
    proxy_switches=$(per_request $((switches1 - switches0)) "$ok" 1 1)
  fi
  printf '| %-11s | %8s | %8s | %8s | %8s | %8s | %9s | %11s | %16s | %5s |\n' "$name" "$rps" "$p50" "$p90" "$p99" \
    "${ok:-0}" "$proxy_cpu" "$upstream_cpu" "$proxy_switches" "$jit_share"
  # Anything but 200 is worth seeing: it is a failure, not a latency.
  awk '/Status code distribution/ {on=1; next} on && /\[/ && !/\[200\]/ {print "  " name ": " $0} /^$/ {on=0}' \
    name="$name" "$WORK/$name.txt" >&2
  grep -A5 '^Error distribution' "$WORK/$name.txt" | sed "s/^/  $name: /" >&2 || true
}

echo "rate ${RATE}/s (0: unlimited) for ${DURATION}s over ${CONNECTIONS} connections; upstream time to first token" \
  "${TTFT_MS} ms, ${ITL_MS} ms between tokens, 16 tokens;" \
  "stream: $STREAM_FIELD; route $ROUTE"
echo "warm-up ${WARMUP}-${WARMUP_MAX}s per path, ${ROUNDS} rounds; cpu columns: CPU time per request (user + system, microseconds)"
echo "of the proxy and of the upstream; switches: the proxy's context switches per request (all threads); jit %: share"
echo "of the proxy's measured CPU spent by its JIT compiler threads"
echo "| path        | req/s    | p50 ms   | p90 ms   | p99 ms   | 200s     | proxy cpu | upstream cpu | proxy switches | jit % |"
echo "|-------------|----------|----------|----------|----------|----------|-----------|--------------|----------------|-------|"
for round in $(seq 1 "$ROUNDS"); do
  warmup=$([ "$round" = 1 ] && echo "$WARMUP" || echo 0)
  for path in $PATHS; do
    case $path in
      direct) run direct "$UPSTREAM" 0 "$warmup" ;;
      nginx) run nginx "$NGINX" "$NGINX_PID" "$warmup" ;;
      bare-relay) [ "$API" = responses ] || run bare-relay "$BARE" "$BARE_PID" "$warmup" ;;
      hybrid-relay) [ "$API" = responses ] || run hybrid-relay "$HYBRID" "$HYBRID_PID" "$warmup" ;;
      netty-vt-relay) [ "$API" = responses ] || run netty-vt-relay "$NETTY_VT" "$NETTY_VT_PID" "$warmup" ;;
      netty-relay) run netty-relay "$NETTY" "$NETTY_PID" "$warmup" ;;
      stackwatch) run stackwatch "$STACKWATCH" "$STACKWATCH_PID" "$warmup" ;;
      compare) run compare "$COMPARE" "$COMPARE_PID" "$warmup" ;;
      *) echo "bench: unknown path $path" >&2; exit 1 ;;
    esac
  done
done
