// Fuzz target: arbitrary bytes as a config file's [risk] section, against a
// small catalog. Any input yields limits or an error naming the source —
// never a crash, hang or escaped exception — and limits that parse are
// internally consistent.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "support/risk_fixture.hpp"
#include "tickrail/core/risk_limits.hpp"

namespace tr = tickrail::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tr::instrument_catalog catalog = tickrail::test::make_risk_catalog();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = tr::parse_risk_limits_toml(text, "fuzz.toml", catalog);
  if (!result.ok()) {
    if (std::string_view(result.status().message().data(), result.status().message().size()).find("fuzz.toml") ==
        std::string_view::npos) {
      std::abort();  // every error must say where
    }
    return 0;
  }
  if (result->instruments.size() != catalog.size()) std::abort();
  for (const tr::instrument_limits& l : result->instruments) {
    if (!l.configured) continue;
    if (l.max_order_qty_lots <= 0 || l.max_order_qty_lots > l.max_position_lots) std::abort();
    if (l.max_notional_units <= 0 || (l.collar_ppm <= 0 && l.collar_ticks <= 0)) std::abort();
    if (l.max_open_orders == 0 || l.max_open_orders > tr::risk_limits::k_max_open_orders) std::abort();
  }
  return 0;
}
