#!/usr/bin/env bash
# Runs the benchmarks on this machine: a throwaway Redis, the exporter jar, BullMQ from e2e/bullmq.
# Usage: bash bench/run.sh [queues]   (needs redis-server, node; builds the jar if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
QUEUES="${1:-1000}"
REDIS_PORT=6479
VIGIL_PORT=9749
[ -f exporter/target/vigil-exporter.jar ] || mvn -B -q package -DskipTests
[ -d e2e/bullmq/node_modules ] || npm ci --prefix e2e/bullmq --no-audit --no-fund
work=$(mktemp -d)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes --logfile "$work/redis.log"
cat > "$work/vigil.yml" <<YAML
server:
  listen: 127.0.0.1:$VIGIL_PORT
redis:
  main:
    url: redis://127.0.0.1:$REDIS_PORT
bullmq:
  - redis: main
    interval: 1s
    discovery_interval: 10m
    max_queues: 100000
YAML
node bench/bullmq-poll.mjs --phase fill --redis "redis://127.0.0.1:$REDIS_PORT" --queues "$QUEUES"
# Vigil starts after the queues exist, so its first discovery finds them all and the polls measured are steady ones.
java -Xmx256m -jar exporter/target/vigil-exporter.jar --config "$work/vigil.yml" > "$work/vigil.log" 2>&1 &
vigil=$!
trap 'kill $vigil 2>/dev/null; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(sed -n 's/model name\s*: //p' /proc/cpuinfo | sed -n 1p); $(redis-server --version | cut -d' ' -f1-3)"
node bench/bullmq-poll.mjs --phase measure --redis "redis://127.0.0.1:$REDIS_PORT" --vigil "http://127.0.0.1:$VIGIL_PORT" --queues "$QUEUES"
rss=$(ps -o rss= -p "$vigil")
echo "Vigil resident memory after the run: $((rss / 1024)) MiB (heap capped at 256 MiB)"
