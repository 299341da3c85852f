#!/usr/bin/env bash
# Measures Common Ground on this machine: time to ready, Goal create/read/search throughput and
# latency with 1 and 4 client threads, validation time per Goal, and resident memory with the Goals
# stored. Starts its own server on a free loopback port with a fresh data dir and the demo off, and
# stops only that server. See docs/performance.md.
#
#   loadtest/run.sh                       # 10,000 Goals, threads 1 and 4
#   GOALS=2000 loadtest/run.sh            # a quicker run
#   JAVA_OPTS="-Xmx256m" loadtest/run.sh  # other server JVM flags
#   loadtest/run.sh --reads 20000         # extra arguments go to the driver (see --help)
#   CDS=0 loadtest/run.sh                 # start from the plain jar, without the AppCDS archive
#   DRIVER=editors loadtest/run.sh --minutes 3  # 50 editors on 20 Goals with If-Match (lost updates)
set -euo pipefail
cd "$(dirname "$0")/.."

GOALS="${GOALS:-10000}"
THREADS="${THREADS:-1,4}"
# The server JVM flags of the root run.sh; override to compare.
JAVA_OPTS="${JAVA_OPTS:--XX:+UseSerialGC -Xss512k -XX:-DontCompileHugeMethods -Xmx288m -Xmn44m -XX:TrimNativeHeapInterval=1000}"
# As the root run.sh: the C library keeps fewer malloc arenas resident.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
READY_TIMEOUT_S="${READY_TIMEOUT_S:-180}"

server_jar=plugin/target/plugin-0.1.0-SNAPSHOT.jar
driver_jar=loadtest/target/loadtest-0.1.0-SNAPSHOT.jar
server_stale() {
  [ ! -f "$server_jar" ] ||
    [ -n "$(find pom.xml plugin/pom.xml plugin/src fhir-profiles/pom.xml fhir-profiles/fsh-generated \
      -newer "$server_jar" -type f -print -quit)" ]
}
driver_stale() {
  [ ! -f "$driver_jar" ] || [ -n "$(find loadtest/pom.xml loadtest/src -newer "$driver_jar" -type f -print -quit)" ]
}
if server_stale; then
  # A repackaged Boot jar is not rebuilt when only dependencies change; remove it so it is.
  rm -f "$server_jar" "$server_jar.original"
fi
if [ ! -f "$server_jar" ] || driver_stale; then
  echo "Building (mvn -q -B -DskipTests package)..."
  mvn -q -B -DskipTests package
fi

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# By default (CDS=0 turns it off), as the root run.sh and the Dockerfile: extract the Boot jar
# (faster class loading than nested jars) and archive the classes a start-up loads (AppCDS, one
# training start that exits after the context refresh); both are made again when the jar changes.
# Halves the start-up CPU; see docs/performance.md.
launch_jar="$server_jar"
cds_opts=""
if [ "${CDS:-1}" != 0 ]; then
  cds_dir=plugin/target/cds
  if [ ! -f "$cds_dir/app.jsa" ] || [ "$server_jar" -nt "$cds_dir/app.jsa" ]; then
    echo "Making the AppCDS archive (one training start)..."
    rm -rf "$cds_dir"
    java -Djarmode=tools -jar "$server_jar" extract --destination "$cds_dir/app" >/dev/null
    training_dir="$(mktemp -d /tmp/commonground-cds.XXXXXX)"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -XX:ArchiveClassesAtExit="$cds_dir/app.jsa" -Dspring.context.exit=onRefresh \
      -jar "$cds_dir/app/$(basename "$server_jar")" --server.port=0 \
      --commonground.data-dir="$training_dir" --commonground.demo.enabled=false \
      >"$cds_dir/training.log" 2>&1 || true
    rm -rf "$training_dir"
    [ -f "$cds_dir/app.jsa" ] || { echo "No AppCDS archive made; see $cds_dir/training.log" >&2; exit 1; }
  fi
  launch_jar="$cds_dir/app/$(basename "$server_jar")"
  cds_opts="-XX:SharedArchiveFile=$cds_dir/app.jsa"
fi

port="$(free_port)"
data_dir="$(mktemp -d /tmp/commonground-loadtest.XXXXXX)"
if [ "${CDS:-1}" = 0 ]; then
  # Run a copy: a rebuild during the run must not replace the jar under the running server.
  cp "$launch_jar" "$data_dir/server.jar"
  launch_jar="$data_dir/server.jar"
fi
log="$data_dir/server.log"
base="http://127.0.0.1:$port/fhir"
server_pid=""

stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$server_pid" 2>/dev/null && kill -9 "$server_pid"
  fi
  if [ -z "${KEEP_DATA:-}" ]; then
    rm -rf "$data_dir"
  else
    echo "Data and server log kept in $data_dir"
  fi
}
trap stop_server EXIT

# The FHIR API needs a token: a fresh key pair per run for the sandbox's backend client
# (private_key_jwt); the server gets the public JWK Set, the driver signs with the private key.
key="$data_dir/backend-key"
java -jar "$driver_jar" --make-key "$key"
export COMMONGROUND_SANDBOX_BACKEND_JWKS="$(cat "$key.jwks.json")"

echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before start"
echo "Server: java $JAVA_OPTS $cds_opts -jar $launch_jar on 127.0.0.1:$port, data in $data_dir"
launched=$(date +%s%N)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
java $JAVA_OPTS $cds_opts -jar "$launch_jar" --server.port="$port" --commonground.data-dir="$data_dir" \
  --commonground.demo.enabled=false >"$log" 2>&1 &
server_pid=$!

ready=""
deadline=$((SECONDS + READY_TIMEOUT_S))
while [ $SECONDS -lt $deadline ]; do
  if curl -sf -o /dev/null --max-time 2 "$base/metadata"; then
    ready=$(date +%s%N)
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "The server exited during start-up; last lines of its log:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "The server did not answer $base/metadata within ${READY_TIMEOUT_S}s" >&2
  exit 1
fi
ready_ms=$(((ready - launched) / 1000000))
rss_kb() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$server_pid/status"; }
# utime + stime of the server (clock ticks): start-up cost that does not depend on the machine's load.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) * 1000 / hz }' "/proc/$server_pid/stat"; }
echo "Ready: /fhir/metadata answered $ready_ms ms after launch (target <= 15000 ms), having used" \
  "$(cpu_ms) ms of CPU; RSS $(($(rss_kb VmRSS) / 1024)) MB; load average $(cut -d' ' -f1 /proc/loadavg)"

status=0
if [ "${DRIVER:-load}" = editors ]; then
  # Concurrent editors with If-Match on the same Goals (ConcurrentEditors; --minutes, --editors,
  # --goals).
  java -jar "$driver_jar" --editors-benchmark --base "$base" --server-pid "$server_pid" \
    --key "$key" "$@" || status=$?
else
  java -jar "$driver_jar" --base "$base" --goals "$GOALS" --threads "$THREADS" \
    --server-pid "$server_pid" --key "$key" "$@" || status=$?
fi

echo
echo "Resident memory after the run: VmRSS $(($(rss_kb VmRSS) / 1024)) MB (target <= 600 MB)," \
  "peak VmHWM $(($(rss_kb VmHWM) / 1024)) MB"
echo "Time to ready: $ready_ms ms (target <= 15000 ms)"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
