#include "tickrail/core/clock.hpp"
#include "support/venue_harness.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <cstdlib>
#include <stdexcept>

namespace tickrail::test {
namespace {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;
}  // namespace

venue::venue_config test_venue_config() {
  venue::venue_config c;
  c.market.seed = 42;
  c.market.start_ms = k_venue_start_ms;
  c.market.currencies = {"BTC", "ETH"};
  return c;
}

venue_process::venue_process(venue::venue_config config, std::string cert, std::string key)
    : core_(std::make_unique<venue::venue_core>(config, core::wall_clock_ms())) {
  venue::server_config sc;
  sc.port = 0;
  sc.tls_cert = std::move(cert);
  sc.tls_key = std::move(key);
  server_ = std::make_unique<venue::server>(*core_, sc);
  server_->listen();
  thread_ = std::thread([this] { server_->run(); });
}

venue_process::~venue_process() {
  server_->stop();
  thread_.join();
}

std::int64_t venue_process::venue_now_ms() const { return core_->sim_ms(core::wall_clock_ms()); }

std::uint16_t venue_process::port() const { return server_->port(); }

std::uint64_t venue_process::method_calls(std::string_view method) const { return core_->method_calls(method); }

void make_test_certificate(const std::string& cert_path, const std::string& key_path, bool expired) {
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      key_path + " -out " + cert_path + " >/dev/null 2>&1";
  // Re-signed to end a day before it starts: expired whatever the clock says.
  if (expired)
    cmd += " && openssl x509 -in " + cert_path + " -signkey " + key_path + " -days -1 -out " + cert_path +
           ".tmp >/dev/null 2>&1 && mv " + cert_path + ".tmp " + cert_path;
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
}

// ---- the client ------------------------------------------------------------------------

struct rpc_client::impl {
  std::unique_ptr<net::io_context> io = std::make_unique<net::io_context>();
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  std::unique_ptr<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> wss;
  std::deque<json::object> notifications;
  beast::flat_buffer buffer;
  bool reading = false;
  bool read_done = false;
  beast::error_code read_ec;
  bool closed = false;
  std::int64_t next_id = 1;

