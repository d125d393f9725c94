// tickrail/strategies/component.hpp — what every strategy component is
// built from: the sink its intents go into, the per-bot client order id
// counter, the set of its own working orders, and how a regime multiplier
// scales a size.
//
// Components are pure logic (DESIGN §4): they see sequenced events — a valid
// book, fills and order updates for their own orders, timers, commands — and
// push order intents into an `intent_sink` the strategy stage drains into the
// risk ring after each event. No I/O, no clock (time is the event's), no
// randomness, no allocation per event: every container here is fixed-size
// and sized at construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tickrail/core/events.hpp"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/position.hpp"
#include "tickrail/core/regime.hpp"

namespace tickrail::strategies {

// What the position components see of the bot's position: the quantity
// and average entry of its core::position (the one average-entry rule,
// core/position.hpp); the bot holds the position, components only read it.
struct position_view {
  core::lots position_lots = 0;
  core::ticks avg_entry_ticks = 0;  // 0 when flat
};
[[nodiscard]] constexpr position_view view_of(const core::position& p) noexcept {
  return {p.qty_lots, p.avg_entry_ticks};
}

// Intents produced while handling one event. Full → the intent is refused
// and counted (a component that emits more than this per event is a bug the
// counter makes visible; nothing blocks).
class intent_sink {
 public:
  static constexpr std::size_t k_capacity = 128;

  [[nodiscard]] bool push(const core::order_intent& intent) noexcept {
    if (size_ == k_capacity) {
      ++refused_;
      return false;
    }
    intents_[size_++] = intent;
    return true;
  }
  [[nodiscard]] std::span<const core::order_intent> intents() const noexcept { return {intents_.data(), size_}; }
  void clear() noexcept { size_ = 0; }
  [[nodiscard]] std::uint64_t refused() const noexcept { return refused_; }

 private:
  std::array<core::order_intent, k_capacity> intents_{};
  std::size_t size_ = 0;
  std::uint64_t refused_ = 0;
};

// Client order ids for one bot: the bot in the top 16 bits, a counter below
// that only increases (risk refuses anything else, risk.hpp). Seed the
// counter from the start time (e.g. ms since the epoch × 1000) so a restart
// never reuses an id.
class order_ids {
 public:
  order_ids(std::uint16_t bot, std::uint64_t first_counter) noexcept : bot_(bot), next_(first_counter) {}
  [[nodiscard]] core::client_order_id next() noexcept { return core::make_client_order_id(bot_, next_++); }
  [[nodiscard]] std::uint16_t bot() const noexcept { return bot_; }

 private:
  std::uint16_t bot_;
  std::uint64_t next_;
};

// Open option positions stack a second multiplier on the regime's (DESIGN
// §4): which one applies depends on the bot's option exposure. Configurable
// per bot; the defaults leave sizes alone.
enum class option_exposure : std::uint8_t { none, put, call };
struct options_multipliers {
  core::regime_multipliers none{1000, 1000};
  core::regime_multipliers put{1000, 1000};  // e.g. hedged by puts: buy more freely
  core::regime_multipliers call{1000, 1000};
};

// What sizes a component's orders: the regime's multipliers, stacked with
// the options multipliers by the bot. Converts implicitly from a regime (the
// plain multipliers) so a component can be driven by either.
struct sizing {
  constexpr sizing(core::regime r) noexcept : m(core::multipliers(r)) {}  // NOLINT(google-explicit-constructor)
  constexpr sizing(core::regime_multipliers mm) noexcept : m(mm) {}       // NOLINT(google-explicit-constructor)
  core::regime_multipliers m;
};

// Regime × options multipliers, multiplied (permille × permille / 1000): a
// zero from either stays zero — a gate is never undone by stacking.
[[nodiscard]] constexpr core::regime_multipliers stacked(core::regime r, option_exposure e,
                                                         const options_multipliers& o) noexcept {
  const core::regime_multipliers a = core::multipliers(r);
  const core::regime_multipliers b = e == option_exposure::put ? o.put : e == option_exposure::call ? o.call : o.none;
  return {a.buy_permille * b.buy_permille / 1000, a.sell_permille * b.sell_permille / 1000};
}

// size × the multiplier for the side, rounded down to whole lots. A zero
// multiplier gives zero whatever the size (the gate is never undone).
[[nodiscard]] constexpr core::lots scaled(core::lots size, core::regime_multipliers m, core::side s) noexcept {
  const std::int64_t permille = s == core::side::buy ? m.buy_permille : m.sell_permille;
  return permille <= 0 || size <= 0 ? 0 : static_cast<core::lots>(static_cast<core::int128_t>(size) * permille / 1000);
}
[[nodiscard]] constexpr core::lots scaled(core::lots size, core::regime r, core::side s) noexcept {
  return scaled(size, core::multipliers(r), s);
}
[[nodiscard]] constexpr core::lots scaled(core::lots size, sizing z, core::side s) noexcept {
  return scaled(size, z.m, s);
}

// The orders one component has working, by client order id: what it asked
// for and what the venue has told it since. Fixed capacity; linear scans
// (a component works tens of orders, not thousands).
struct working_order {
  core::client_order_id id = 0;
  core::side order_side = core::side::buy;
  core::ticks price_ticks = 0;
  core::lots qty_lots = 0;
  core::lots filled_lots = 0;
  bool cancel_sent = false;
  std::int32_t level = 0;  // component-defined (e.g. grid level)
};

class working_orders {
 public:
  explicit working_orders(std::size_t capacity) : orders_(capacity) {}

