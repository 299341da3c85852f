#!/usr/bin/env bash
# Compiles the FHIR Shorthand in input/fsh with SUSHI, fully offline.
#
#   ./sushi.sh          compile and replace fsh-generated/resources with the result
#   ./sushi.sh --check  compile into a temporary folder and fail (exit 1, listing the files) if the
#                       committed fsh-generated/resources differs from what the FSH compiles to
#
# Needs: node_modules (run `npm ci` here once), Java 17 and Maven. SUSHI needs the FHIR R4 core package
# (hl7.fhir.r4.core#4.0.1) in the local FHIR package cache, which no reachable registry serves; this script
# builds it once from the R4 definitions inside ca.uhn.hapi.fhir:hapi-fhir-validation-resources-r4
# (tools/BuildR4CorePackage.java), plus empty stub packages for the three packages SUSHI always loads
# (versions pinned in sushi-config.yaml).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

MODE=build
case "${1:-}" in
  "") ;;
  --check) MODE=check ;;
  -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
  *) echo "unknown argument: $1 (use --check or nothing)" >&2; exit 2 ;;
esac

SUSHI="$HERE/node_modules/.bin/sushi"
if [ ! -x "$SUSHI" ]; then
  echo "SUSHI is not installed: run 'npm ci' in $HERE first" >&2
  exit 2
fi

PACKAGES="${FHIR_PACKAGE_CACHE:-$HOME/.fhir/packages}"
CORE="$PACKAGES/hl7.fhir.r4.core#4.0.1"

# --- (a) the FHIR package cache -------------------------------------------------------------------
if [ ! -f "$CORE/package/package.json" ] || [ ! -f "$CORE/package/StructureDefinition-Goal.json" ]; then
  echo "Building $CORE from hapi-fhir-validation-resources-r4 ..."
  MVN=(mvn -q -B -Dstyle.color=never -f "$HERE/pom.xml")
  # The module's test classpath holds HAPI's R4 parser and the validation-resources jar; Maven fetches
  # anything missing from ~/.m2 on the way.
  CP_FILE="$(mktemp)"
  if ! "${MVN[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >"$CP_FILE.log" 2>&1; then
    cat "$CP_FILE.log" >&2
    exit 1
  fi
  rm -f "$CP_FILE.log"
  mkdir -p "$PACKAGES"
  STAGING="$(mktemp -d "$PACKAGES/.staging-r4-core.XXXXXX")"
  java -cp "$(cat "$CP_FILE")" "$HERE/tools/BuildR4CorePackage.java" "$STAGING/package" 2>&1 | grep -v '^SLF4J' || true
  rm -f "$CP_FILE"
  if [ ! -f "$STAGING/package/StructureDefinition-Goal.json" ]; then
    echo "Building the R4 core package failed" >&2
    rm -rf "$STAGING"
    exit 1
  fi
  rm -rf "$CORE"
  mv "$STAGING" "$CORE"
fi

# Empty stub packages, one per pinned dependency in sushi-config.yaml.
for dep in hl7.fhir.uv.tools.r4 hl7.terminology.r4 hl7.fhir.uv.extensions.r4; do
  version="$(sed -n "s/^  $dep: *\([^ #]*\).*/\1/p" sushi-config.yaml)"
  if [ -z "$version" ]; then
    echo "sushi-config.yaml must pin $dep under dependencies" >&2
    exit 2
  fi
  stub="$PACKAGES/$dep#$version/package"
  if [ ! -f "$stub/package.json" ]; then
    mkdir -p "$stub"
    printf '{\n  "name": "%s",\n  "version": "%s",\n  "description": "Empty offline stub so SUSHI does not reach for a package registry",\n  "fhirVersions": ["4.0.1"],\n  "dependencies": {}\n}\n' \
      "$dep" "$version" > "$stub/package.json"
  fi
done

# --- (b) SUSHI -------------------------------------------------------------------------------------
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
LOG="$OUT/sushi.log"
set +e
"$SUSHI" build "$HERE" --out "$OUT" >"$LOG" 2>&1
status=$?
set -e
if [ $status -ne 0 ]; then
  cat "$LOG" >&2
  echo "SUSHI failed (exit $status)" >&2
  exit 1
fi
if grep -q '^warn' "$LOG" || [ -n "${SUSHI_VERBOSE:-}" ]; then
  cat "$LOG"
fi
GENERATED="$OUT/fsh-generated/resources"

# --- (c) check or replace --------------------------------------------------------------------------
if [ "$MODE" = check ]; then
  if diff -rq "$GENERATED" "$HERE/fsh-generated/resources" >"$OUT/diff.txt" 2>&1; then
    echo "fsh-generated/resources is up to date with input/fsh ($(ls "$GENERATED" | wc -l) files)."
    exit 0
  fi
  echo "fsh-generated/resources is out of date with input/fsh; run ./sushi.sh and commit the result:" >&2
  sed -e "s#$GENERATED#(compiled)#g" -e "s#$HERE/##g" "$OUT/diff.txt" >&2
  exit 1
fi

rm -rf "$HERE/fsh-generated"
mkdir -p "$HERE/fsh-generated"
cp -r "$GENERATED" "$HERE/fsh-generated/resources"
echo "Wrote $(ls "$HERE/fsh-generated/resources" | wc -l) files to fsh-generated/resources"
