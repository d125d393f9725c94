// Fuzz target: arbitrary bytes as what a client sends tickrail-venue —
// newline-separated WebSocket text frames (JSON-RPC requests, broken or not)
// with market steps in between, or, for input starting "GET " / "POST ", one
// HTTP request (first line: verb and target; the rest: the body). Never a
// crash, a hang or undefined behaviour (ASan/UBSan), and everything the
// simulator sends back is a JSON object — an error reply at worst.
#include <boost/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "venue/core.hpp"

namespace {

constexpr std::int64_t k_start_ms = 1795323600000;  // 2026-11-22 05:00 UTC

void check_json_object(const std::string& text) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tickrail::venue;
  venue_config config;
  config.market.seed = 1;
  config.market.start_ms = k_start_ms;
  config.market.currencies = {"BTC"};
  venue_core core(config, k_start_ms);
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (in.starts_with("GET ") || in.starts_with("POST ")) {
    const std::size_t sp = in.find(' ');
    const std::size_t nl = in.find('\n');
    const std::string_view verb = in.substr(0, sp);
    const std::string_view target =
        in.substr(sp + 1, nl == std::string_view::npos ? std::string_view::npos : nl - sp - 1);
    const std::string_view body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    const http_reply r = core.on_http(verb, target, body, {}, k_start_ms);
    if (r.status == 200 || r.status == 400 || r.status == 401) check_json_object(r.body);
    return 0;
  }

  bool closed = false;
  session& s = core.open_session(
      true, [](std::string msg) { check_json_object(msg); }, [&closed] { closed = true; });
  const std::uint64_t id = s.id;
  std::int64_t now = k_start_ms;
  std::string_view rest = in;
  for (int frames = 0; !rest.empty() && frames < 256 && !closed; ++frames) {
    const std::size_t nl = rest.find('\n');
    const std::string_view frame = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    session* live = core.find_session(id);
    if (live == nullptr) break;
    core.on_message(*live, frame, now);
    now += 150;  // a market step or so between frames
    core.tick(now);
  }
  core.close_session(id);  // cancel-on-disconnect, if it was enabled
  return 0;
}
