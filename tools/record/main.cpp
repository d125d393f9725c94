// tickrail-record — records Deribit market data into a capture file in the
// format of ../shared/data (`<local receive ns since the epoch> <frame>` per
// line), for tickrail-latency --input and tickrail-feedcat.
//
//   tickrail-record --url ws://127.0.0.1:8787/ws/api/v2 --channel book.BTC-PERPETUAL.100ms --frames 10000 --out FILE
//   tickrail-record --config config/default.toml --channel book.BTC-PERPETUAL.raw --seconds 60 --out FILE
//
// --config takes the endpoint, TLS settings and credentials from a
// config's [venues.deribit] (raw channels need an authorised connection, as
// on Deribit); --url connects without credentials. Every channel must be
// accepted by the venue (Deribit silently leaves out unknown ones: here that
// is an error). Only subscription notifications are written, as received;
// the file is flushed as it grows, so an interrupted recording keeps what it
// had. Stops after --frames notifications, --seconds, or Ctrl-C.
// Exit status: 0 recorded, 1 usage or config error, 2 the venue refused,
// could not be reached or closed the connection.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "simdjson.h"
#include "tickrail/core/clock.hpp"
#include "tickrail/deribit/gateway_config.hpp"
#include "tickrail/deribit/session.hpp"
#include "tickrail/net/ws_client.hpp"

namespace {

namespace tr = tickrail;
using namespace std::chrono_literals;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr const char* k_usage =
    "usage: tickrail-record (--url ws[s]://HOST:PORT/PATH | --config FILE) --channel NAME [--channel NAME ...]\n"
    "                       --out FILE [--frames N] [--seconds N]\n";

struct options {
  std::string url, config, out;
  std::vector<std::string> channels;
  long frames = 0;   // 0 = no limit
  long seconds = 0;  // 0 = no limit
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "tickrail-record: %s\n%s", why.c_str(), k_usage);
  std::exit(1);
}

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto take = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + ": missing value");
      return argv[++i];
    };
    const auto count = [&](long max) {
      const std::string v = take();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1 || n > max)
        usage(a + ": expected a number from 1 to " + std::to_string(max));
      return n;
    };
    if (a == "--url")
      o.url = take();
    else if (a == "--config")
      o.config = take();
    else if (a == "--channel")
      o.channels.push_back(take());
    else if (a == "--out")
      o.out = take();
    else if (a == "--frames")
      o.frames = count(1'000'000'000);
    else if (a == "--seconds")
      o.seconds = count(31 * 86'400);
    else if (a == "--help" || a == "-h") {
      std::fputs(k_usage, stdout);
      std::exit(0);
    } else {
      usage("unknown argument " + a);
    }
  }
  if (o.url.empty() == o.config.empty()) usage("give --url or --config");
  if (o.channels.empty()) usage("at least one --channel");
  if (o.out.empty()) usage("--out is required");
  return o;
}

// One recording: connect, (authenticate,) subscribe, write notifications.
class recorder {
 public:
  recorder(const options& o, tr::net::ws_endpoint ep, std::optional<std::pair<std::string, std::string>> creds,
           FILE* out)
      : opt_(o),
        endpoint_(std::move(ep)),
        creds_(std::move(creds)),
        out_(out),
        client_(io_, tr::net::ws_client::handlers{[this] { on_open(); }, [this](std::string_view t) { on_text(t); },
                                                  [this](std::string_view why) { on_closed(why); }}) {}

  // Runs until done; the exit status.
  int run() {
    client_.open(endpoint_);
    const auto start = std::chrono::steady_clock::now();
    while (!finished_) {
      io_.run_for(50ms);
      if (io_.stopped()) io_.restart();
      const auto now = std::chrono::steady_clock::now();
      const bool timed_out = opt_.seconds > 0 && now - start >= std::chrono::seconds(opt_.seconds);
      if ((g_stop != 0 || timed_out) && !closing_) {
        finish(subscribed_ ? 0 : 2, subscribed_ ? "" : "stopped before the subscription was accepted");
      }
      if (closing_ && !aborted_ && now - closing_since_ > 3s) {  // a peer that never answers the close
        aborted_ = true;
        client_.abort();
      }
    }
    return status_;
  }

 private:
  void on_open() {
    if (creds_) {
      std::string params = R"({"grant_type":"client_credentials","client_id":)";
      tr::deribit::append_json_string(params, creds_->first);
      params += R"(,"client_secret":)";
      tr::deribit::append_json_string(params, creds_->second);
      send(1, "public/auth", params + "}");
    } else {
      subscribe();
    }
  }

  void subscribe() {
    std::string list;
    for (const std::string& c : opt_.channels) {
      if (!list.empty()) list += ',';
      tr::deribit::append_json_string(list, c);
    }
    send(2, creds_ ? "private/subscribe" : "public/subscribe", "{\"channels\":[" + list + "]}");
  }

