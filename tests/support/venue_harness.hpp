// tests/support/venue_harness.hpp — an in-process tickrail-venue on a free
// loopback port (its own I/O thread), and a small blocking JSON-RPC client
// over WS or WSS for the integration tests. Every read has a deadline, so a
// test that waits for something that never comes fails instead of hanging.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "venue/core.hpp"
#include "venue/server.hpp"

namespace tickrail::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace json = boost::json;
using tcp = net::ip::tcp;

// 2026-11-22 05:00 UTC: fixed, so instrument names are the same every run.
inline constexpr std::int64_t k_venue_start_ms = 1795323600000;

inline venue::venue_config test_venue_config() {
  venue::venue_config c;
  c.market.seed = 42;
  c.market.start_ms = k_venue_start_ms;
  c.market.currencies = {"BTC", "ETH"};
  return c;
}

class venue_process {
 public:
  explicit venue_process(venue::venue_config config = test_venue_config(), std::string cert = {}, std::string key = {})
      : core_(std::make_unique<venue::venue_core>(config, venue::wall_ms())) {
    venue::server_config sc;
    sc.port = 0;
    sc.tls_cert = std::move(cert);
    sc.tls_key = std::move(key);
    server_ = std::make_unique<venue::server>(*core_, sc);
    server_->listen();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~venue_process() {
    server_->stop();
    thread_.join();
  }
  [[nodiscard]] std::uint16_t port() const { return server_->port(); }
 private:
  std::unique_ptr<venue::venue_core> core_;
  std::unique_ptr<venue::server> server_;
  std::thread thread_;
};

// One blocking WebSocket connection speaking JSON-RPC.
class rpc_client {
 public:
  using clock = std::chrono::steady_clock;

  rpc_client(std::uint16_t port, ssl::context* tls = nullptr, std::string host = "127.0.0.1") {
    tcp::resolver resolver(*io_);
    const auto results = resolver.resolve(host, std::to_string(port));
    if (tls != nullptr) {
      wss_ = std::make_unique<websocket::stream<beast::ssl_stream<beast::tcp_stream>>>(*io_, *tls);
      beast::get_lowest_layer(*wss_).connect(results);
      // SSL_set_tlsext_host_name, without the macro's C cast.
      if (SSL_ctrl(wss_->next_layer().native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   const_cast<char*>(host.c_str())) != 1) {
        throw std::runtime_error("SNI");
      }
      wss_->next_layer().set_verify_callback(ssl::host_name_verification(host));
      wss_->next_layer().handshake(ssl::stream_base::client);
      wss_->handshake(host, "/ws/api/v2");
    } else {
      ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(*io_);
      beast::get_lowest_layer(*ws_).connect(results);
      ws_->handshake(host, "/ws/api/v2");
    }
  }

  void send_text(const std::string& text) {
    if (ws_) ws_->write(net::buffer(text));
    else wss_->write(net::buffer(text));
  }

  // Sends a request and returns its reply (notifications that arrive first
  // are kept in notifications()).
  json::object call(const std::string& method, const json::object& params = {},
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const std::int64_t id = next_id_++;
    json::object req{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
    send_text(json::serialize(req));
    return wait_reply(id, timeout);
  }

  json::object wait_reply(std::int64_t id, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = clock::now() + timeout;
    while (true) {
      auto m = read_one(deadline);
      if (!m) throw std::runtime_error("no reply to request " + std::to_string(id));
      const json::value* rid = m->if_contains("id");
      if (rid != nullptr && rid->is_int64() && rid->get_int64() == id) return *m;
      notifications_.push_back(std::move(*m));
    }
  }

  // The next notification on `channel` (or any method == `method`) within the timeout.
  std::optional<json::object> wait_notification(const std::function<bool(const json::object&)>& match,
                                                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    for (auto it = notifications_.begin(); it != notifications_.end(); ++it) {
      if (match(*it)) {
        json::object m = std::move(*it);
        notifications_.erase(it);
        return m;
      }
    }
    const auto deadline = clock::now() + timeout;
    while (true) {
      auto m = read_one(deadline);
      if (!m) return std::nullopt;
      if (match(*m)) return m;
      notifications_.push_back(std::move(*m));
    }
  }
  std::optional<json::object> wait_channel(const std::string& channel,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return wait_notification(
        [&](const json::object& m) {
          const json::value* p = m.if_contains("params");
          return p != nullptr && p->is_object() && p->get_object().if_contains("channel") != nullptr &&
                 p->get_object().at("channel") == channel.c_str();
        },
        timeout);
  }

  // True when the server closed the connection before the deadline.
  bool wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = clock::now() + timeout;
    while (clock::now() < deadline) {
      try {
        auto m = read_one(deadline);
        if (!m && closed_) return true;
      } catch (const std::exception&) {
        return true;
      }
      if (closed_) return true;
    }
    return closed_;
  }

  // A raw text frame (for corrupt-frame checks); nullopt on timeout.
  std::optional<std::string> read_text(std::chrono::milliseconds timeout) {
    return read_raw(clock::now() + timeout);
  }

  std::deque<json::object>& notifications() { return notifications_; }
  [[nodiscard]] bool closed() const { return closed_; }

 private:
  // One read stays outstanding across calls: a deadline that passes leaves
  // it pending (cancelling a WebSocket read would fail the stream).
  std::optional<std::string> read_raw(clock::time_point deadline) {
    if (closed_) return std::nullopt;
    if (!reading_) {
      reading_ = true;
      read_done_ = false;
      const auto handler = [this](beast::error_code e, std::size_t) {
        read_ec_ = e;
        read_done_ = true;
      };
      if (ws_) ws_->async_read(buffer_, handler);
      else wss_->async_read(buffer_, handler);
    }
    while (!read_done_) {
      if (clock::now() >= deadline) return std::nullopt;
      io_->restart();
      io_->run_for(std::chrono::milliseconds(5));
    }
    reading_ = false;
    if (read_ec_) {
      closed_ = true;
      return std::nullopt;
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return text;
  }

  std::optional<json::object> read_one(clock::time_point deadline) {
    while (true) {
      auto text = read_raw(deadline);
      if (!text) return std::nullopt;
      boost::system::error_code ec;
      json::value v = json::parse(*text, ec);
      if (ec || !v.is_object()) {
        garbage_.push_back(*text);
        continue;
      }
      return v.get_object();
    }
  }

  std::unique_ptr<net::io_context> io_ = std::make_unique<net::io_context>();
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws_;
  std::unique_ptr<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> wss_;
  std::deque<json::object> notifications_;
  std::deque<std::string> garbage_;
  beast::flat_buffer buffer_;
  bool reading_ = false;
  bool read_done_ = false;
  beast::error_code read_ec_;
  std::int64_t next_id_ = 1;
  bool closed_ = false;

 public:
  [[nodiscard]] const std::deque<std::string>& garbage() const { return garbage_; }
};

// One HTTP request to the simulator (plain).
struct http_result {
  int status = 0;
  std::string body;
};
inline http_result http_call(std::uint16_t port, http::verb verb, const std::string& target, const std::string& body = {},
                             const std::string& authorization = {}) {
  net::io_context io;
  beast::tcp_stream stream(io);
  tcp::resolver resolver(io);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  stream.expires_after(std::chrono::seconds(5));
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!authorization.empty()) req.set(http::field::authorization, authorization);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), res.body()};
}

inline json::object parse_object(const std::string& text) { return json::parse(text).as_object(); }

}  // namespace tickrail::test
