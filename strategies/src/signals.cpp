#include "tickrail/strategies/signals.hpp"

#include "absl/strings/str_cat.h"
#include "tickrail/core/status.hpp"
#include "tickrail/strategies/components.hpp"

namespace tickrail::strategies {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(signal s) noexcept { return production_components::signal_string(s); }

std::optional<signal> parse_signal(std::string_view name) noexcept { return production_components::parse_signal(name); }

absl::StatusOr<signal_request> parse_signal_request(std::string_view signals, std::string_view regime,
                                                    std::string_view anchor_price, signal_parser parse) {
  using core::to_absl;
  signal_request out;
  if (!regime.empty()) {
    out.regime = core::parse_regime(trim(regime));
    if (!out.regime) {
      return absl::InvalidArgumentError(
          absl::StrCat("regime: unknown regime '", to_absl(regime), "' (CALM, TRANSITION, STRESS, BLACK, AFTERMATH)"));
    }
  }
  if (!anchor_price.empty()) {
    core::decimal d;
    if (core::parse_decimal(trim(anchor_price), d) != core::fp_error::ok || d.mantissa <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("anchorPrice: '", to_absl(anchor_price), "' is not a positive number"));
    }
    out.anchor_price = d;
  }
  std::string_view rest = signals;
  for (bool more = !trim(signals).empty(); more;) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = trim(rest.substr(0, comma));
    if (name.empty())
      return absl::InvalidArgumentError(absl::StrCat("signal: empty entry in '", to_absl(signals), "'"));
    const std::optional<signal> s = parse(name);
    if (!s) return absl::InvalidArgumentError(absl::StrCat("signal: unknown signal '", to_absl(name), "'"));
    if (out.step_count == signal_request::k_max_steps) {
      return absl::InvalidArgumentError(absl::StrCat("signal: more than ", signal_request::k_max_steps, " signals"));
    }
    out.steps[out.step_count++] = *s;
    more = comma != std::string_view::npos;
    if (more) rest.remove_prefix(comma + 1);
  }
  if (out.step_count == 0 && !out.regime && !out.anchor_price) {
    return absl::InvalidArgumentError("request has no signal, regime or anchorPrice");
  }
  return out;
}

absl::StatusOr<core::command> to_signal_command(const signal_request& request, const core::instrument& instrument,
                                                std::uint16_t bot, std::uint32_t reply_id) {
  static_assert(2 * signal_request::k_max_steps <= sizeof(core::command::text));
  core::command c{};
  c.kind = core::command_kind::signal;
  c.bot = bot;
  c.reply_id = reply_id;
  c.regime = request.regime ? static_cast<std::uint8_t>(*request.regime) : k_no_regime;
  if (request.anchor_price) {
    core::ticks anchor = 0;
    if (instrument.tick.to_units(*request.anchor_price, core::rounding::nearest, anchor) != core::fp_error::ok ||
        anchor <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("anchorPrice: out of range for ", instrument.symbol));
    }
    c.args[0] = anchor;
  }
  c.args[1] = static_cast<std::int64_t>(request.step_count);
  for (std::size_t i = 0; i < request.step_count; ++i) {
    static_assert(sizeof(component_id) == 2 && k_component_count <= 256, "a component id travels in one byte");
    c.text[2 * i] = static_cast<char>(static_cast<std::uint8_t>(request.steps[i].component));
    c.text[2 * i + 1] = static_cast<char>(request.steps[i].action);
  }
  return c;
}

bool from_signal_command(const core::command& c, signal_request& request, core::ticks& anchor_ticks) noexcept {
  request = {};
  anchor_ticks = 0;
  if (c.kind != core::command_kind::signal || c.args[1] < 0 ||
      c.args[1] > static_cast<std::int64_t>(signal_request::k_max_steps) || c.args[0] < 0) {
    return false;
  }
  if (c.regime != k_no_regime) {
    if (c.regime >= core::k_regime_count) return false;
    request.regime = static_cast<core::regime>(c.regime);
  }
  request.step_count = static_cast<std::size_t>(c.args[1]);
  for (std::size_t i = 0; i < request.step_count; ++i) {
    request.steps[i] = signal{static_cast<component_id>(static_cast<std::uint8_t>(c.text[2 * i])),
                              static_cast<std::uint8_t>(c.text[2 * i + 1])};
  }
  anchor_ticks = c.args[0];
  return request.step_count > 0 || request.regime.has_value() || anchor_ticks > 0;
}

void signal_sequencer::start(const signal_request& request) noexcept {
  request_ = request;
  position_ = 0;
  waiting_ = false;
  timed_out_ = false;
}

std::optional<signal> signal_sequencer::next(std::uint32_t open_orders, std::int64_t now_ns) noexcept {
  if (waiting_) {
    if (open_orders > 0) {
      if (now_ns - wait_since_ns_ < cancel_timeout_ns_) return std::nullopt;
      // Not confirmed in time: abandon the rest rather than trade on top.
      timed_out_ = true;
      waiting_ = false;
      position_ = request_.step_count;
      return std::nullopt;
    }
    waiting_ = false;
  }
  if (position_ >= request_.step_count) return std::nullopt;
  const signal s = request_.steps[position_++];
  if (s == signal::cancel_all) {
    waiting_ = true;
    wait_since_ns_ = now_ns;
  }
  return s;
}

}  // namespace tickrail::strategies
