# Shared by the scripts that source it: build, copy, start a server and wait until it answers; fetch the profiler.

# Builds the jar and test classes and copies them to $1/app, so rebuilding the tree during a long run cannot swap
# classes under the running processes. Sets APP_CP, the classpath of the load generators.
build_app() {
  local out=$1
  ./mvnw -B -q -o -DskipTests -Daot.skip=true package
  ./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
  rm -rf "$out/app" && mkdir -p "$out/app"
  cp -r target/stackwatch.jar target/classes target/test-classes "$out/app/"
  APP_CP="$out/app/test-classes:$out/app/classes:$(cat target/test-classpath.txt)"
}

# Starts the copied server with config $2 and heap $3, stops it when the script exits, and waits up to 20 s for
# GET /v1/health on port $4. Sets SERVER_PID.
start_server() {
  local out=$1 config=$2 heap=$3 port=$4
  java "-Xmx$heap" -jar "$out/app/stackwatch.jar" serve --config "$config" > "$out/server.log" 2>&1 &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/v1/health" >/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "server did not start; see $out/server.log" >&2
  exit 1
}

# Fetches async-profiler (tools.profiler:async-profiler from Maven Central, through ./mvnw) and unpacks its agent
# into $1. Sets PROFILER_LIB, the agent's path for -agentpath or jcmd's JVMTI.agent_load.
fetch_profiler() {
  ./mvnw -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.2:jar:linux-x64
  unzip -o -q "$HOME/.m2/repository/tools/profiler/async-profiler/4.2/async-profiler-4.2-linux-x64.jar" \
    linux-x64/libasyncProfiler.so -d "$1"
  PROFILER_LIB=$1/linux-x64/libasyncProfiler.so
}
