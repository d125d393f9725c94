// Shared driver for the feed parser fuzz targets: the input is a sequence of
// frames, one per line, fed through a venue parser and the book stage (so
// sequences — sync, gaps, fragments — are fuzzed, not just single frames).
// Invariants checked on every frame: events only on ok, every event names a
// known instrument and carries at most its inline capacity, and a book that
// says it is valid is neither stale nor crossed.
//
// The book stage is built once per process, not per input: a book_builder
// holds a 16k-tick ladder per side per instrument, and building one per input
// made the Deribit target run at ~300 exec/s. reset_books() returns it to a
// state that answers every event as a fresh one does (see there), so each
// input still runs alone and a crash reproduces from its file.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/feed_status.hpp"
#include "tickrail/core/instrument.hpp"

namespace tickrail::fuzz {

#define TR_FUZZ_ASSERT(cond)   \
  do {                         \
    if (!(cond)) std::abort(); \
  } while (false)

// Puts every book of `books` back to "no snapshot yet" through its public
// rules, without allocating: an empty one-fragment snapshot (clears the
// levels, re-centres the ladder window, ends any half-skipped frame), then a
// change that does not chain (marks the book stale), then drains the resync
// queue. A stale book and a never-synced one answer every event alike — a
// change is dropped, a snapshot clears and syncs — so the next input sees
// fresh books; only the diagnostic counters carry over.
inline void reset_books(core::book_builder& books) noexcept {
  for (std::size_t i = 0; i < books.instruments(); ++i) {
    core::event e{};
    e.header = core::make_header(core::event_type::market_data, static_cast<core::instrument_id>(i), 0);
    e.md.kind = core::md_kind::book_snapshot;
    e.md.change_id = 1;
    e.md.prev_change_id = -1;
    (void)books.apply(e);
    e.md.kind = core::md_kind::book_change;
    e.md.change_id = 3;
    e.md.prev_change_id = 2;  // not 1: a gap
    (void)books.apply(e);
  }
  core::instrument_id id = 0;
  while (books.take_resync_request(id)) {
  }
}

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
