#include "tickrail/deribit/instrument_fetch.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <map>

#include "absl/strings/str_cat.h"
#include "tickrail/deribit/instruments.hpp"
#include "tickrail/deribit/session.hpp"

namespace tickrail::deribit {

absl::Status fetch_instruments(const net::ws_endpoint& endpoint, std::span<const std::string> currencies,
                               core::instrument_catalog& catalog, std::chrono::milliseconds timeout) {
  using namespace std::chrono_literals;
  if (currencies.empty()) return absl::InvalidArgumentError("no currencies to load instruments for");
  boost::asio::io_context io;
  std::map<std::int64_t, std::string> replies;  // by request id = currency index + 1
  bool open = false, closed = false;
  std::string why;
  net::ws_client client(io, {[&] { open = true; },
                             [&](std::string_view text) {
                               const std::size_t at = text.find("\"id\":");
                               if (at == std::string_view::npos) return;
                               const std::int64_t id =
                                   std::strtoll(std::string(text.substr(at + 5, 20)).c_str(), nullptr, 10);
                               if (id >= 1 && id <= static_cast<std::int64_t>(currencies.size())) {
                                 replies[id] = std::string(text);
                               }
                             },
                             [&](std::string_view reason) {
                               closed = true;
                               why = reason;
                             }});
  client.open(endpoint);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool sent = false;
  while (std::chrono::steady_clock::now() < deadline && !closed && replies.size() < currencies.size()) {
    io.restart();
    io.run_for(20ms);
    if (open && !sent) {
      sent = true;
      for (std::size_t i = 0; i < currencies.size(); ++i) {
        std::string request = absl::StrCat(R"({"jsonrpc":"2.0","id":)", i + 1,
                                           R"(,"method":"public/get_instruments","params":{"currency":)");
        append_json_string(request, currencies[i]);
        request += "}}";
        client.send(request);
      }
    }
  }
  client.close();
  io.restart();
  io.run_for(100ms);
  if (!sent) return absl::UnavailableError(absl::StrCat("venue unreachable: ", why.empty() ? "timed out" : why));
  if (replies.size() < currencies.size()) {
    return absl::DeadlineExceededError(absl::StrCat("no reply to public/get_instruments within ", timeout.count(),
                                                    " ms", why.empty() ? "" : absl::StrCat(" (", why, ")")));
  }
  for (const auto& [id, text] : replies) {
    const absl::Status s = load_instruments(text, catalog);
    if (!s.ok()) {
      return absl::Status(
          s.code(), absl::StrCat("instruments of ", currencies[static_cast<std::size_t>(id - 1)], ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace tickrail::deribit
