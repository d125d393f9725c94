// Fuzz target: Binance USD-M frames (one per line) through the parser, its
// sync procedure and the book; resync requests go back to the parser.
#include <cstdint>

#include "feed_fuzz_common.hpp"
#include "tickrail/binance/feed_parser.hpp"
#include "tickrail/binance/instruments.hpp"

namespace {

const tickrail::core::instrument_catalog& catalog() {
  static const tickrail::core::instrument_catalog c = [] {
    tickrail::core::instrument_catalog cat;
    if (!tickrail::binance::load_exchange_info_file(TICKRAIL_SOURCE_DIR "/config/instruments/binance_usdm.json", cat)
             .ok())
      std::abort();
    return cat;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A fresh parser per input: its sync state (buffered updates, which
  // instruments have seen depth, an expected snapshot) has no public reset
  // and must not leak between inputs. It is small (a 16 KiB frame buffer);
  // the books, the large part, are built once and reset.
  tickrail::binance::feed_parser parser(catalog(), {1 << 14, 256, 64});
  static tickrail::core::book_builder books(catalog().size(), 64);
  tickrail::fuzz::reset_books(books);
  tickrail::fuzz::run_frames(data, size, parser, books, catalog(),
                             [&](tickrail::core::instrument_id id) { parser.request_resync(id); });
  return 0;
}
