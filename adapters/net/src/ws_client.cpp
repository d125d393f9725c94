#include "tickrail/net/ws_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <array>
#include <optional>

namespace tickrail::net {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// One connection attempt and its streams. Completion handlers hold it, so a
// connection that is replaced or closed stays alive until its pending
// operations have completed (with errors) — streams are never destroyed
// under an operation in flight.
struct connection {
  using plain_stream = websocket::stream<beast::tcp_stream>;
  using tls_stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

  std::optional<ssl::context> tls_context;  // before the streams: outlives them
  std::optional<plain_stream> ws;
  std::optional<tls_stream> wss;
  beast::flat_buffer read_buffer;
  std::array<std::string, ws_client::k_write_slots> slots;
  std::size_t head = 0, count = 0;
  bool writing = false;
  bool open = false;
  bool closing = false;

  template <typename F>
  void with_stream(F&& f) {
    if (wss)
      f(*wss);
    else if (ws)
      f(*ws);
  }
  beast::tcp_stream& lowest() { return wss ? beast::get_lowest_layer(*wss) : beast::get_lowest_layer(*ws); }
  void drop() {
    beast::error_code ignored;
    if (wss || ws) lowest().socket().close(ignored);
  }
};
using connection_ptr = std::shared_ptr<connection>;

// Shared with the completion handlers it starts, so a handler that runs after
// the client is gone finds `alive` false and does nothing.
struct ws_client::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io_context, handlers h) : io(io_context), resolver(io_context), on(std::move(h)) {}

  asio::io_context& io;
  tcp::resolver resolver;
  handlers on;
  ws_endpoint endpoint;
  connection_ptr conn;
  bool alive = true;

  [[nodiscard]] bool current(const connection_ptr& c) const noexcept { return alive && conn == c; }

  void reset() {
    resolver.cancel();
    if (conn) conn->drop();
    conn.reset();
  }

  void fail(const connection_ptr& c, std::string_view what, const beast::error_code& ec, std::string_view detail = {}) {
    if (!current(c)) return;
    std::string reason(what);
    if (ec) {
      reason += ": ";
      reason += ec.message();
    }
    if (!detail.empty()) {
      reason += " (";
      reason += detail;
      reason += ")";
    }
    reset();
    if (on.on_closed) on.on_closed(reason);
  }

  void start(const ws_endpoint& ep) {
    reset();
    endpoint = ep;
    auto c = std::make_shared<connection>();
    conn = c;
    for (std::string& s : c->slots) s.reserve(1024);  // every order frame fits: no allocation per send
    if (ep.tls.enabled) {
      c->tls_context.emplace(ssl::context::tls_client);
      c->tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      beast::error_code ec;
      if (ep.tls.ca_file.empty()) {
        c->tls_context->set_default_verify_paths(ec);
      } else {
        c->tls_context->load_verify_file(ep.tls.ca_file, ec);
      }
      if (ec) {
        asio::post(io, [self = shared_from_this(), c, ec] { self->fail(c, "TLS trust store", ec); });
        return;
      }
      c->tls_context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      c->wss.emplace(io, *c->tls_context);
    } else {
      c->ws.emplace(io);
    }
    c->lowest().expires_after(ep.connect_timeout);
    resolver.async_resolve(ep.host, std::to_string(ep.port),
                           [self = shared_from_this(), c](beast::error_code ec, tcp::resolver::results_type r) {
                             if (ec) return self->fail(c, "resolve", ec);
                             self->on_resolved(c, r);
                           });
  }

  void on_resolved(const connection_ptr& c, const tcp::resolver::results_type& results) {
    if (!current(c)) return;
    c->lowest().async_connect(results, [self = shared_from_this(), c](beast::error_code ec, const tcp::endpoint&) {
      if (ec) return self->fail(c, "connect", ec);
      self->on_connected(c);
    });
  }

  void on_connected(const connection_ptr& c) {
    if (!current(c)) return;
    beast::error_code ec;
    c->lowest().socket().set_option(tcp::no_delay(true), ec);
    if (!c->wss) return ws_handshake(c);
    const std::string& name = endpoint.tls.server_name.empty() ? endpoint.host : endpoint.tls.server_name;
    // SNI (SSL_set_tlsext_host_name without the macro's C cast); IP
    // addresses are not sent as SNI (RFC 6066).
    (void)asio::ip::make_address(name, ec);
    if (ec && SSL_ctrl(c->wss->next_layer().native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                       const_cast<char*>(name.c_str())) != 1) {
      return fail(c, "TLS server name", {});
    }
    // Asio's name check refuses without setting OpenSSL's verify error, which
    // the handshake failure then reports as "unspecified": name it.
    c->wss->next_layer().set_verify_callback(
        [check = ssl::host_name_verification(name)](bool preverified, ssl::verify_context& ctx) mutable {
          const bool ok = check(preverified, ctx);
          if (preverified && !ok) X509_STORE_CTX_set_error(ctx.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
          return ok;
        });
    c->wss->next_layer().async_handshake(ssl::stream_base::client, [self = shared_from_this(), c](beast::error_code e) {
      if (e) {
        // OpenSSL's handshake error is the same for every refused certificate;
        // the verify result says which check refused it.
        const long verify = SSL_get_verify_result(c->wss->next_layer().native_handle());
        return self->fail(c, "TLS handshake", e, verify == X509_V_OK ? "" : X509_verify_cert_error_string(verify));
      }
      self->ws_handshake(c);
    });
  }

  void ws_handshake(const connection_ptr& c) {
    if (!current(c)) return;
    c->with_stream([&](auto& s) {
      // The connect deadline still runs on the TCP stream: hand timing over
      // to the WebSocket (handshake timeout, no idle timeout — heartbeats
      // are the protocol's business).
      beast::get_lowest_layer(s).expires_never();
      websocket::stream_base::timeout t{};
      t.handshake_timeout = endpoint.connect_timeout;
      t.idle_timeout = websocket::stream_base::none();
      t.keep_alive_pings = false;
      s.set_option(t);
      s.read_message_max(16u << 20);
      const std::string host = endpoint.host + ":" + std::to_string(endpoint.port);
      s.async_handshake(host, endpoint.path, [self = shared_from_this(), c](beast::error_code e) {
        if (e) return self->fail(c, "WebSocket handshake", e);
        self->on_open(c);
      });
    });
  }

  void on_open(const connection_ptr& c) {
    if (!current(c)) return;
    c->open = true;
    c->with_stream([](auto& s) { s.text(true); });
    read(c);
    if (on.on_open) on.on_open();
    if (current(c)) write_next(c);
  }

  void read(const connection_ptr& c) {
    c->with_stream([&](auto& s) {
      s.async_read(c->read_buffer, [self = shared_from_this(), c](beast::error_code ec, std::size_t) {
        if (!self->current(c)) return;
        if (ec == websocket::error::closed) return self->fail(c, "closed by peer", {});
        if (ec) return self->fail(c, "read", ec);
        const auto data = c->read_buffer.cdata();
        if (self->on.on_text) self->on.on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
        if (!self->current(c)) return;
        c->read_buffer.consume(c->read_buffer.size());
        self->read(c);
      });
    });
  }

  bool send(std::string_view text) {
    const connection_ptr& c = conn;
    if (!c || !c->open || c->closing || c->count == c->slots.size()) return false;
    c->slots[(c->head + c->count) % c->slots.size()].assign(text);
    ++c->count;
    write_next(c);
    return true;
  }

  void write_next(const connection_ptr& c) {
    if (c->writing || c->count == 0 || !c->open) return;
    c->writing = true;
    c->with_stream([&](auto& s) {
      s.async_write(asio::buffer(c->slots[c->head]), [self = shared_from_this(), c](beast::error_code ec, std::size_t) {
        if (!self->current(c)) return;
        c->writing = false;
        if (ec) return self->fail(c, "write", ec);
        c->head = (c->head + 1) % c->slots.size();
        --c->count;
        if (c->closing && c->count == 0) return self->close_now(c);
        self->write_next(c);
      });
    });
  }

  void close() {
    const connection_ptr c = conn;
    if (!c || !c->open || c->closing) return;
    c->closing = true;
    if (!c->writing && c->count == 0) close_now(c);
  }

  void close_now(const connection_ptr& c) {
    c->with_stream([&](auto& s) {
      s.async_close(websocket::close_code::normal, [self = shared_from_this(), c](beast::error_code ec) {
        self->fail(c, "closed", ec == asio::error::operation_aborted ? beast::error_code{} : ec);
      });
    });
  }

  void abort() {
    const connection_ptr c = conn;
    if (!c) return;
    c->drop();
    asio::post(io, [self = shared_from_this(), c] { self->fail(c, "aborted", {}); });
  }
};

ws_client::ws_client(asio::io_context& io, handlers h) : impl_(std::make_shared<impl>(io, std::move(h))) {}

ws_client::~ws_client() {
  impl_->alive = false;
  impl_->reset();
}

void ws_client::open(const ws_endpoint& endpoint) { impl_->start(endpoint); }
bool ws_client::send(std::string_view text) { return impl_->send(text); }
void ws_client::close() { impl_->close(); }
void ws_client::abort() { impl_->abort(); }
bool ws_client::is_open() const noexcept { return impl_->conn && impl_->conn->open; }
std::size_t ws_client::queued() const noexcept { return impl_->conn ? impl_->conn->count : 0; }

}  // namespace tickrail::net
