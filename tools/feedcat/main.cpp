// tickrail-feedcat — runs a raw-frame capture through the real feed parsers
// and book stage and reports what came out, per instrument.
//
//   tickrail-feedcat [--instruments FILE]... [--json] CAPTURE
//
// CAPTURE: one frame per line, `<receive ns> <frame>`, gzip or plain (the
// format of ../shared/data). Each frame goes to the Deribit parser when it is
// a JSON-RPC message, else to the Binance USD-M parser; events go to the book
// stage, whose resync requests go back to the parser (a Binance instrument
// then buffers until the next REST snapshot in the capture).
//
// Instruments: Deribit get_instruments replies and Binance exchangeInfo
// files; by default config/instruments/{deribit,binance_usdm}.json.
//
// Output: per instrument — frames, level updates, gaps, resyncs, parse
// errors, and the final best bid/ask with sizes as the venue writes numbers.
// Errors are attributed to an instrument when its name can be found in the
// frame, else counted as unattributed. With --json the last line is one
// JSON object: {"instruments": {SYMBOL: {best_bid, best_bid_qty, best_ask,
// best_ask_qty, frames, level_updates, gaps, resyncs, errors, valid}}, ...}.
// Exit status: 0 done, 1 the capture could not be read to the end, 2 usage.
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tickrail/binance/feed_parser.hpp"
#include "tickrail/binance/instruments.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/capture_reader.hpp"
#include "tickrail/core/file.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tr = tickrail::core;

namespace {

struct instrument_stats {
  std::uint64_t frames = 0;
  std::uint64_t errors = 0;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "tickrail-feedcat: %s\nusage: tickrail-feedcat [--instruments FILE]... [--json] CAPTURE\n",
               why.c_str());
  std::exit(2);
}

bool is_deribit(std::string_view frame) {
  return frame.find("\"jsonrpc\"") != std::string_view::npos || frame.find("\"method\"") != std::string_view::npos;
}

// Reads a file once and loads it as Deribit instruments or, failing that,
// Binance exchangeInfo.
absl::Status load_instruments(const std::string& path, tr::instrument_catalog& catalog) {
  return tr::parse_file(path, [&](const std::string& text) -> absl::Status {
    const absl::Status deribit = tickrail::deribit::load_instruments(text, catalog);
    if (deribit.ok()) return deribit;
    const absl::Status binance = tickrail::binance::load_exchange_info(text, catalog);
    if (binance.ok()) return binance;
    return absl::InvalidArgumentError(
        absl::StrCat(deribit.message(), "; as Binance exchangeInfo: ", binance.message()));
  });
}

