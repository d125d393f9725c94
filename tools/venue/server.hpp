// tools/venue/server.hpp — the simulator's transport: one port serving
// HTTP (GET /api/v2/{method}?..., POST /api/v2) and WebSocket
// (/ws/api/v2), plain or TLS (WSS/HTTPS when a certificate is given), plus
// the loopback-only admin endpoints: POST /admin/fault?kind=... and
// GET /admin/stats (per-method request counts, venue_core::method_stats_json)
//
// One I/O thread runs everything (Boost.Asio io_context); venue_core is
// single-threaded and is only touched from it. A 10 ms timer drives
// venue_core::tick (market steps, notifications, heartbeats).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "venue/core.hpp"

namespace tickrail::venue {

struct server_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port
  std::string tls_cert;    // PEM paths; both empty = plain
  std::string tls_key;
};

class server {
 public:
  server(venue_core& core, const server_config& config);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens; throws std::runtime_error with the reason on failure.
  void listen();
  [[nodiscard]] std::uint16_t port() const noexcept;
  // Runs the I/O loop until stop() (from a signal handler thread or another thread).
  void run();
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tickrail::venue
