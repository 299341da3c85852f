#!/usr/bin/env bash
# Builds Common Ground if needed and runs it on the embedded default: file database in ./data,
# demo clinic loaded, everything on http://127.0.0.1:8080 (override with SERVER_PORT).
#
# Starts from the extracted jar with a class archive (AppCDS), which halves the start-up CPU. The
# archive is written when the first run after a build ends (Ctrl-C); later runs start from it.
set -euo pipefail
cd "$(dirname "$0")"
jar=plugin/target/plugin-0.1.0-SNAPSHOT.jar
if [ ! -f "$jar" ] || [ -n "$(find plugin/src fhir-profiles/fsh-generated pom.xml plugin/pom.xml -newer "$jar" -type f -print -quit)" ]; then
  echo "Building Common Ground (first run takes a few minutes)..."
  mvn -q -B -DskipTests package
fi
app=plugin/target/app
archive=plugin/target/app.jsa
if [ ! -f "$app/$(basename "$jar")" ] || [ "$jar" -nt "$app/$(basename "$jar")" ]; then
  rm -rf "$app" "$archive"
  java -Djarmode=tools -jar "$jar" extract --destination "$app" >/dev/null
fi
if [ -f "$archive" ]; then
  cds="-XX:SharedArchiveFile=$archive"
else
  cds="-XX:ArchiveClassesAtExit=$archive"
fi
# cds*=off: the archive dump lists every class it leaves out, which says nothing to a user.
# -DontCompileHugeMethods: the FHIR validator's primitive check is too big for the JIT's default
# limit and would stay interpreted (docs/performance.md).
# -Xmx288m: about one and a half times the live heap (mostly validation definitions); keeps resident
# memory under 600 MB at no measured CPU cost (docs/performance.md, Memory). -Xmn44m: the old
# generation (244 MB) must hold the ~190 MB live set with room to spare, or full collections run
# every second under load; a young generation of 44 MB instead of 56 collects a little more often.
# TrimNativeHeapInterval and MALLOC_ARENA_MAX: the JIT's compiler frees its working memory, which
# the C library otherwise keeps resident (~40 MB after a load test).
export MALLOC_ARENA_MAX=2
exec java -XX:+UseSerialGC -Xss512k -XX:-DontCompileHugeMethods -Xmx288m -Xmn44m -XX:TrimNativeHeapInterval=1000 -Xlog:cds*=off $cds -jar "$app/$(basename "$jar")" "$@"