  void send(int id, const char* method, const std::string& params) {
    const std::string frame = "{\"jsonrpc\":\"2.0\",\"id\":" + std::to_string(id) + ",\"method\":\"" + method +
                              "\",\"params\":" + params + "}";
    if (!client_.send(frame)) finish(2, "could not send " + std::string(method));
  }

  void on_text(std::string_view text) {
    if (closing_) return;
    const std::int64_t received = tr::core::wall_clock_ns();
    simdjson::padded_string copy(text);
    simdjson::ondemand::document doc;
    if (parser_.iterate(copy).get(doc) != simdjson::SUCCESS) return finish(2, "unparsable frame from the venue");
    simdjson::ondemand::object root;
    if (doc.get_object().get(root) != simdjson::SUCCESS) return finish(2, "a frame that is not an object");
    std::string_view method;
    if (root.find_field_unordered("method").get_string().get(method) == simdjson::SUCCESS) {
      if (method == "subscription" && subscribed_) write(received, text);
      return;
    }
    int64_t id = 0;
    if (root.find_field_unordered("id").get_int64().get(id) != simdjson::SUCCESS) return;
    simdjson::ondemand::object error;
    if (root.find_field_unordered("error").get_object().get(error) == simdjson::SUCCESS) {
      int64_t code = 0;
      std::string_view message;
      if (error.find_field_unordered("code").get_int64().get(code) != simdjson::SUCCESS) code = 0;
      if (error.find_field_unordered("message").get_string().get(message) != simdjson::SUCCESS) message = "";
      return finish(2, std::string(id == 1 ? "authentication" : "subscription") + " refused: " + std::to_string(code) +
                           " " + std::string(message));
    }
    if (id == 1) return subscribe();
    if (id != 2) return;
    simdjson::ondemand::array accepted;
    if (root.find_field_unordered("result").get_array().get(accepted) != simdjson::SUCCESS) {
      return finish(2, "subscription reply without a result");
    }
    std::vector<std::string> got;
    for (auto item : accepted) {
      std::string_view name;
      if (item.get_string().get(name) == simdjson::SUCCESS) got.emplace_back(name);
    }
    for (const std::string& c : opt_.channels) {
      if (std::find(got.begin(), got.end(), c) == got.end()) return finish(2, "the venue did not accept channel " + c);
    }
    subscribed_ = true;
  }

  void write(std::int64_t received, std::string_view frame) {
    std::string line = std::to_string(received) + " ";
    for (const char c : frame) line += (c == '\n' || c == '\r') ? ' ' : c;  // one frame per line
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() || std::fflush(out_) != 0) {
      return finish(1, "cannot write " + opt_.out + ": " + std::strerror(errno));
    }
    ++written_;
    if (opt_.frames > 0 && written_ >= opt_.frames) finish(0, "");
  }

  void on_closed(std::string_view why) {
    if (!closing_) finish(2, "connection closed: " + std::string(why));
    finished_ = true;
  }

  void finish(int status, const std::string& why) {
    if (closing_) return;
    closing_ = true;
    closing_since_ = std::chrono::steady_clock::now();
    status_ = status;
    if (!why.empty()) std::fprintf(stderr, "tickrail-record: %s\n", why.c_str());
    if (client_.is_open()) {
      client_.close();
    } else {
      finished_ = true;
    }
  }

 public:
  [[nodiscard]] long written() const noexcept { return written_; }

 private:
  const options& opt_;
  tr::net::ws_endpoint endpoint_;
  std::optional<std::pair<std::string, std::string>> creds_;
  FILE* out_;
  boost::asio::io_context io_;
  tr::net::ws_client client_;
  simdjson::ondemand::parser parser_;
  bool subscribed_ = false, closing_ = false, finished_ = false, aborted_ = false;
  std::chrono::steady_clock::time_point closing_since_{};
  int status_ = 0;
  long written_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse_args(argc, argv);
  tr::net::ws_endpoint endpoint;
  std::optional<std::pair<std::string, std::string>> creds;
  if (!opt.url.empty()) {
    auto ep = tr::deribit::parse_ws_url(opt.url);
    if (!ep.ok()) usage(std::string(ep.status().message()));
    endpoint = *ep;
  } else {
    auto cfg = tr::deribit::load_gateway_config_file(opt.config);
    if (!cfg.ok()) {
      std::fprintf(stderr, "tickrail-record: %s\n", std::string(cfg.status().message()).c_str());
      return 1;
    }
    endpoint = cfg->session.endpoint;
    creds.emplace(cfg->session.client_id, cfg->session.client_secret);
  }
  FILE* out = std::fopen(opt.out.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "tickrail-record: cannot write %s: %s\n", opt.out.c_str(), std::strerror(errno));
    return 1;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  recorder r(opt, endpoint, creds, out);
  const int status = r.run();
  std::fclose(out);
  std::fprintf(stderr, "tickrail-record: %ld frames written to %s\n", r.written(), opt.out.c_str());
  return status;
}
