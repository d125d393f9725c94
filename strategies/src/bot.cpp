// The production bot: basic_bot over production_components, compiled once.
#include "tickrail/strategies/bot.hpp"

#include "tickrail/strategies/bot_impl.hpp"

namespace tickrail::strategies {

template class basic_bot<production_components>;

}  // namespace tickrail::strategies
