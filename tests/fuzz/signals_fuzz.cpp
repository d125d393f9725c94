// Fuzz target: arbitrary bytes as a webhook / control request's `signal`,
// `regime` and `anchorPrice` fields (newline-separated). Any input yields a
// request or an error — never a crash — and a request that parses runs
// through the sequencer to completion in bounded steps.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tickrail/strategies/signals.hpp"

namespace ts = tickrail::strategies;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view fields[3];
  for (auto& f : fields) {
    const std::size_t nl = text.find('\n');
    f = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  const auto request = ts::parse_signal_request(fields[0], fields[1], fields[2]);
  if (!request.ok()) {
    if (request.status().message().empty()) std::abort();
    return 0;
  }
  if (request->step_count > ts::signal_request::k_max_steps) std::abort();
  ts::signal_sequencer seq(100);
  seq.start(*request);
  std::size_t handed_out = 0;
  for (std::int64_t t = 0; t < 1000 && seq.busy(); t += 10) {
    while (seq.next(t < 50 ? 1 : 0, t)) ++handed_out;
  }
  if (seq.busy() || handed_out != request->step_count) std::abort();
  return 0;
}
