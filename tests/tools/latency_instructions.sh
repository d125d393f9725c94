#!/usr/bin/env bash
# Regression guard for the hot path (label perf): the fused pipeline, inline
# on one thread with the virtual clock, under callgrind on a small fixed
# input; fails when instructions per injected event exceed the ceiling.
# Instruction counts are stable on a noisy machine; wall time is not.
#   latency_instructions.sh TICKRAIL_LATENCY_BINARY CEILING
set -euo pipefail
bin=$1
ceiling=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
  --toggle-collect='tickrail::latency::pipeline::replay_inline*' \
  "$bin" --placement inline --virtual-clock --frames 3000 --warmup 0 --json >"$out/json" 2>"$out/log" || {
  cat "$out/log" >&2
  exit 1
}
events=$(grep -o '"events":[0-9]*' "$out/json" | tail -1 | cut -d: -f2)
orders=$(grep -o '"orders":[0-9]*' "$out/json" | tail -1 | cut -d: -f2)
ir=$(grep -E '^(summary|totals):' "$out/cg" | head -1 | awk '{print $2}')
if [[ -z "$events" || "$events" -eq 0 || -z "$ir" || -z "$orders" || "$orders" -eq 0 ]]; then
  echo "latency_instructions: no events, orders or instruction total (events=$events orders=$orders ir=$ir)" >&2
  exit 1
fi
per=$((ir / events))
echo "instructions per event: $per (ceiling $ceiling; $ir instructions, $events events, $orders orders)"
[[ "$per" -le "$ceiling" ]]
