// tickrail/strategies/registry.hpp — what a strategy component is to the
// bot, and the compile-time component list the bot, its config and the
// signal names are generated from.
//
// A component type is its own descriptor: traits the list reads at compile
// time and uniform hooks the bot calls, all statically (no virtual call, no
// std::function, no allocation per event):
//
//   using params = ...;                  what its config table parses into
//   static constexpr std::string_view name = "grid";   config table and `start` name
//   static constexpr bool loop = true;   runs on every book once started (false: acts once, on start)
//   static constexpr std::array signals{signal_name{"grid"}};   its signal names (action 0 starts it)
//   static absl::StatusOr<params> parse(const config_table&);   its config table (cold path)
//   C(const params&, core::instrument_id, std::uint16_t component, order_ids&);
//   on_book(view, header, sizing, sink)     a valid book of the bot's instrument, while running (loops)
//   on_exec(report, header, sizing, sink)   every exec report of the bot; sizing gates to zero while stopped
//   on_timer(header, sizing, sink)          timer events, while running (loops)
//   on_anchor(anchor, header, sizing, sink) an anchorPrice signal, while running
//   start(view, header, sizing, sink)       a signal started it; false = refused (counted)
//   stop(header, sink)                      cancel_all / stop: cancel what it keeps state about
//
// Deriving from component_hooks gives no-op hooks (and no signals) for the
// ones a component has no use for; the bot calls the derived type, so a
// hook a component defines hides the no-op. Optional traits:
// `not_in_start` (a reason the `start` list may not name it) and
// `run_by_bot` (its signals need the bot's own state: options).
//
// component_list<C...> numbers the components 1..N in order (0 is the bot)
// and generates from that order the name table, the signal table, the
// config storage and the bot's component storage. components.hpp holds the
// production list; a test extends it (extended<production_components, X>)
// and instantiates the bot and the config parser on the result.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "tickrail/core/events.hpp"
#include "tickrail/core/order_book.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/signals.hpp"

namespace tickrail::strategies {

class config_table;  // one component's config table and how to read it (config_reader.hpp)

// What a component sees of its bot on a hook.
struct bot_view {
  const core::order_book* book = nullptr;  // the bot instrument's book (valid on on_book); null when none
  position_view position{};                // the bot's position in its instrument (a core::position)
  core::ticks anchor_ticks = 0;            // start: the request's anchorPrice in ticks, 0 when none
};

// One signal name of a component and the action it asks for.
struct signal_name {
  std::string_view name;
  std::uint8_t action = 0;
};

// The no-op hooks: derive from this and define only the hooks you use.
struct component_hooks {
  static constexpr std::array<signal_name, 0> signals{};
  static constexpr std::string_view not_in_start{};
  static constexpr bool run_by_bot = false;

  void on_book(const bot_view&, const core::event_header&, sizing, intent_sink&) noexcept {}
  void on_exec(const core::exec_report&, const core::event_header&, sizing, intent_sink&) noexcept {}
  void on_timer(const core::event_header&, sizing, intent_sink&) noexcept {}
  void on_anchor(core::ticks, const core::event_header&, sizing, intent_sink&) noexcept {}
  bool start(const bot_view&, const core::event_header&, sizing, intent_sink&) noexcept { return true; }
  void stop(const core::event_header&, intent_sink&) noexcept {}
};

// The adapter of a book loop that can be re-anchored (grid, dip_buyer):
// `Impl` has on_book(book, h, sizing, sink), on_exec(report, h, sizing,
// sink), set_anchor(anchor, h, sizing, sink) and maybe stop(h, sink). An
// anchorPrice given with the start signal, or later while it runs, moves
// its anchor. The descriptor adds name, signals and parse.
template <typename Impl, typename Params>
struct anchored_loop : component_hooks {
  using params = Params;
  static constexpr bool loop = true;

  anchored_loop(const Params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_book(*v.book, h, z, sink);
  }
  void on_exec(const core::exec_report& x, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_exec(x, h, z, sink);
  }
  void on_anchor(core::ticks anchor, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.set_anchor(anchor, h, z, sink);
  }
  bool start(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    if (v.anchor_ticks > 0) impl.set_anchor(v.anchor_ticks, h, z, sink);
    return true;
  }
  void stop(const core::event_header& h, intent_sink& sink) noexcept {
    if constexpr (requires { impl.stop(h, sink); }) impl.stop(h, sink);  // dip_buyer has none
  }

