#!/usr/bin/env bash
# CPU flame graphs of the relay: Stackwatch (remote::openai, all telemetry on), the bare relay (the stack's floor),
# the hybrid relay (Helidon with a Netty client), the Netty + virtual thread relay (Netty's server, each request
# handled on a virtual thread) and the Netty relay (an event-loop core) in front of `stackwatch simulate`, with
# scripts/proxy-overhead.sh's set-up and load, for whole and streamed chat completions, and the hybrid relay and
# Stackwatch for streams that arrive a token per read. async-profiler (tools.profiler:async-profiler from
# Maven Central) samples each proxy's CPU every millisecond over one measured run after the warm-up. Writes
# docs/profiles/<path>-<whole|streamed|streamed-per-token>.html and docs/profiles/top-frames.txt: per profile, the
# share of samples in the JIT compiler, the share of each library (by the innermost frame of a known library in each
# stack), and the costs below the last Stackwatch frame of each stack (which of Stackwatch's calls the CPU goes to).
# Needs what proxy-overhead.sh needs.
# Usage: scripts/profile-relay.sh [rate_per_second] [duration_seconds]; WARMUP (default 60), PATHS as there.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${1:-500}
DURATION=${2:-20}
RAW=target/profiles
OUT=docs/profiles
rm -rf "$RAW" && mkdir -p "$RAW" "$OUT"
export PATHS=${PATHS:-bare-relay hybrid-relay netty-vt-relay netty-relay stackwatch}
export WARMUP=${WARMUP:-60} ROUNDS=1 PROFILE=$RAW
STREAM=0 NO_BUILD=${NO_BUILD:-0} scripts/proxy-overhead.sh "$RATE" "$DURATION" 20
STREAM=1 NO_BUILD=1 scripts/proxy-overhead.sh "$RATE" "$DURATION" 20
# Streams as a model server sends them, a token per read 2 ms apart (<path>-streamed-per-token): each answer lasts
# about 55 ms, so fewer a second over more connections.
PATHS="hybrid-relay stackwatch" STREAM=1 ITL_MS=2 NO_BUILD=1 scripts/proxy-overhead.sh 300 "$DURATION" 64
cp "$RAW"/*.html "$OUT"/

# The collapsed stacks (one line per stack: frames joined by ';', then its sample count) are too big to commit;
# their summary is not.
python3 - "$RAW"/*.collapsed >"$OUT/top-frames.txt" <<'PY'
import collections, sys
LIBRARIES = [('dev/stackwatch/bench/', 'the relay itself'), ('dev/stackwatch/', 'Stackwatch'),
             ('io/helidon/', 'Helidon'), ('org/apache/hc/', 'HttpClient 5'), ('io/netty/', 'Netty'),
             ('com/fasterxml/', 'Jackson'), ('ch/qos/logback/', 'logback'), ('org/slf4j/', 'logback'),
             ('io/opentelemetry/', 'OpenTelemetry'), ('io/prometheus/', 'Prometheus client')]
for path in sys.argv[1:]:
    total = jit = 0
    below = collections.Counter()
    libraries = collections.Counter()
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(' ')
        count = int(count)
        total += count
        frames = stack.split(';')
        if any(f.startswith('CompileBroker::') for f in frames):
            jit += count
            continue
        library = next((name for f in reversed(frames) for prefix, name in LIBRARIES if f.startswith(prefix)),
                       'the JDK and the kernel (threads, sockets, GC)')
        libraries[library] += count
        own = [i for i, f in enumerate(frames) if f.startswith('dev/stackwatch/') and 'ambda' not in f]
        if own:
            i = own[-1]
            below[frames[i] + ' -> ' + (frames[i + 1] if i + 1 < len(frames) else '(itself)')] += count
    name = path.rsplit('/', 1)[-1].removesuffix('.collapsed')
    print(f'== {name}: {total} samples; JIT compiler threads {100 * jit / max(total, 1):.1f}%')
    print('   share  library (innermost frame of a known library)')
    for name, count in libraries.most_common():
        print(f'  {100 * count / max(total, 1):5.1f}%  {name}')
    print('   share  last Stackwatch frame -> what it called')
    for key, count in below.most_common(15):
        print(f'  {100 * count / max(total, 1):5.1f}%  {key}')
    print()
PY
cat "$OUT/top-frames.txt"
