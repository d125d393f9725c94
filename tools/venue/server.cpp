#include "tickrail/core/clock.hpp"
#include "venue/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <stdexcept>

namespace tickrail::venue {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t k_max_body = 1 << 20;

// ---- WebSocket sessions ------------------------------------------------------------------

template <typename Stream>
class ws_session : public std::enable_shared_from_this<ws_session<Stream>> {
 public:
  ws_session(Stream&& stream, venue_core& core) : ws_(std::move(stream)), core_(core) {}

  void run(http::request<http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(k_max_body);
    ws_.async_accept(req, [self = this->shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    std::weak_ptr<ws_session> weak = this->shared_from_this();
    session& s = core_.open_session(
        true,
        [weak](std::string m) {
          if (auto p = weak.lock()) p->send(std::move(m));
        },
        [weak] {
          if (auto p = weak.lock()) p->close();
        });
    s.abort = [weak] {
      if (auto p = weak.lock()) p->abort();
    };
    sid_ = s.id;
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_,
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      finish();
      return;
    }
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (session* s = core_.find_session(sid_)) core_.on_message(*s, text, core::wall_clock_ms());
    if (!aborted_) do_read();
  }

  void send(std::string m) {
    if (aborted_ || close_sent_) return;
    queue_.push_back(std::move(m));
    if (queue_.size() == 1) do_write();
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    if (ec) {
      finish();
      return;
    }
    queue_.pop_front();
    if (!queue_.empty()) {
      do_write();
    } else if (closing_) {
      do_close();
    }
  }

  // Graceful: after what is queued (logout, heartbeat timeout, rate-limit termination).
  void close() {
    if (closing_ || aborted_) return;
    closing_ = true;
    // Posted: a reply written by the request that asked to close (logout)
    // is queued first and goes out before the close frame.
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      if (self->queue_.empty() && !self->aborted_) self->do_close();
    });
  }

  void do_close() {
    if (close_sent_) return;
    close_sent_ = true;
    ws_.async_close(websocket::close_code::normal,
                    [self = this->shared_from_this()](beast::error_code) { self->finish(); });
  }

  // The drop fault: the TCP connection goes away with no close frame.
  void abort() {
    aborted_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
    finish();
  }

  void finish() {
    if (sid_ != 0) {
      const std::uint64_t id = sid_;
      sid_ = 0;
      core_.close_session(id);
    }
  }

  websocket::stream<Stream> ws_;
  venue_core& core_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::uint64_t sid_ = 0;
  bool closing_ = false;
  bool close_sent_ = false;
  bool aborted_ = false;
};

// ---- HTTP --------------------------------------------------------------------------------

std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view kv = query.substr(0, amp);
    const std::size_t eq = kv.find('=');
    if (kv.substr(0, eq) == key) return eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1));
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
  }
  return "";
}

// POST /admin/fault?kind=drop|stall|gap|reject|storm|delay|corrupt|expire_tokens|tokenless_auth
//   [&ms=][&count=][&code=][&on=]
http_reply admin(venue_core& core, std::string_view target) {
  const std::string_view query = target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
  const std::string kind = query_value(query, "kind");
  const auto num = [&](std::string_view k, std::int64_t dflt) {
    const std::string v = query_value(query, k);
    return v.empty() ? dflt : std::strtoll(v.c_str(), nullptr, 10);
  };
  fault_state& f = core.faults();
  if (kind == "drop") {
    core.drop_connections();
  } else if (kind == "stall") {
    f.stall_until_ms = core::wall_clock_ms() + num("ms", 1000);
  } else if (kind == "gap") {
    f.skip_book_changes = static_cast<int>(num("count", 1));
  } else if (kind == "reject") {
    f.reject_orders = static_cast<int>(num("count", 1));
    f.reject_code = static_cast<int>(num("code", 10009));
  } else if (kind == "storm") {
    f.rate_storm = num("on", 1) != 0;
  } else if (kind == "delay") {
    f.ack_delay_ms = num("ms", 500);
  } else if (kind == "corrupt") {
    f.corrupt_frames = static_cast<int>(num("count", 1));
  } else if (kind == "expire_tokens") {
    core.expire_tokens();
  } else if (kind == "tokenless_auth") {
    f.tokenless_auths = static_cast<int>(num("count", 1));
  } else {
    return {400,
            R"({"error":"kind: drop, stall, gap, reject, storm, delay, corrupt, expire_tokens or tokenless_auth"})"};
  }
  return {200, R"({"result":"ok"})"};
}

