#!/usr/bin/env bash
# Vigil's benchmark, one command: prints every figure of docs/performance.md, each beside its peer measured
# in the same run (BullMQ's getJobCounts(), redis_exporter, postgres_exporter), as medians over repeats, then
# LLM usage ingest over the push API and OTLP (bench/ingest.sh).
#
# Usage: bash bench/run.sh [--queues 1000,10000] [--repeats 3] [--seconds 15]
# Environment: REDIS_PORT (6479), VIGIL_PORT (9749), AUX_PORT (29750: a second Vigil; the peers take the next two),
# PG_PORT (55432), VIGIL_JAVA_OPTS (JVM flags; default the README's), STEADY_AFTER_S (540: when the settled CPU window starts).
# Needs: JDK 17+, Maven, Node 18+, redis-server, prometheus-redis-exporter, prometheus-postgres-exporter and
# PostgreSQL's server programs (Debian: postgresql); the jar is built when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f exporter/target/vigil-exporter.jar ] && [ -f exporter/target/vigil.jsa ] || mvn -B -q package -DskipTests
[ -e e2e/bullmq/node_modules/bullmq5 ] || npm ci --prefix e2e/bullmq --no-audit --no-fund
node bench/bench.mjs --jar exporter/target/vigil-exporter.jar "$@"
echo
echo "== LLM usage ingest: push API and OTLP, single and batched (bench/ingest.sh)"
bash bench/ingest.sh