// Finds which instrument a frame that failed to parse was about, by name.
const tr::instrument* guess_instrument(std::string_view frame, const tr::instrument_catalog& catalog) {
  for (const char* key : {"\"instrument_name\":\"", "\"s\":\"", "\"channel\":\""}) {
    std::size_t at = frame.find(key);
    if (at == std::string_view::npos) continue;
    at += std::strlen(key);
    const std::size_t end = frame.find('"', at);
    if (end == std::string_view::npos) continue;
    std::string_view name = frame.substr(at, end - at);
    if (key[2] == 'c') {  // channel: kind.NAME.interval
      const std::size_t dot = name.find('.');
      if (dot == std::string_view::npos) continue;
      name = name.substr(dot + 1, name.find('.', dot + 1) - dot - 1);
    }
    for (tr::venue v : {tr::venue::deribit, tr::venue::binance_usdm}) {
      if (const tr::instrument* inst = catalog.find(v, name)) return inst;
    }
  }
  return nullptr;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> instrument_files;
  std::string capture;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--instruments") {
      if (i + 1 >= argc) usage("--instruments needs a file");
      instrument_files.push_back(argv[++i]);
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--help" || arg == "-h") {
      usage("help");
    } else if (!arg.empty() && arg[0] == '-') {
      usage("unknown option " + arg);
    } else if (capture.empty()) {
      capture = arg;
    } else {
      usage("one capture at a time");
    }
  }
  if (capture.empty()) usage("no capture given");
  if (instrument_files.empty()) {
    instrument_files = {std::string(TICKRAIL_SOURCE_DIR) + "/config/instruments/deribit.json",
                        std::string(TICKRAIL_SOURCE_DIR) + "/config/instruments/binance_usdm.json"};
  }

  tr::instrument_catalog catalog;
  for (const std::string& file : instrument_files) {
    if (const absl::Status s = load_instruments(file, catalog); !s.ok()) {
      std::fprintf(stderr, "tickrail-feedcat: %s\n", std::string(s.message()).c_str());
      return 2;
    }
  }
  auto reader = tr::capture_reader::open(capture);
  if (!reader.ok()) {
    std::fprintf(stderr, "tickrail-feedcat: %s\n", std::string(reader.status().message()).c_str());
    return 2;
  }

  tickrail::deribit::feed_parser deribit(catalog);
  tickrail::binance::feed_parser binance(catalog);
  tr::book_builder books(catalog.size(), 16384);
  std::vector<instrument_stats> stats(catalog.size());
  std::vector<std::uint32_t> last_frame_seen(catalog.size(), 0);
  std::map<std::string, std::uint64_t> unattributed;  // reason -> count
  std::uint32_t frame_no = 0;

  std::int64_t recv_ns = 0;
  std::string_view frame;
  while ((*reader)->next(recv_ns, frame)) {
    ++frame_no;
    const bool from_deribit = is_deribit(frame);
    const tr::feed_error result = from_deribit ? deribit.parse(frame, recv_ns) : binance.parse(frame, recv_ns);
    if (result != tr::feed_error::ok && result != tr::feed_error::ignored) {
      if (const tr::instrument* inst = guess_instrument(frame, catalog)) {
        ++stats[inst->id].errors;
      } else {
        ++unattributed[std::string(tr::to_string(result))];
      }
      continue;
    }
    for (const tr::event& e : from_deribit ? deribit.events() : binance.events()) {
      if (e.header.instrument < stats.size() && last_frame_seen[e.header.instrument] != frame_no) {
        last_frame_seen[e.header.instrument] = frame_no;
        ++stats[e.header.instrument].frames;
      }
      (void)books.apply(e);
    }
    tr::instrument_id id = 0;
    while (books.take_resync_request(id)) {
      if (catalog[id].where == tr::venue::binance_usdm) binance.request_resync(id);
    }
  }

  // Report instruments that appeared, in catalog order.
  std::string json_out = "{\"capture\":" + json_string(capture) + ",\"frames\":" + std::to_string(frame_no) +
                         ",\"malformed_lines\":" + std::to_string((*reader)->malformed()) + ",\"instruments\":{";
  bool first = true;
  std::printf("%-24s %8s %10s %6s %7s %6s  %-28s %-28s\n", "instrument", "frames", "levels", "gaps", "resyncs",
              "errors", "best bid (qty)", "best ask (qty)");
  for (const tr::instrument& inst : catalog.all()) {
    const instrument_stats& s = stats[inst.id];
    const tr::book_counters& c = books.counters(inst.id);
    if (s.frames == 0 && s.errors == 0) continue;
    const tr::order_book& book = books.book(inst.id);
    const bool has_bid = book.depth(tr::side::buy) > 0;
    const bool has_ask = book.depth(tr::side::sell) > 0;
    const std::string bid = has_bid ? inst.format_price(book.best(tr::side::buy).price_ticks) : "";
    const std::string bid_qty = has_bid ? inst.format_qty(book.best(tr::side::buy).qty_lots) : "";
    const std::string ask = has_ask ? inst.format_price(book.best(tr::side::sell).price_ticks) : "";
    const std::string ask_qty = has_ask ? inst.format_qty(book.best(tr::side::sell).qty_lots) : "";
    std::printf("%-24s %8llu %10llu %6llu %7llu %6llu  %-28s %-28s%s\n", inst.symbol.c_str(),
                static_cast<unsigned long long>(s.frames), static_cast<unsigned long long>(c.level_updates),
                static_cast<unsigned long long>(c.gaps), static_cast<unsigned long long>(c.resyncs),
                static_cast<unsigned long long>(s.errors), has_bid ? (bid + " (" + bid_qty + ")").c_str() : "-",
                has_ask ? (ask + " (" + ask_qty + ")").c_str() : "-",
                book.synced() && !book.valid() ? (book.stale() ? "  STALE" : "  CROSSED") : "");
    auto field = [](const std::string& v) { return v.empty() ? std::string("null") : json_string(v); };
    json_out += (first ? "" : ",") + json_string(inst.symbol) + ":{\"best_bid\":" + field(bid) +
                ",\"best_bid_qty\":" + field(bid_qty) + ",\"best_ask\":" + field(ask) +
                ",\"best_ask_qty\":" + field(ask_qty) + ",\"frames\":" + std::to_string(s.frames) +
                ",\"level_updates\":" + std::to_string(c.level_updates) + ",\"gaps\":" + std::to_string(c.gaps) +
                ",\"resyncs\":" + std::to_string(c.resyncs) + ",\"errors\":" + std::to_string(s.errors) +
                ",\"valid\":" + (book.valid() ? "true" : "false") + "}";
    first = false;
  }
  json_out += "},\"unattributed_errors\":{";
  first = true;
  for (const auto& [reason, count] : unattributed) {
    std::printf("unattributed errors: %s %llu\n", reason.c_str(), static_cast<unsigned long long>(count));
    json_out += (first ? "" : ",") + json_string(reason) + ":" + std::to_string(count);
    first = false;
  }
  json_out += "}}";
  std::printf("%u frames, %llu malformed lines\n", frame_no, static_cast<unsigned long long>((*reader)->malformed()));
  if (!(*reader)->error().empty())
    std::fprintf(stderr, "tickrail-feedcat: read error: %s\n", (*reader)->error().c_str());
  if (json) std::printf("%s\n", json_out.c_str());
  return (*reader)->error().empty() ? 0 : 1;
}
