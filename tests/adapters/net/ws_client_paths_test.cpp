// ws_client against a peer that accepts TCP but never completes a handshake
// (issue 27 path 10): a listening socket the test never reads from, so the
// kernel completes the TCP connection and nothing answers. The attempt must
// end in one on_closed at the connect deadline, saying which handshake hung,
// and never in on_open or a hang.
//
// Each test is written to fail when its production line is removed; see
// docs/testing.md and tools/mutate. The client runs on the test thread; every
// wait is bounded.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <string>

#include "tickrail/net/ws_client.hpp"

namespace tickrail::net {
namespace {

using namespace std::chrono_literals;
using tcp = boost::asio::ip::tcp;

struct outcome {
  int opened = 0, closed = 0;
  std::string reason;
  std::chrono::steady_clock::duration after{};
};

// Opens a client to a peer that listens and never accepts nor answers, runs
// the io_context until on_closed or `bound`, and reports what happened.
outcome open_against_a_silent_peer(bool tls, std::chrono::milliseconds connect_timeout,
                                   std::chrono::milliseconds bound) {
  boost::asio::io_context io;
  tcp::acceptor silent(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));  // listens; never accepts
  outcome out;
  const auto started = std::chrono::steady_clock::now();
  ws_client client(io, {.on_open = [&] { ++out.opened; },
                        .on_text = {},
                        .on_closed =
                            [&](std::string_view why) {
                              ++out.closed;
                              out.reason = why;
                              out.after = std::chrono::steady_clock::now() - started;
                            }});
  ws_endpoint ep;
  ep.host = "127.0.0.1";
  ep.port = silent.local_endpoint().port();
  ep.tls.enabled = tls;
  ep.connect_timeout = connect_timeout;
  client.open(ep);
  const auto deadline = started + bound;
  while (out.closed == 0 && out.opened == 0 && std::chrono::steady_clock::now() < deadline) {
    io.run_for(10ms);
    io.restart();
  }
  EXPECT_FALSE(client.is_open());
  EXPECT_FALSE(client.send("{}"));  // nothing to send on
  // Nothing more arrives after the one on_closed.
  io.run_for(100ms);
  return out;
}

TEST(ws_client_paths, a_peer_that_never_answers_the_websocket_handshake_fails_at_the_connect_deadline) {
  const outcome o = open_against_a_silent_peer(false, 500ms, 5s);
  EXPECT_EQ(o.opened, 0);
  ASSERT_EQ(o.closed, 1) << "no on_closed within 5 s: the handshake hangs";
  EXPECT_NE(o.reason.find("WebSocket handshake"), std::string::npos) << o.reason;
  EXPECT_NE(o.reason.find("timeout"), std::string::npos) << o.reason;
  // At the deadline, not before it (a refused connection would end at once)
  // and not long after it.
  EXPECT_GE(o.after, 450ms);
  EXPECT_LT(o.after, 3s);
}

TEST(ws_client_paths, a_peer_that_never_answers_the_tls_handshake_fails_at_the_connect_deadline) {
  const outcome o = open_against_a_silent_peer(true, 500ms, 5s);
  EXPECT_EQ(o.opened, 0);
  ASSERT_EQ(o.closed, 1) << "no on_closed within 5 s: the handshake hangs";
  EXPECT_NE(o.reason.find("TLS handshake"), std::string::npos) << o.reason;
  EXPECT_NE(o.reason.find("timeout"), std::string::npos) << o.reason;
  EXPECT_GE(o.after, 450ms);
  EXPECT_LT(o.after, 3s);
}

}  // namespace
}  // namespace tickrail::net
