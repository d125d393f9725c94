// tickrail-venue — a Deribit JSON-RPC v2 venue simulator over WS, WSS and
// HTTP, with matching, accounts and fault injection (docs/venue.md).
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "tickrail/core/clock.hpp"
#include "venue/core.hpp"
#include "venue/server.hpp"

namespace {

constexpr const char* k_help = R"(tickrail-venue — Deribit JSON-RPC v2 simulator (WS, WSS, HTTP on one port)

usage: tickrail-venue [options]

  --host ADDR            address to bind (default 127.0.0.1)
  --port N               port for HTTP and WebSocket (default 8787; 0 = any free port)
  --tls-cert PEM         certificate chain: serve WSS/HTTPS instead of WS/HTTP
  --tls-key PEM          its private key
  --client-id ID         the demo account's client id (default tickrail-demo)
  --client-secret S      its secret (default tickrail-demo-secret)
  --seed N               price process seed (default 1): same seed, same market
  --instruments LIST     currencies to list, comma-separated (default BTC,ETH)
  --speed X              simulated ms per wall ms (default 1)
  --step-ms N            market step in simulated ms (default 100)
  --start-ms T           simulated start time, ms since the epoch (default now)
  --token-ttl S          access token lifetime in seconds (default 900)
  --balance-btc X        starting BTC balance of each account (default 10)
  --balance-eth X        starting ETH balance (default 100)
  --help                 this text

Faults from the start (also at runtime: POST /admin/fault on loopback):
  --fault-reject N:CODE  reject the first N orders with error CODE (e.g. 5:10009)
  --fault-delay-ms N     delay replies to order methods by N ms
  --fault-stall-ms N     answer nothing for the first N ms
  --fault-storm          answer every request 10028 too_many_requests
  --fault-gap-every N    never publish every Nth book change (a change-id gap)
  --fault-drop-every-s S drop every WebSocket connection every S seconds
  --fault-corrupt-every-s S  send every session a corrupt frame every S seconds

Endpoints: ws[s]://HOST:PORT/ws/api/v2, http[s]://HOST:PORT/api/v2/{method},
POST /api/v2 (JSON-RPC body), and on loopback POST /admin/fault?kind=
drop | stall&ms= | gap&count= | reject&count=&code= | storm&on= | delay&ms= |
corrupt&count= | expire_tokens | tokenless_auth&count=.

Prints "listening on HOST:PORT" once ready; SIGTERM or SIGINT stops it.
)";

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "tickrail-venue: %s (see --help)\n", message.c_str());
  std::exit(2);
}

std::int64_t parse_int(std::string_view flag, const char* text, std::int64_t min, std::int64_t max) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
    usage_error(std::string(flag) + ": expected an integer in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

double parse_double(std::string_view flag, const char* text, double min, double max) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(v >= min && v <= max)) {
    usage_error(std::string(flag) + ": expected a number in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tickrail::venue;
  venue_config config;
  server_config net;
  net.port = 8787;
  config.market.start_ms = tickrail::core::wall_clock_ms();
  fault_state faults;
  std::int64_t stall_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(k_help, stdout);
      return 0;
    }
    if (a == "--fault-storm") {
      faults.rate_storm = true;
      continue;
    }
    if (i + 1 >= argc) usage_error("unknown flag or missing value: " + std::string(a));
    const char* v = argv[++i];
    if (a == "--host")
      net.host = v;
    else if (a == "--port")
      net.port = static_cast<std::uint16_t>(parse_int(a, v, 0, 65535));
    else if (a == "--tls-cert")
      net.tls_cert = v;
    else if (a == "--tls-key")
      net.tls_key = v;
    else if (a == "--client-id")
      config.client_id = v;
    else if (a == "--client-secret")
      config.client_secret = v;
    else if (a == "--seed")
      config.market.seed = static_cast<std::uint64_t>(parse_int(a, v, 0, INT64_MAX));
    else if (a == "--speed")
      config.speed = parse_double(a, v, 0.001, 100000);
    else if (a == "--step-ms")
      config.step_ms = parse_int(a, v, 1, 3'600'000);
    else if (a == "--start-ms")
      config.market.start_ms = parse_int(a, v, 0, 32503680000000);
    else if (a == "--token-ttl")
      config.token_ttl_s = parse_int(a, v, 1, 31'536'000);
    else if (a == "--balance-btc")
      config.accounts.initial_balance_btc = parse_double(a, v, 0, 1e9);
    else if (a == "--balance-eth")
      config.accounts.initial_balance_eth = parse_double(a, v, 0, 1e9);
    else if (a == "--fault-reject") {
      const std::string_view spec = v;
      const std::size_t colon = spec.find(':');
      if (colon == std::string_view::npos) usage_error("--fault-reject: N:CODE");
      faults.reject_orders = static_cast<int>(parse_int(a, std::string(spec.substr(0, colon)).c_str(), 1, 1'000'000));
      faults.reject_code = static_cast<int>(parse_int(a, std::string(spec.substr(colon + 1)).c_str(), -32768, 99999));
    } else if (a == "--fault-delay-ms")
      faults.ack_delay_ms = parse_int(a, v, 0, 600'000);
    else if (a == "--fault-stall-ms")
      stall_ms = parse_int(a, v, 0, 600'000);
    else if (a == "--fault-gap-every")
      faults.gap_every = static_cast<int>(parse_int(a, v, 1, 1'000'000));
    else if (a == "--fault-drop-every-s")
      faults.drop_every_ms = parse_int(a, v, 1, 86'400) * 1000;
    else if (a == "--fault-corrupt-every-s")
      faults.corrupt_every_ms = parse_int(a, v, 1, 86'400) * 1000;
    else if (a == "--instruments") {
      config.market.currencies.clear();
      std::string_view list = v;
      while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string ccy(list.substr(0, comma));
        if (ccy != "BTC" && ccy != "ETH") usage_error("--instruments: BTC and/or ETH");
        config.market.currencies.push_back(ccy);
        list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
      }
      if (config.market.currencies.empty()) usage_error("--instruments: at least one currency");
    } else {
      usage_error("unknown flag: " + std::string(a));
    }
  }
  if (net.tls_cert.empty() != net.tls_key.empty()) usage_error("--tls-cert and --tls-key go together");

  // Signals are taken by one thread that stops the server; block them
  // everywhere else before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  venue_core core(config, tickrail::core::wall_clock_ms());
  core.faults() = faults;
  if (stall_ms > 0) core.faults().stall_until_ms = tickrail::core::wall_clock_ms() + stall_ms;
  server srv(core, net);
  try {
    srv.listen();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tickrail-venue: %s\n", e.what());
    return 1;
  }
  std::printf("listening on %s:%u\n", net.host.c_str(), static_cast<unsigned>(srv.port()));
  std::fflush(stdout);

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    srv.stop();
  });
  srv.run();
  // Stopped by a signal: the waiter has returned. Stopped otherwise: wake it.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}
