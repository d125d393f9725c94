// tickrail/net/ws_client.hpp — one WebSocket client connection (ws:// or
// wss://) on an io_context the caller runs: the gateway I/O thread polls it
// between order batches, tests run it on a thread.
//
// TLS fails closed: the peer certificate must chain to a trusted CA (the
// system store, or `ca_file` — tests trust the simulator's self-signed
// certificate that way) and name the host we asked for (DNS name or IP in
// subjectAltName); SNI carries that name. Wrong host, expired or untrusted →
// the connection is refused and on_closed says why.
//
// Frames out are copied into a fixed ring of reusable buffers and written one
// at a time (Beast allows one write in flight); frames in are handed to
// on_text as views valid for the call. Every failure — resolve, connect,
// handshake, read, write, the peer closing — ends in exactly one on_closed.
//
// Beast stays in ws_client.cpp; this header includes only Asio's io_context.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace tickrail::net {

struct tls_options {
  bool enabled = false;
  std::string ca_file;      // trusted CAs (PEM); empty = the system store
  std::string server_name;  // SNI and the name the certificate must carry; empty = the host
};

struct ws_endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/ws/api/v2";
  tls_options tls;
  std::chrono::milliseconds connect_timeout{5000};  // resolve + TCP + TLS + WebSocket handshakes
};

class ws_client {
 public:
  struct handlers {
    std::function<void()> on_open;
    std::function<void(std::string_view text)> on_text;
    std::function<void(std::string_view reason)> on_closed;
  };

  static constexpr std::size_t k_write_slots = 1024;

  ws_client(boost::asio::io_context& io, handlers h);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  // Starts connecting; on_open or on_closed follows. Drops any previous
  // connection first (without its on_closed).
  void open(const ws_endpoint& endpoint);
  // Queues a text frame. False when not open or every write slot is taken.
  bool send(std::string_view text);
  // Close handshake after the queued frames; on_closed follows.
  void close();
  // Drops the TCP connection now (no close frame); on_closed follows.
  void abort();

  [[nodiscard]] bool is_open() const noexcept;
  [[nodiscard]] std::size_t queued() const noexcept;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace tickrail::net