  // False when full.
  [[nodiscard]] bool add(const working_order& o) noexcept {
    for (working_order& slot : orders_) {
      if (slot.id == 0) {
        slot = o;
        ++size_;
        return true;
      }
    }
    return false;
  }
  [[nodiscard]] working_order* find(core::client_order_id id) noexcept {
    if (id == 0) return nullptr;
    for (working_order& o : orders_) {
      if (o.id == id) return &o;
    }
    return nullptr;
  }
  void remove(core::client_order_id id) noexcept {
    if (working_order* o = find(id)) {
      *o = working_order{};
      --size_;
    }
  }
  template <typename F>
  void for_each(F&& f) noexcept {
    for (working_order& o : orders_) {
      if (o.id != 0) f(o);
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::vector<working_order> orders_;
  std::size_t size_ = 0;
};

// Distances and shares are parts per million (1 % = 10 000).
inline constexpr std::int64_t k_ppm = 1'000'000;

// price × (1 + ppm / 1e6), ppm may be negative; truncated toward zero and
// clamped to the int64 range (inputs that far out are corrupt, and callers
// refuse non-positive prices).
[[nodiscard]] constexpr core::ticks scale_ppm(core::ticks price, std::int64_t ppm) noexcept {
  const core::int128_t v = static_cast<core::int128_t>(price) * (k_ppm + ppm) / k_ppm;
  return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : static_cast<core::ticks>(v);
}

// a + b, or nullopt-like 0 when it overflows (prices and offsets built from
// venue data must not wrap); callers treat 0 as "no valid price".
[[nodiscard]] constexpr core::ticks offset_price(core::ticks a, core::ticks b) noexcept {
  core::ticks out = 0;
  return __builtin_add_overflow(a, b, &out) ? 0 : out;
}

// Adds a reported fill to a running total: non-positive quantities are
// ignored and the total saturates (venue numbers are untrusted).
constexpr void add_fill(core::lots& total, core::lots qty) noexcept {
  if (qty <= 0) return;
  if (__builtin_add_overflow(total, qty, &total)) total = INT64_MAX;
}

// True when a report ends an order: a reject, or an update to cancelled,
// rejected or filled.
[[nodiscard]] constexpr bool ends_order(const core::exec_report& x) noexcept {
  return x.kind == core::exec_kind::reject ||
         ((x.kind == core::exec_kind::order_update || x.kind == core::exec_kind::order_ack) &&
          (x.state == core::order_state::cancelled || x.state == core::order_state::rejected ||
           x.state == core::order_state::filled));
}

// Fills in the fields every intent of a component shares.
[[nodiscard]] inline core::order_intent make_intent(core::intent_kind kind, core::instrument_id instrument,
                                                    std::uint16_t bot, std::uint16_t component,
                                                    const core::event_header& trigger) noexcept {
  core::order_intent in{};
  in.kind = kind;
  in.instrument = instrument;
  in.bot = bot;
  in.component = component;
  in.trigger_sequence = trigger.sequence;
  in.trigger_local_ts_ns = trigger.local_ts_ns;
  in.type = core::order_type::limit;
  in.tif = core::time_in_force::good_til_cancelled;
  return in;
}

// A cancel intent for every working order that has none in flight yet.
inline void cancel_working(working_orders& working, core::instrument_id instrument, std::uint16_t bot,
                           std::uint16_t component, const core::event_header& h, intent_sink& sink) noexcept {
  working.for_each([&](working_order& o) {
    if (o.cancel_sent) return;
    core::order_intent in = make_intent(core::intent_kind::cancel, instrument, bot, component, h);
    in.cl_ord_id = o.id;
    in.order_side = o.order_side;
    if (sink.push(in)) o.cancel_sent = true;
  });
}

}  // namespace tickrail::strategies
