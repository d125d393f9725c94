#!/usr/bin/env bash
# tickrail-latency, the binary: every placement, both queue kinds and both
# inputs produce orders and a JSON result with the documented fields; the
# per-stage breakdown accounts for the whole tick-to-order time (on one
# thread the stage means add up to the mean); nothing allocates after the
# warm-up on any thread; bad arguments exit 1.
# Short runs (20 k frames); no timing is asserted (DESIGN §8).
#   latency_cli_test.sh TICKRAIL_LATENCY_BINARY
set -euo pipefail
bin=$1
fail() { echo "latency_cli_test: $*" >&2; exit 1; }
field() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -1 | cut -d: -f2- | tr -d '"'; }

check_run() {
  local out json
  out=$(timeout 120 "$bin" "$@" --json) || fail "exit $? for: $*"
  json=$(tail -1 <<<"$out")
  for f in p50_ns p90_ns p99_ns p999_ns max_ns mean_ns events orders drops throughput_eps placement input cpu cores; do
    [[ -n "$(field "$f" "$json")" ]] || fail "no $f in: $json"
  done
  [[ "$(field orders "$json")" -gt 0 ]] || fail "no orders for: $* -> $json"
  [[ "$(field events "$json")" -ge 20000 ]] || fail "events for: $* -> $json"
  local queue=ring
  [[ " $* " == *" --queue mutex "* ]] && queue=mutex
  [[ "$(field queue "$json")" == "$queue" ]] || fail "queue for: $* -> $json"
  [[ "$(field measured "$json")" -gt 0 ]] || fail "nothing measured for: $* -> $json"
  # Zero allocations per event: no operator new on any thread after the warm-up.
  [[ "$(field allocations "$json")" == 0 ]] || fail "allocations on the hot path for: $* -> $json"
  if [[ " $* " == *" inline "* || " $* " == *" fused "* ]]; then
    # One thread, one monotonic clock: each order's stages add up to its
    # tick-to-order exactly, so the means do (to the printed 0.1 ns).
    awk -v a="$(field stages_mean_ns "$json")" -v b="$(field mean_ns "$json")" \
      'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.2) }' || fail "stages do not add up for: $* -> $json"
  fi
  echo "ok: $* -> p50 $(field p50_ns "$json") ns, orders $(field orders "$json"), drops $(field drops "$json")"
}

for placement in fused two per-stage inline; do
  for queue in ring mutex; do
    check_run --frames 20000 --warmup 2000 --rate 200000 --placement "$placement" --wait yield --queue "$queue"
  done
done
check_run --frames 20000 --warmup 2000 --input binance --placement fused --wait backoff
check_run --frames 20000 --warmup 0 --placement inline --virtual-clock
# With no input flag at all: a meaningful default run (shortened here).
check_run --frames 20000
# Throughput search and the percentile plot.
svg=$(mktemp --suffix=.svg)
trap 'rm -f "$svg"' EXIT
check_run --frames 20000 --throughput --svg "$svg"
grep -q "<polyline" "$svg" || fail "no plot in $svg"

for bad in "--placement nowhere" "--queue lockless" "--frames 0" "--rate -1" "--wait sometimes" "--cpus 1,x" "--bogus" \
           "--virtual-clock --placement fused" "--input /nonexistent.jsonl" "--frames 100 --warmup 100" \
           "--throughput --rate 1000" "--svg /nonexistent-dir/x.svg --frames 2000"; do
  # shellcheck disable=SC2086
  if timeout 60 "$bin" $bad >/dev/null 2>&1; then fail "accepted: $bad"; fi
done
echo "latency_cli_test: all passed"