template <typename Stream>
class http_session : public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(Stream&& stream, venue_core& core, bool loopback)
      : stream_(std::move(stream)), core_(core), loopback_(loopback) {}

  void run() { do_read(); }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(k_max_body);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return;  // closed, timed out or malformed: drop the connection
    http::request<http::string_body> req = parser_->release();
    if (websocket::is_upgrade(req)) {
      if (req.target() != "/ws/api/v2") {
        respond(req, {404, R"({"error":"WebSocket endpoint is /ws/api/v2"})"});
        return;
      }
      beast::get_lowest_layer(stream_).expires_never();
      std::make_shared<ws_session<Stream>>(std::move(stream_), core_)->run(std::move(req));
      return;
    }
    const std::string_view target(req.target().data(), req.target().size());
    http_reply reply;
    if (target.starts_with("/admin/")) {
      const bool stats = target == "/admin/stats";
      const http::verb verb = stats ? http::verb::get : http::verb::post;
      reply = !loopback_             ? http_reply{403, R"({"error":"admin is loopback only"})"}
              : req.method() != verb ? http_reply{405, stats ? R"({"error":"GET"})" : R"({"error":"POST"})"}
              : stats                ? http_reply{200, core_.method_stats_json()}
                                     : admin(core_, target);
    } else {
      const auto auth = req.find(http::field::authorization);
      reply = core_.on_http(
          std::string_view(req.method_string().data(), req.method_string().size()), target, req.body(),
          auth != req.end() ? std::string_view(auth->value().data(), auth->value().size()) : std::string_view(),
          core::wall_clock_ms());
    }
    respond(req, reply);
  }

  void respond(const http::request<http::string_body>& req, const http_reply& reply) {
    auto res =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), req.version());
    res->set(http::field::server, "tickrail-venue");
    res->set(http::field::content_type, "application/json");
    res->keep_alive(req.keep_alive());
    res->body() = reply.body;
    res->prepare_payload();
    http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !res->keep_alive()) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      self->do_read();
    });
  }

  Stream stream_;
  venue_core& core_;
  bool loopback_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

struct server::impl {
  impl(venue_core& c, const server_config& cfg) : core(c), config(cfg), acceptor(io), timer(io) {}

  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) start_connection(std::move(socket));
      if (acceptor.is_open()) accept();
    });
  }

  void start_connection(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const bool loopback = !ec && peer.address().is_loopback();
    if (!tls) {
      std::make_shared<http_session<plain_stream>>(plain_stream(std::move(socket)), core, loopback)->run();
      return;
    }
    auto stream = std::make_shared<tls_stream>(std::move(socket), *tls);
    beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(30));
    stream->async_handshake(ssl::stream_base::server, [this, stream, loopback](beast::error_code hec) {
      if (hec) return;  // a client that does not trust us, or not TLS at all
      std::make_shared<http_session<tls_stream>>(std::move(*stream), core, loopback)->run();
    });
  }

  void schedule_tick() {
    timer.expires_after(std::chrono::milliseconds(10));
    timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
      core.tick(core::wall_clock_ms());
      schedule_tick();
    });
  }

  venue_core& core;
  server_config config;
  net::io_context io{1};
  std::unique_ptr<ssl::context> tls;
  tcp::acceptor acceptor;
  net::steady_timer timer;
};

server::server(venue_core& core, const server_config& config) : impl_(std::make_unique<impl>(core, config)) {}
server::~server() = default;

void server::listen() {
  impl& m = *impl_;
  if (!m.config.tls_cert.empty() || !m.config.tls_key.empty()) {
    m.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    beast::error_code ec;
    m.tls->use_certificate_chain_file(m.config.tls_cert, ec);
    if (ec) throw std::runtime_error("--tls-cert " + m.config.tls_cert + ": " + ec.message());
    m.tls->use_private_key_file(m.config.tls_key, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("--tls-key " + m.config.tls_key + ": " + ec.message());
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(m.config.host, ec);
  if (ec) throw std::runtime_error("--host " + m.config.host + ": " + ec.message());
  const tcp::endpoint ep(address, m.config.port);
  m.acceptor.open(ep.protocol(), ec);
  if (!ec) m.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(ep, ec);
  if (!ec) m.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + m.config.host + ":" + std::to_string(m.config.port) + ": " +
                             ec.message());
  m.accept();
  m.schedule_tick();
}

std::uint16_t server::port() const noexcept {
  beast::error_code ec;
  const auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void server::run() { impl_->io.run(); }

void server::stop() {
  net::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
    impl_->timer.cancel();
    impl_->io.stop();
  });
}

}  // namespace tickrail::venue
