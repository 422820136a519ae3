#!/usr/bin/env bash
# Resident memory of Vigil in its container image at N BullMQ queues, read inside the container (podman top,
# from the container's /proc) after a minute of polls and scrapes every 5 s, as the chart's defaults run it.
# Usage: bash bench/container-memory.sh [queues] [memory limit]   (defaults 1000, 256m; needs podman, runc,
# redis-server, node, and the image built by container/build.sh)
#
# Without cgroup controllers (this kind of machine) Podman cannot enforce a memory limit, so the JVM is told
# the limit with -XX:MaxRAM: it sizes its heap from that exactly as it would from a container's limit.
set -euo pipefail
cd "$(dirname "$0")/.."
QUEUES="${1:-1000}"
LIMIT="${2:-256m}"
REDIS_PORT=6483
VIGIL_PORT=9748
IMAGE="${VIGIL_IMAGE:-vigil-exporter:$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | sed -n 1p)}"
export CONTAINERS_CONF="$PWD/container/containers.conf"
[ -d e2e/bullmq/node_modules ] || npm ci --prefix e2e/bullmq --no-audit --no-fund
work=$(mktemp -d)
chmod 755 "$work"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes --logfile "$work/redis.log"
name="vigil-memory-$$"
trap 'podman rm -f "$name" >/dev/null 2>&1; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cat > "$work/vigil.yml" <<YAML
server:
  listen: 127.0.0.1:$VIGIL_PORT
redis:
  main:
    url: redis://127.0.0.1:$REDIS_PORT
bullmq:
  - redis: main
    interval: 5s
    max_queues: 100000
YAML
chmod 644 "$work/vigil.yml"
node bench/bullmq-poll.mjs --phase fill --redis "redis://127.0.0.1:$REDIS_PORT" --queues "$QUEUES" >/dev/null
podman run -d --name "$name" --runtime runc --network=host --read-only --cap-drop ALL \
    -e JAVA_TOOL_OPTIONS="-XX:MaxRAM=$LIMIT" -v "$work/vigil.yml:/etc/vigil/vigil.yml:ro" \
    "$IMAGE" --config /etc/vigil/vigil.yml >/dev/null
until curl -sf "http://127.0.0.1:$VIGIL_PORT/readyz" >/dev/null; do sleep 1; done
peak=0
for _ in $(seq 12); do
    series=$(curl -sf "http://127.0.0.1:$VIGIL_PORT/metrics" | grep -c '^bullmq_queue_paused{' || true)
    rss=$(podman top "$name" rss | sed -n 2p)
    [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 5
done
echo "machine: $(nproc) cores; image $IMAGE; memory limit $LIMIT (-XX:MaxRAM)"
echo "$QUEUES queues ($series on /metrics): resident $((rss / 1024)) MiB after a minute, peak $((peak / 1024)) MiB"
