#!/usr/bin/env bash
# LLM usage ingest: calls per second over the push API and over OTLP (protobuf and JSON), single and batched.
# Usage: bash bench/ingest.sh   (builds the jar and the test classes if missing; needs nothing else)
# Environment: INGEST_PORT (9748), VIGIL_JAVA_OPTS (JVM flags; default the README's).
set -euo pipefail
cd "$(dirname "$0")/.."
VIGIL_PORT=${INGEST_PORT:-9748}
[ -f exporter/target/vigil-exporter.jar ] || mvn -B -q package -DskipTests
[ -f exporter/target/test-classes/dev/vigil/bench/IngestBench.class ] || mvn -B -q test-compile
work=$(mktemp -d)
cat > "$work/vigil.yml" <<YAML
server:
  listen: 127.0.0.1:$VIGIL_PORT
llm:
  labels: [tenant]
  otlp:
    labels:
      tenant: {attribute: app.tenant_id}
YAML
mvn -B -q -f exporter/pom.xml dependency:build-classpath -Dmdep.outputFile="$work/classpath" -Dmdep.includeScope=test >/dev/null
# The README's JVM flags, as bench/bench.mjs uses them.
# shellcheck disable=SC2086
java ${VIGIL_JAVA_OPTS:--XX:SharedArchiveFile=exporter/target/vigil.jsa -XX:+UseSerialGC -Xms16m -Xmx96m -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=80m -XX:TrimNativeHeapInterval=5000 -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:GuaranteedSafepointInterval=0} -jar exporter/target/vigil-exporter.jar --config "$work/vigil.yml" > "$work/vigil.log" 2>&1 &
vigil=$!
# Waits for Vigil to exit, so a run right after this one finds the port free.
trap 'kill $vigil 2>/dev/null; wait $vigil 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$VIGIL_PORT/healthz" >/dev/null && break; sleep 0.2; done
kill -0 $vigil 2>/dev/null || { echo "Vigil did not start:"; cat "$work/vigil.log"; exit 1; }
echo "cpu: $(sed -n 's/model name\s*: //p' /proc/cpuinfo | sed -n 1p)"
java -cp "exporter/target/test-classes:$(cat "$work/classpath")" dev.vigil.bench.IngestBench "http://127.0.0.1:$VIGIL_PORT"
rss=$(ps -o rss= -p "$vigil")
echo "Vigil resident memory after the run: $((rss / 1024)) MiB (the README's JVM flags unless VIGIL_JAVA_OPTS says otherwise)"
curl -s "http://127.0.0.1:$VIGIL_PORT/metrics" | grep -E '^llm_otlp_received_total\{signal="traces",outcome="usage"\}|^llm_requests_total' | sed 's/^/  /'
