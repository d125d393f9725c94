// tickrail/strategies/component_id.hpp — THE list of the strategy components
// a bot can run, one line each. Everything that names a component is
// generated from it: the `component_id` enum below, the production
// component list (components.hpp: names, signals, config storage and parse
// dispatch, the bot's component storage and event dispatch).
//
// Adding a component: write it with its descriptor (registry.hpp says what
// a descriptor is; grid.hpp is an example), define its config parser, add
// one line here, include its header in components.hpp, and describe it in
// docs/architecture.md. Nothing else names it. The order is the dispatch order on every event, and the value is the
// `component` field of the intents it sends.
#pragma once

#include <cstddef>
#include <cstdint>

// X(enumerator, descriptor type). The enumerator is the component's config
// table and `start` name (components.hpp asserts the descriptor agrees).
#define TICKRAIL_STRATEGY_COMPONENTS(X)   \
  X(grid, grid_component)                 \
  X(main_mm, main_mm_component)           \
  X(fast_mm, fast_mm_component)           \
  X(slow_mm, slow_mm_component)           \
  X(dip_buyer, dip_buyer_component)       \
  X(min_order, min_order_component)       \
  X(take_profit, take_profit_component)   \
  X(threshold_tp, threshold_tp_component) \
  X(ladder, ladder_component)             \
  X(sell_ladder, sell_ladder_component)   \
  X(ma_crossover, ma_crossover_component) \
  X(bracket, bracket_component)           \
  X(options, options_component)

namespace tickrail::strategies {

// 0 is the bot itself (the cancels of cancel_all); component i of a
// component list is i + 1. An open enum: a list that extends the production
// one (a test's) names its extra components by value.
enum class component_id : std::uint16_t {
  bot = 0,
#define TICKRAIL_X(name, type) name,
  TICKRAIL_STRATEGY_COMPONENTS(TICKRAIL_X)
#undef TICKRAIL_X
};

// The production components, with the bot: the size of every table by id.
inline constexpr std::size_t k_component_count = 1
#define TICKRAIL_X(name, type) +1
    TICKRAIL_STRATEGY_COMPONENTS(TICKRAIL_X)
#undef TICKRAIL_X
    ;

}  // namespace tickrail::strategies