  // One read stays outstanding across calls: a deadline that passes leaves
  // it pending (cancelling a WebSocket read would fail the stream).
  std::optional<std::string> read_raw(clock::time_point deadline) {
    if (closed) return std::nullopt;
    if (!reading) {
      reading = true;
      read_done = false;
      const auto handler = [this](beast::error_code e, std::size_t) {
        read_ec = e;
        read_done = true;
      };
      if (ws)
        ws->async_read(buffer, handler);
      else
        wss->async_read(buffer, handler);
    }
    while (!read_done) {
      if (clock::now() >= deadline) return std::nullopt;
      io->restart();
      io->run_for(std::chrono::milliseconds(5));
    }
    reading = false;
    if (read_ec) {
      closed = true;
      return std::nullopt;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    return text;
  }

  std::optional<json::object> read_one(clock::time_point deadline) {
    while (true) {
      auto text = read_raw(deadline);
      if (!text) return std::nullopt;
      boost::system::error_code ec;
      json::value v = json::parse(*text, ec);
      if (ec || !v.is_object()) continue;  // corrupt frames are skipped here (read_text sees them)
      return v.get_object();
    }
  }
};

rpc_client::rpc_client(std::uint16_t port, ssl::context* tls, std::string host) : impl_(std::make_unique<impl>()) {
  impl& m = *impl_;
  tcp::resolver resolver(*m.io);
  const auto results = resolver.resolve(host, std::to_string(port));
  if (tls != nullptr) {
    m.wss = std::make_unique<websocket::stream<beast::ssl_stream<beast::tcp_stream>>>(*m.io, *tls);
    beast::get_lowest_layer(*m.wss).connect(results);
    // SSL_set_tlsext_host_name, without the macro's C cast.
    if (SSL_ctrl(m.wss->next_layer().native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str())) != 1) {
      throw std::runtime_error("SNI");
    }
    m.wss->next_layer().set_verify_callback(ssl::host_name_verification(host));
    m.wss->next_layer().handshake(ssl::stream_base::client);
    m.wss->handshake(host, "/ws/api/v2");
  } else {
    m.ws = std::make_unique<websocket::stream<beast::tcp_stream>>(*m.io);
    beast::get_lowest_layer(*m.ws).connect(results);
    m.ws->handshake(host, "/ws/api/v2");
  }
}

rpc_client::~rpc_client() = default;
rpc_client::rpc_client(rpc_client&&) noexcept = default;
rpc_client& rpc_client::operator=(rpc_client&&) noexcept = default;

void rpc_client::send_text(const std::string& text) {
  if (impl_->ws)
    impl_->ws->write(net::buffer(text));
  else
    impl_->wss->write(net::buffer(text));
}

json::object rpc_client::call(const std::string& method, const json::object& params,
                              std::chrono::milliseconds timeout) {
  const std::int64_t id = impl_->next_id++;
  json::object req{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  send_text(json::serialize(req));
  const auto deadline = clock::now() + timeout;
  while (true) {
    auto m = impl_->read_one(deadline);
    if (!m) throw std::runtime_error("no reply to " + method);
    const json::value* rid = m->if_contains("id");
    if (rid != nullptr && rid->is_int64() && rid->get_int64() == id) return *m;
    impl_->notifications.push_back(std::move(*m));
  }
}

std::optional<json::object> rpc_client::wait_notification(const std::function<bool(const json::object&)>& match,
                                                          std::chrono::milliseconds timeout) {
  auto& kept = impl_->notifications;
  for (auto it = kept.begin(); it != kept.end(); ++it) {
    if (match(*it)) {
      json::object m = std::move(*it);
      kept.erase(it);
      return m;
    }
  }
  const auto deadline = clock::now() + timeout;
  while (true) {
    auto m = impl_->read_one(deadline);
    if (!m) return std::nullopt;
    if (match(*m)) return m;
    kept.push_back(std::move(*m));
  }
}

std::optional<json::object> rpc_client::wait_channel(const std::string& channel, std::chrono::milliseconds timeout) {
  return wait_notification(
      [&](const json::object& m) {
        const json::value* p = m.if_contains("params");
        if (p == nullptr || !p->is_object()) return false;
        const json::value* c = p->get_object().if_contains("channel");
        return c != nullptr && c->is_string() && c->get_string() == channel.c_str();
      },
      timeout);
}

bool rpc_client::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  while (!impl_->closed && clock::now() < deadline) (void)impl_->read_raw(deadline);
  return impl_->closed;
}

std::optional<std::string> rpc_client::read_text(std::chrono::milliseconds timeout) {
  return impl_->read_raw(clock::now() + timeout);
}

std::deque<json::object>& rpc_client::notifications() { return impl_->notifications; }

namespace {
template <typename Stream>
http_result exchange_http(Stream& stream, const std::string& verb, const std::string& target, const std::string& body,
                          const std::string& authorization) {
  http::request<http::string_body> req{verb == "POST" ? http::verb::post : http::verb::get, target, 11};
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
  return {static_cast<int>(res.result_int()), res.body()};
}
}  // namespace

http_result http_call(std::uint16_t port, const std::string& verb, const std::string& target, const std::string& body,
                      const std::string& authorization, ssl::context* tls) {
  net::io_context io;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve("127.0.0.1", std::to_string(port));
  if (tls != nullptr) {
    beast::ssl_stream<beast::tcp_stream> stream(io, *tls);
    beast::get_lowest_layer(stream).connect(endpoints);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    stream.handshake(ssl::stream_base::client);
    http_result r = exchange_http(stream, verb, target, body, authorization);
    beast::error_code ec;
    stream.shutdown(ec);
    return r;
  }
  beast::tcp_stream stream(io);
  stream.connect(endpoints);
  stream.expires_after(std::chrono::seconds(5));
  http_result r = exchange_http(stream, verb, target, body, authorization);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return r;
}

}  // namespace tickrail::test
