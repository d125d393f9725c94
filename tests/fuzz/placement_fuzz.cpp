// Fuzz target: arbitrary bytes as a config file's [placement] section. Any
// input yields a placement or an error naming the source — never a crash,
// hang or escaped exception.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tickrail/core/placement.hpp"

namespace tr = tickrail::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = tr::parse_placement_toml(text, "fuzz.toml");
  if (!result.ok()) {
    if (std::string_view(result.status().message().data(), result.status().message().size()).find("fuzz.toml") ==
        std::string_view::npos) {
      std::abort();  // every error must say where
    }
    return 0;
  }
  static const std::string k_stage_names[] = {"sequencer", "strategy", "risk", "feed", "gateway"};
  static const int k_cpus[] = {0, 1};
  (void)tr::validate_placement(*result, k_stage_names, k_cpus);
  return 0;
}
