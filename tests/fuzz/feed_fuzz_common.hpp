// Shared driver for the feed parser fuzz targets: the input is a sequence of
// frames, one per line, fed through a venue parser and the book stage (so
// sequences — sync, gaps, fragments — are fuzzed, not just single frames).
// Invariants checked on every frame: events only on ok, every event names a
// known instrument and carries at most its inline capacity, and a book that
// says it is valid is neither stale nor crossed.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/feed_status.hpp"
#include "tickrail/core/instrument.hpp"

namespace tickrail::fuzz {

#define TR_FUZZ_ASSERT(cond) \
  do {                       \
    if (!(cond)) std::abort(); \
  } while (false)

template <typename Parser, typename OnResync>
void run_frames(const std::uint8_t* data, std::size_t size, Parser& parser, core::book_builder& books,
                const core::instrument_catalog& catalog, OnResync&& on_resync) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const std::size_t nl = input.find('\n');
    const std::string_view frame = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    const core::feed_error e = parser.parse(frame, 0);
    if (e != core::feed_error::ok) TR_FUZZ_ASSERT(parser.events().empty());
    for (const core::event& ev : parser.events()) {
      TR_FUZZ_ASSERT(ev.header.instrument < catalog.size());
      TR_FUZZ_ASSERT(ev.md.count <= core::k_md_inline_levels);
      (void)books.apply(ev);
      const core::order_book& book = books.book(ev.header.instrument);
      if (book.valid()) TR_FUZZ_ASSERT(!book.stale() && !book.crossed());
    }
    core::instrument_id id = 0;
    while (books.take_resync_request(id)) on_resync(id);
  }
}

}  // namespace tickrail::fuzz