  Impl impl;
};

template <typename C>
concept strategy_component = std::convertible_to<decltype(C::name), std::string_view> &&
    std::same_as<decltype(C::loop), const bool> && std::convertible_to<decltype(C::not_in_start), std::string_view> &&
    std::same_as<decltype(C::run_by_bot), const bool> &&
    std::constructible_from<C, const typename C::params&, core::instrument_id, std::uint16_t, order_ids&> &&
    requires(C& c, const bot_view& v, const core::event_header& h, const core::exec_report& x, sizing z,
             intent_sink& sink, const config_table& t, core::ticks anchor) {
  { C::parse(t) } -> std::same_as<absl::StatusOr<typename C::params>>;
  { C::signals.size() } -> std::convertible_to<std::size_t>;
  { c.on_book(v, h, z, sink) }
  noexcept;
  { c.on_exec(x, h, z, sink) }
  noexcept;
  { c.on_timer(h, z, sink) }
  noexcept;
  { c.on_anchor(anchor, h, z, sink) }
  noexcept;
  { c.start(v, h, z, sink) }
  noexcept->std::same_as<bool>;
  { c.stop(h, sink) }
  noexcept;
};

// The components of a bot, in dispatch order. Everything here is constexpr
// or a type: the cost of the list is paid by the compiler.
template <strategy_component... C>
struct component_list {
  // With the bot (id 0): the size of every table by id.
  static constexpr std::size_t count = sizeof...(C) + 1;

  // Component D's id: its position in the list, 1-based.
  template <typename D>
  static constexpr component_id id_of = [] {
    constexpr bool same[] = {std::is_same_v<D, C>...};
    std::size_t i = 0;
    while (i < sizeof...(C) && !same[i]) ++i;
    static_assert(((std::is_same_v<D, C> ? 1 : 0) + ...) == 1, "not in the list (exactly once)");
    return static_cast<component_id>(i + 1);
  }();

  static constexpr std::array<std::string_view, count> names{std::string_view("bot"), std::string_view(C::name)...};
  static constexpr std::array<bool, count> loops{false, C::loop...};

  [[nodiscard]] static constexpr std::string_view name(component_id c) noexcept {
    const auto i = static_cast<std::size_t>(c);
    return i < count ? names[i] : "unknown";
  }
  [[nodiscard]] static constexpr std::optional<component_id> parse(std::string_view name) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      if (names[i] == name) return static_cast<component_id>(i);
    }
    return std::nullopt;
  }
  [[nodiscard]] static constexpr bool is_loop(component_id c) noexcept {
    const auto i = static_cast<std::size_t>(c);
    return i < count && loops[i];
  }

  // Every signal name: the bot's two, then each component's in list order.
  // A component's first name is its to_string; later ones are aliases.
  struct signal_entry {
    std::string_view name;
    signal value;
  };
  static constexpr std::size_t signal_count = 2 + (std::size_t{0} + ... + C::signals.size());
  static constexpr std::array<signal_entry, signal_count> signal_table = [] {
    std::array<signal_entry, signal_count> out{};
    std::size_t n = 0;
    out[n++] = {"start_bot", signal::start_bot};
    out[n++] = {"cancel_all", signal::cancel_all};
    (
        [&] {
          for (const signal_name& s : C::signals) out[n++] = {s.name, signal{id_of<C>, s.action}};
        }(),
        ...);
    return out;
  }();

  [[nodiscard]] static constexpr std::optional<signal> parse_signal(std::string_view name) noexcept {
    for (const signal_entry& e : signal_table) {
      if (e.name == name) return e.value;
    }
    return std::nullopt;
  }
  [[nodiscard]] static constexpr std::string_view signal_string(signal s) noexcept {
    for (const signal_entry& e : signal_table) {
      if (e.value == s) return e.name;
    }
    return "unknown";
  }
  // A signal some name of this list spells (commands carry raw codes).
  [[nodiscard]] static constexpr bool known(signal s) noexcept {
    for (const signal_entry& e : signal_table) {
      if (e.value == s) return true;
    }
    return false;
  }

  // Per-bot config: component i's parsed table, if it had one.
  using config_storage = std::tuple<std::optional<typename C::params>...>;
  // Per-bot components: constructed when configured.
  using storage = std::tuple<std::optional<C>...>;

  // Calls f(std::type_identity<C>{}, std::integral_constant<std::size_t, I>{})
  // for each component in order (I is its index in the tuples; its id is I + 1).
  template <typename F>
  static constexpr void for_each(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::type_identity<C>{}, std::integral_constant<std::size_t, I>{}), ...);
    }
    (std::index_sequence_for<C...>{});
  }
};

// A list with more components after L's (a test's extra component).
template <typename L, typename... More>
struct extend_list;
template <typename... C, typename... More>
struct extend_list<component_list<C...>, More...> {
  using type = component_list<C..., More...>;
};
template <typename L, typename... More>
using extended = typename extend_list<L, More...>::type;

}  // namespace tickrail::strategies
