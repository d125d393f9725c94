// tickrail/strategies/components.hpp — the production component list,
// generated from the one list in component_id.hpp. Include this where the
// component types are needed (the bot, its config); component_id.hpp alone
// where only the ids are.
#pragma once

#include "tickrail/strategies/bracket.hpp"
#include "tickrail/strategies/component_id.hpp"
#include "tickrail/strategies/grid.hpp"
#include "tickrail/strategies/ladders.hpp"
#include "tickrail/strategies/ma_crossover.hpp"
#include "tickrail/strategies/market_maker.hpp"
#include "tickrail/strategies/options.hpp"
#include "tickrail/strategies/position_components.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {
namespace detail {
// component_list<void, A, B, ...> minus the leading void: lets the X-macro
// put a comma before every entry.
template <typename... C>
struct drop_void;
template <typename... C>
struct drop_void<void, C...> {
  using type = component_list<C...>;
};
}  // namespace detail

#define TICKRAIL_X(name, type) , type
using production_components = detail::drop_void<void TICKRAIL_STRATEGY_COMPONENTS(TICKRAIL_X)>::type;
#undef TICKRAIL_X

static_assert(production_components::count == k_component_count, "the enum and the list come from one X-macro");
#define TICKRAIL_X(name, type)                                                                           \
  static_assert(production_components::id_of<type> == component_id::name &&                              \
                    production_components::names[static_cast<std::size_t>(component_id::name)] == #name, \
                "component " #name ": descriptor name or position disagrees with the list");
TICKRAIL_STRATEGY_COMPONENTS(TICKRAIL_X)
#undef TICKRAIL_X

}  // namespace tickrail::strategies
