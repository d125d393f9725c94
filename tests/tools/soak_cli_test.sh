#!/usr/bin/env bash
# tickrail-soak, the binary: on config/default.toml the demo bot quotes on
# the synthetic book through the engine's real strategy and risk stages —
# orders reach the stand-in venue, risk counted them as accepted, latency
# was sampled, and stopping cancels every order; SIGTERM stops it cleanly;
# broken configs exit 1 naming file:line and key; bad arguments exit 1.
# No timing or drop count is asserted (DESIGN §8).
#   soak_cli_test.sh TICKRAIL_SOAK_BINARY SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
fail() { echo "soak_cli_test: $*" >&2; exit 1; }
field() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -1 | cut -d: -f2- | tr -d '"'; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. A JSON run: a start line, one status line a second, a summary.
out=$(timeout 60 "$bin" --config "$src/config/default.toml" --seconds 3 --rate 20000 --json) || fail "exit $?"
start=$(grep '"type":"start"' <<<"$out") || fail "no start line in: $out"
for f in cpu cores clock instrument; do [[ -n "$(field "$f" "$start")" ]] || fail "no $f in: $start"; done
[[ "$(field instrument "$start")" == BTC-PERPETUAL ]] || fail "instrument: $start"
status=$(grep '"type":"status"' <<<"$out") || fail "no status line in: $out"
[[ $(wc -l <<<"$status") -ge 2 ]] || fail "fewer than 2 status lines: $status"
orders=0
while read -r line; do
  [[ "$(field events "$line")" -gt 0 ]] || fail "a second without events: $line"
  for f in md_drops orders_per_s risk_rejects md exec cmd feedback sequenced risk_in orders samples p50 p99 max; do
    [[ -n "$(field "$f" "$line")" ]] || fail "no $f in: $line"
  done
  orders=$((orders + $(field orders "$line")))
done <<<"$status"
[[ $orders -gt 0 ]] || fail "no orders in any second (the demo bot did not quote): $status"
summary=$(grep '"type":"summary"' <<<"$out") || fail "no summary in: $out"
[[ "$(field orders "$summary")" -gt 0 ]] || fail "no orders: $summary"
[[ "$(field places "$summary")" -gt 0 ]] || fail "no places: $summary"
# Counted by core::risk_engine itself: the orders went through the real risk stage.
[[ "$(field risk_accepted "$summary")" -gt 0 ]] || fail "risk accepted nothing: $summary"
latency=$(grep -o '"latency_ns":{[^}]*}' <<<"$summary")
[[ "$(field samples "$latency")" -gt 0 ]] || fail "no latency samples: $summary"
[[ "$(field p50 "$latency")" -gt 0 ]] || fail "no p50: $summary"
# The bots' stop went through the stream: risk passed their cancels, the venue took them.
[[ "$(field live_orders_after_stop "$summary")" == 0 ]] || fail "orders left at the venue: $summary"
[[ "$(field cancels "$summary")" -gt 0 ]] || fail "no cancels at stop: $summary"
[[ "$(field reports_lost "$summary")" == 0 ]] || fail "exec reports lost: $summary"
[[ "$(field venue_rejects "$summary")" == 0 ]] || fail "the venue rejected requests: $summary"
echo "ok: json run -> $(field events_per_s "$summary") events/s, $(field orders "$summary") orders, p50 $(field p50 "$latency") ns"

# 2. Text, unpaced, stopped by SIGTERM.
timeout 60 "$bin" --config "$src/config/default.toml" --rate 0 >"$work/text.out" 2>&1 &
pid=$!
sleep 2.5
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc == 0 ]] || fail "SIGTERM: exit $rc: $(cat "$work/text.out")"
grep -q "cores" "$work/text.out" || fail "no CPU line: $(cat "$work/text.out")"
grep -qE '^ +[0-9.]+s  events [1-9][0-9]*/s' "$work/text.out" || fail "no status line: $(cat "$work/text.out")"
grep -q "^total: " "$work/text.out" || fail "no totals: $(cat "$work/text.out")"
echo "ok: SIGTERM -> $(grep '^total: ' "$work/text.out")"

# 3. Broken configs: exit 1, the message names the file, the line and the key.
expect_config_error() {  # file, line, key
  local err rc=0
  err=$(timeout 60 "$bin" --config "$src/config/default.toml" --config "$1" --seconds 1 2>&1 >/dev/null) || rc=$?
  [[ $rc == 1 ]] || fail "$1: exit $rc, want 1: $err"
  grep -qF "$1:$2" <<<"$err" || fail "$1: no $1:$2 in: $err"
  grep -qF "$3" <<<"$err" || fail "$1: no key $3 in: $err"
  echo "ok: $(basename "$1") -> $err"
}
printf '[engine]\n\nring_capacity = 1000\n' >"$work/ring.toml"
expect_config_error "$work/ring.toml" 3 engine.ring_capacity
printf '# a typo\n[risk]\nmax_open_order = 5\n' >"$work/risk.toml"
expect_config_error "$work/risk.toml" 3 risk.max_open_order
printf '[engine]\nstart_bots = ["nobody"]\n' >"$work/bots.toml"
expect_config_error "$work/bots.toml" 2 engine.start_bots

# 4. Bad arguments.
for bad in "" "--seconds 1" "--config $src/config/default.toml --rate -1" \
           "--config $src/config/default.toml --seconds x" "--config $src/config/default.toml --bogus"; do
  rc=0
  # shellcheck disable=SC2086
  timeout 60 "$bin" $bad >/dev/null 2>&1 || rc=$?
  [[ $rc == 1 ]] || fail "exit $rc for: '$bad'"
done
echo "soak_cli_test: all passed"
