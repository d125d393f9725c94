// tickrail/strategies/signals.hpp — the signal vocabulary shared by the
// webhook and the control socket, and the sequencer that runs a request's
// signals in order.
//
// A request carries an optional `regime`, an optional `anchorPrice`, and
// `signal`: a comma-separated list run left to right. The regime and anchor
// apply before any signal. A request with a regime and no signals stops the
// algo loops and leaves orders in place (regime_only()). Unknown signals
// refuse the whole request with an error that names them — nothing runs.
//
// `cancel_all` is a barrier: the sequencer hands it out, then holds every
// later signal until the bot has no open orders left (the venue confirmed
// each cancel), or gives up on the rest of the request after
// `cancel_timeout_ns` — it never starts the next signal on top of orders
// that may still be live.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "tickrail/core/events.hpp"
#include "tickrail/core/fixed_point.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/regime.hpp"
#include "tickrail/strategies/component_id.hpp"

namespace tickrail::strategies {

// A signal acts on one component (or on the bot: start_bot, cancel_all):
// `action` 0 starts it; a component with several signals numbers the rest
// (options: hedge, long call, long put, trim). Names come from the component
// list (registry.hpp, each descriptor's `signals`); the constants below are
// shorthands for code and tests, not the routing.
struct signal {
  component_id component = component_id::bot;
  std::uint8_t action = 0;
  friend constexpr bool operator==(signal, signal) noexcept = default;

  static const signal start_bot, cancel_all, grid, main_mm, fast_mm, slow_mm, dip_buyer, min_order, hedge, ladder, tp,
      threshold_tp, options_long_call, options_long_put, options_trim;
};
inline constexpr std::uint8_t k_bot_start = 0, k_bot_cancel_all = 1;  // the bot's own signal actions
inline constexpr std::uint8_t k_options_hedge = 0, k_options_long_call = 1, k_options_long_put = 2, k_options_trim = 3;
inline constexpr signal signal::start_bot{component_id::bot, k_bot_start};
inline constexpr signal signal::cancel_all{component_id::bot, k_bot_cancel_all};
inline constexpr signal signal::grid{component_id::grid, 0};
inline constexpr signal signal::main_mm{component_id::main_mm, 0};
inline constexpr signal signal::fast_mm{component_id::fast_mm, 0};
inline constexpr signal signal::slow_mm{component_id::slow_mm, 0};
inline constexpr signal signal::dip_buyer{component_id::dip_buyer, 0};
inline constexpr signal signal::min_order{component_id::min_order, 0};
inline constexpr signal signal::ladder{component_id::ladder, 0};
inline constexpr signal signal::tp{component_id::sell_ladder, 0};
inline constexpr signal signal::threshold_tp{component_id::threshold_tp, 0};
inline constexpr signal signal::hedge{component_id::options, k_options_hedge};
inline constexpr signal signal::options_long_call{component_id::options, k_options_long_call};
inline constexpr signal signal::options_long_put{component_id::options, k_options_long_put};
inline constexpr signal signal::options_trim{component_id::options, k_options_trim};

// The production names (components.hpp); registry.hpp has the same for any
// component list.
[[nodiscard]] std::string_view to_string(signal s) noexcept;
[[nodiscard]] std::optional<signal> parse_signal(std::string_view name) noexcept;

struct signal_request {
  static constexpr std::size_t k_max_steps = 16;
  std::optional<core::regime> regime;
  std::optional<core::decimal> anchor_price;  // venue units; converted with the instrument's tick
  std::array<signal, k_max_steps> steps{};
  std::size_t step_count = 0;

  [[nodiscard]] bool regime_only() const noexcept { return step_count == 0 && regime.has_value(); }
};

// `signals` is the comma-separated list (may be empty when a regime or anchor
// is given); `regime` and `anchor_price` are empty when absent. Errors name
// the offending field and value. Names are looked up with `parse` (the
// production parse_signal unless given: registry.hpp's
// component_list<...>::parse_signal for another list).
using signal_parser = std::optional<signal> (*)(std::string_view) noexcept;
absl::StatusOr<signal_request> parse_signal_request(std::string_view signals, std::string_view regime,
                                                    std::string_view anchor_price, signal_parser parse = &parse_signal);

// A request travels the command ring as a `command_kind::signal` command,
// parsed and converted on the control thread so the hot path never reads
// text: `regime` holds the regime (k_no_regime when absent), args[0] the
// anchor in ticks of the bot's instrument (0 when absent), args[1] the step
// count, text[2i] and text[2i + 1] step i's component id and action. The
// anchor rounds to the nearest tick;
// a price that does not fit the instrument is an error.
inline constexpr std::uint8_t k_no_regime = 0xFF;
absl::StatusOr<core::command> to_signal_command(const signal_request& request, const core::instrument& instrument,
                                                std::uint16_t bot, std::uint32_t reply_id);
// The inverse, for the bot; false (nothing to run) on a malformed command.
// Whether each step names a component of the bot's list is the bot's check.
[[nodiscard]] bool from_signal_command(const core::command& c, signal_request& request,
                                       core::ticks& anchor_ticks) noexcept;

class signal_sequencer {
 public:
  explicit signal_sequencer(std::int64_t cancel_timeout_ns = 30'000'000'000) noexcept
      : cancel_timeout_ns_(cancel_timeout_ns) {}

  // Starts `request`, replacing any request still in progress.
  void start(const signal_request& request) noexcept;

  // The next signal to run now, given the bot's open-order count and the
  // event time; nullopt while waiting on a cancel_all or when done. Call it
  // until it returns nullopt on every event.
  [[nodiscard]] std::optional<signal> next(std::uint32_t open_orders, std::int64_t now_ns) noexcept;

  [[nodiscard]] bool busy() const noexcept { return position_ < request_.step_count || waiting_; }
  [[nodiscard]] bool waiting_on_cancels() const noexcept { return waiting_; }
  // The last request was abandoned because cancels were not confirmed in time.
  [[nodiscard]] bool timed_out() const noexcept { return timed_out_; }

 private:
  std::int64_t cancel_timeout_ns_;
  signal_request request_{};
  std::size_t position_ = 0;
  bool waiting_ = false;
  std::int64_t wait_since_ns_ = 0;  // when the cancel_all went out
  bool timed_out_ = false;
};

}  // namespace tickrail::strategies
