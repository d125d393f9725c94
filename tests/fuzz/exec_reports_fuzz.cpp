// Fuzz target: a trading connection's frames (one per line) through the
// Deribit exec-report parser and the gateway's order state machine. Lines
// starting with "SEND <bot> <counter>" register a placed order first, so
// acknowledgements, fills and errors meet tracked orders.
// Invariants: events only on ok; every event names a known instrument (or
// none, for portfolio); filled never exceeds the amount; a terminal order
// never leaves its terminal state; positions stay within the sum of fills.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "tickrail/core/order_tracker.hpp"
#include "tickrail/deribit/exec_parser.hpp"
#include "deribit_catalog.hpp"
#include "tickrail/deribit/order_encoder.hpp"

namespace {

#define TR_FUZZ_ASSERT(cond)   \
  do {                         \
    if (!(cond)) std::abort(); \
  } while (false)

const tickrail::core::instrument_catalog& catalog() { return tickrail::fuzz::deribit_catalog(); }

std::uint64_t number(std::string_view& s) {
  std::uint64_t v = 0;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.front() >= '0' && s.front() <= '9' && v < (1ull << 40)) {
    v = v * 10 + static_cast<std::uint64_t>(s.front() - '0');
    s.remove_prefix(1);
  }
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace core = tickrail::core;
  static const tickrail::deribit::order_encoder labels(catalog(), "tr");
  static tickrail::deribit::exec_parser parser(catalog(), labels, {1 << 16, 256});
  core::order_tracker tracker(64, catalog().size(), 64);
  std::unordered_map<core::client_order_id, core::order_state> terminal;
  core::lots fills = 0;
  std::int64_t request_id = 0;

  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const std::size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    if (line.starts_with("SEND ")) {
      line.remove_prefix(5);
      const auto bot = static_cast<std::uint16_t>(number(line));
      core::order_request r{};
      r.intent.kind = core::intent_kind::place;
      r.intent.cl_ord_id = core::make_client_order_id(bot, number(line));
      r.intent.instrument = 0;
      r.intent.qty_lots = 1;
      (void)tracker.on_sent(r, ++request_id);
      continue;
    }
    const core::feed_error e = parser.parse(line, 0);
    if (e != core::feed_error::ok) TR_FUZZ_ASSERT(parser.events().empty());
    const tickrail::deribit::rpc_frame& f = parser.frame();
    if (f.kind == tickrail::deribit::frame_kind::error) {
      core::event rej{};
      if (tracker.on_error(f.id, f.error_code, 0, rej)) TR_FUZZ_ASSERT(rej.exec.kind == core::exec_kind::reject);
    }
    for (const core::event& ev : parser.events()) {
      const core::exec_report& x = ev.exec;
      TR_FUZZ_ASSERT(ev.header.instrument < catalog().size() ||
                     (x.kind == core::exec_kind::portfolio && ev.header.instrument == core::no_instrument));
      TR_FUZZ_ASSERT(x.filled_lots <= x.qty_lots || x.kind == core::exec_kind::fill ||
                     x.kind == core::exec_kind::position);
      core::event copy = ev;
      const core::report_verdict v = tracker.on_report(copy);
      if (v == core::report_verdict::applied && x.kind == core::exec_kind::fill) fills += x.last_qty_lots;
      if (copy.exec.cl_ord_id == 0) continue;
      const core::order_tracker::order* o = tracker.find(copy.exec.cl_ord_id);
      if (o == nullptr) continue;
      const auto it = terminal.find(o->id);
      if (it != terminal.end()) TR_FUZZ_ASSERT(o->state == it->second);
      if (core::is_terminal(o->state)) terminal.emplace(o->id, o->state);
    }
  }
  const core::lots pos = tracker.position_of(0).qty_lots;
  TR_FUZZ_ASSERT(pos <= fills && pos >= -fills);
  return 0;
}
