#!/usr/bin/env bash
# Builds Common Ground if needed and runs it on the embedded default: file database in ./data,
# demo clinic loaded, everything on http://127.0.0.1:8080 (override with SERVER_PORT).
set -euo pipefail
cd "$(dirname "$0")"
jar=plugin/target/plugin-0.1.0-SNAPSHOT.jar
if [ ! -f "$jar" ] || [ -n "$(find plugin/src fhir-profiles/fsh-generated pom.xml plugin/pom.xml -newer "$jar" -type f -print -quit)" ]; then
  echo "Building Common Ground (first run takes a few minutes)..."
  mvn -q -B -DskipTests package
fi
exec java -XX:+UseSerialGC -Xss512k -jar "$jar" "$@"
