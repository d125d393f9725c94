// Fuzz target: Deribit frames (one per line) through the parser and book.
#include <cstdint>

#include "feed_fuzz_common.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace {

const tickrail::core::instrument_catalog& catalog() {
  static const tickrail::core::instrument_catalog c = [] {
    tickrail::core::instrument_catalog cat;
    if (!tickrail::deribit::load_instruments_file(TICKRAIL_SOURCE_DIR "/config/instruments/deribit.json", cat).ok()) std::abort();
    return cat;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tickrail::deribit::feed_parser parser(catalog(), {1 << 16, 256});
  tickrail::core::book_builder books(catalog().size(), 64);
  tickrail::fuzz::run_frames(data, size, parser, books, catalog(), [](tickrail::core::instrument_id) {});
  return 0;
}
