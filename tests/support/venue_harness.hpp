// tests/support/venue_harness.hpp — an in-process tickrail-venue on a free
// loopback port (its own I/O thread), and a small blocking JSON-RPC client
// over WS or WSS for the integration tests. Every read has a deadline, so a
// test that waits for something that never comes fails instead of hanging.
//
// The Beast client lives in venue_harness.cpp (compiled once into
// tickrail_test_venue): test files include only Boost.JSON and the SSL
// context, which keeps their compile time — under ASan especially — small.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "venue/core.hpp"
#include "venue/server.hpp"

namespace tickrail::test {

namespace json = boost::json;
namespace ssl = boost::asio::ssl;

// 2026-11-22 05:00 UTC: fixed, so instrument names are the same every run.
inline constexpr std::int64_t k_venue_start_ms = 1795323600000;

venue::venue_config test_venue_config();

class venue_process {
 public:
  explicit venue_process(venue::venue_config config = test_venue_config(), std::string cert = {}, std::string key = {});
  ~venue_process();
  venue_process(const venue_process&) = delete;
  venue_process& operator=(const venue_process&) = delete;
  [[nodiscard]] std::uint16_t port() const;
  // The venue's simulated wall clock (ms since the epoch; its market starts
  // at k_venue_start_ms): what a client of this venue injects as its wall
  // clock.
  [[nodiscard]] std::int64_t venue_now_ms() const;
  // How many requests named `method` the venue received over WS and HTTP
  // (venue_core::method_calls): callable from the test thread while the
  // venue's I/O thread runs.
  [[nodiscard]] std::uint64_t method_calls(std::string_view method) const;

 private:
  std::unique_ptr<venue::venue_core> core_;
  std::unique_ptr<venue::server> server_;
  std::thread thread_;
};

// One blocking WebSocket connection speaking JSON-RPC. Throws on connect or
// TLS failure.
class rpc_client {
 public:
  explicit rpc_client(std::uint16_t port, ssl::context* tls = nullptr, std::string host = "127.0.0.1");
  ~rpc_client();
  rpc_client(rpc_client&&) noexcept;
  rpc_client& operator=(rpc_client&&) noexcept;

  void send_text(const std::string& text);
  // Sends a request and returns its reply; notifications that arrive first
  // are kept (notifications()). Throws when no reply comes in time.
  json::object call(const std::string& method, const json::object& params = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The first kept or arriving message `match` accepts, within the timeout.
  std::optional<json::object> wait_notification(const std::function<bool(const json::object&)>& match,
                                                std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::optional<json::object> wait_channel(const std::string& channel,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the server closed the connection before the deadline.
  bool wait_closed(std::chrono::milliseconds timeout);
  // The next raw text frame (corrupt-frame checks); nullopt on timeout.
  std::optional<std::string> read_text(std::chrono::milliseconds timeout);
  std::deque<json::object>& notifications();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct http_result {
  int status = 0;
  std::string body;
};
// One HTTP request to the simulator (HTTPS with `tls`); `verb` is "GET" or "POST".
http_result http_call(std::uint16_t port, const std::string& verb, const std::string& target,
                      const std::string& body = {}, const std::string& authorization = {}, ssl::context* tls = nullptr);

inline json::object parse_object(const std::string& text) { return json::parse(text).as_object(); }

// A self-signed certificate for 127.0.0.1 (subjectAltName IP only) made by
// `openssl req`; `expired` makes one whose validity has already ended.
void make_test_certificate(const std::string& cert_path, const std::string& key_path, bool expired = false);

}  // namespace tickrail::test
