#!/usr/bin/env bash
# tickrail-latency's threaded placements, both queue kinds, as a short run
# for the sanitizers (label stress: ThreadSanitizer runs it in CI): the
# stage logs, the mutex queue and the rings between workers must be free of
# data races, and every run must finish with its orders.
#   latency_threads_test.sh TICKRAIL_LATENCY_BINARY
set -euo pipefail
bin=$1
for placement in fused two per-stage; do
  for queue in ring mutex; do
    json=$(timeout 300 "$bin" --frames 4000 --warmup 400 --rate 50000 --placement "$placement" --queue "$queue" --json | tail -1) ||
      { echo "latency_threads_test: exit $? for $placement/$queue" >&2; exit 1; }
    grep -q '"orders":[1-9]' <<<"$json" || { echo "latency_threads_test: no orders for $placement/$queue: $json" >&2; exit 1; }
    echo "ok: $placement/$queue"
  done
done
