#include "tickrail/deribit/instrument_fetch.hpp"

#include <boost/asio/io_context.hpp>

#include <cmath>
#include <cstdlib>
#include <map>

#include "absl/strings/str_cat.h"
#include "tickrail/deribit/instruments.hpp"
#include "tickrail/deribit/session.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/json/dom.hpp"

namespace tickrail::deribit {

absl::StatusOr<std::vector<std::string>> rpc_once(const net::ws_endpoint& endpoint,
                                                  std::span<const std::string> requests,
                                                  std::chrono::milliseconds timeout) {
  using namespace std::chrono_literals;
  boost::asio::io_context io;
  std::map<std::int64_t, std::string> replies;  // by request id = index + 1
  bool open = false, closed = false;
  std::string why;
  net::ws_client client(io, {[&] { open = true; },
                             [&](std::string_view text) {
                               const std::size_t at = text.find("\"id\":");
                               if (at == std::string_view::npos) return;
                               const std::int64_t id =
                                   std::strtoll(std::string(text.substr(at + 5, 20)).c_str(), nullptr, 10);
                               if (id >= 1 && id <= static_cast<std::int64_t>(requests.size())) {
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
  while (std::chrono::steady_clock::now() < deadline && !closed && replies.size() < requests.size()) {
    io.restart();
    io.run_for(20ms);
    if (open && !sent) {
      sent = true;
      for (const std::string& r : requests) client.send(r);
    }
  }
  client.close();
  io.restart();
  io.run_for(100ms);
  if (!sent) return absl::UnavailableError(absl::StrCat("venue unreachable: ", why.empty() ? "timed out" : why));
  if (replies.size() < requests.size()) {
    return absl::DeadlineExceededError(
        absl::StrCat("no reply within ", timeout.count(), " ms", why.empty() ? "" : absl::StrCat(" (", why, ")")));
  }
  std::vector<std::string> out;
  for (auto& [id, text] : replies) out.push_back(std::move(text));
  return out;
}

absl::Status fetch_instruments(const net::ws_endpoint& endpoint, std::span<const std::string> currencies,
                               core::instrument_catalog& catalog, std::chrono::milliseconds timeout) {
  if (currencies.empty()) return absl::InvalidArgumentError("no currencies to load instruments for");
  std::vector<std::string> requests;
  for (std::size_t i = 0; i < currencies.size(); ++i) {
    std::string request =
        absl::StrCat(R"({"jsonrpc":"2.0","id":)", i + 1, R"(,"method":"public/get_instruments","params":{"currency":)");
    append_json_string(request, currencies[i]);
    request += "}}";
    requests.push_back(std::move(request));
  }
  auto replies = rpc_once(endpoint, requests, timeout);
  if (!replies.ok()) {
    if (absl::IsDeadlineExceeded(replies.status())) {
      return absl::DeadlineExceededError(absl::StrCat("public/get_instruments: ", replies.status().message()));
    }
    return replies.status();
  }
  for (std::size_t i = 0; i < replies->size(); ++i) {
    const absl::Status s = load_instruments((*replies)[i], catalog);
    if (!s.ok()) return absl::Status(s.code(), absl::StrCat("instruments of ", currencies[i], ": ", s.message()));
  }
  return absl::OkStatus();
}

std::optional<std::string> chart_resolution(std::int64_t period_ms) {
  constexpr std::int64_t k_minute = 60'000;
  if (period_ms == 86'400'000) return "1D";
  for (const std::int64_t m : {1, 3, 5, 10, 15, 30, 60, 120, 180, 360, 720}) {
    if (period_ms == m * k_minute) return std::to_string(m);
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<candle>> parse_chart_data(std::string_view reply, const core::instrument& inst) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(reply.data(), reply.size()).get(doc) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("chart data: not JSON");
  }
  simdjson::dom::object result;
  if (doc["result"].get_object().get(result) != simdjson::SUCCESS) {
    std::string_view message;
    if (doc["error"]["message"].get_string().get(message) != simdjson::SUCCESS) message = {};
    return absl::InvalidArgumentError(
        absl::StrCat("chart data: no result", message.empty() ? "" : ": ", core::to_absl(message)));
  }
  simdjson::dom::array ticks, closes;
  if (result["ticks"].get_array().get(ticks) != simdjson::SUCCESS ||
      result["close"].get_array().get(closes) != simdjson::SUCCESS || ticks.size() != closes.size()) {
    return absl::InvalidArgumentError("chart data: ticks and close missing or of different lengths");
  }
  std::vector<candle> out;
  out.reserve(ticks.size());
  auto t = ticks.begin();
  for (simdjson::dom::element c : closes) {
    candle k;
    double close = 0;
    if ((*t).get_int64().get(k.open_ms) != simdjson::SUCCESS || c.get_double().get(close) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError("chart data: a tick or close is not a number");
    }
    ++t;
    core::decimal d;
    if (core::decimal_from_double(close, d) != core::fp_error::ok ||
        inst.tick.to_units(d, core::rounding::nearest, k.close_ticks) != core::fp_error::ok || k.close_ticks <= 0) {
      continue;  // a close that is no price (0 before the instrument traded)
    }
    out.push_back(k);
  }
  return out;
}

std::optional<std::int64_t> parse_ticker_funding_8h(std::string_view reply) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(reply.data(), reply.size()).get(doc) != simdjson::SUCCESS) return std::nullopt;
  double funding = 0;
  if (doc["result"]["funding_8h"].get_double().get(funding) != simdjson::SUCCESS) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(funding * 1e9));
}

}  // namespace tickrail::deribit
