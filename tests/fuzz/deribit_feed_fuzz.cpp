// Fuzz target: Deribit frames (one per line) through the parser and book.
// The parser keeps no state between frames; the books are reset between
// inputs (feed_fuzz_common.hpp), so nothing is allocated per input.
#include <cstdint>

#include "feed_fuzz_common.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "deribit_catalog.hpp"

namespace {

const tickrail::core::instrument_catalog& catalog() { return tickrail::fuzz::deribit_catalog(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tickrail::deribit::feed_parser parser(catalog(), {1 << 16, 256});
  static tickrail::core::book_builder books(catalog().size(), 64);
  tickrail::fuzz::reset_books(books);
  tickrail::fuzz::run_frames(data, size, parser, books, catalog(), [](tickrail::core::instrument_id) {});
  return 0;
}
