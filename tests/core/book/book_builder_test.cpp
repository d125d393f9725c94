#include "tickrail/core/book_builder.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tickrail/core/md_builder.hpp"

namespace tickrail::core {
namespace {

// Builds the events of one book frame.
std::vector<event> frame(md_kind kind, std::int64_t change_id, std::int64_t prev, std::vector<level_update> levels,
                         instrument_id inst = 0) {
  md_builder b(16);
  event_header h = make_header(event_type::market_data, inst, 0);
  EXPECT_TRUE(b.begin(h, kind, change_id, prev));
  for (const level_update& l : levels) EXPECT_TRUE(b.add_level(l));
  return {b.events().begin(), b.events().end()};
}

level_update bid(ticks p, lots q) {
  return {p, q, side::buy, q ? book_action::new_level : book_action::delete_level, {}};
}
level_update ask(ticks p, lots q) {
  return {p, q, side::sell, q ? book_action::new_level : book_action::delete_level, {}};
}

book_outcome apply_all(book_builder& b, const std::vector<event>& events) {
  book_outcome last = book_outcome::not_book;
  for (const event& e : events) last = b.apply(e);
  return last;
}

TEST(book_builder, snapshot_then_chained_changes) {
  book_builder b(2);
  EXPECT_EQ(apply_all(b, frame(md_kind::book_change, 5, 4, {bid(100, 1)})), book_outcome::dropped) << "no snapshot yet";
  EXPECT_EQ(apply_all(b, frame(md_kind::book_snapshot, 10, -1, {bid(100, 5), ask(102, 7)})), book_outcome::applied);
  EXPECT_TRUE(b.book(0).valid());
  // Deribit ids are not consecutive: 10 → 17 is fine when prev says 10.
  EXPECT_EQ(apply_all(b, frame(md_kind::book_change, 17, 10, {bid(101, 2), ask(102, 0)})), book_outcome::applied);
  EXPECT_EQ(b.book(0).best(side::buy), (book_level{101, 2}));
  EXPECT_EQ(b.book(0).depth(side::sell), 0u);
  EXPECT_EQ(b.book(0).last_update_id(), 17);
  EXPECT_EQ(b.counters(0).frames, 2u);
  EXPECT_EQ(b.counters(0).level_updates, 4u);
  EXPECT_EQ(b.counters(0).dropped, 1u);
  EXPECT_FALSE(b.book(1).synced()) << "books are per instrument";
}

TEST(book_builder, a_gap_marks_stale_requests_one_resync_and_drops_until_snapshot) {
  book_builder b(3);
  ASSERT_EQ(apply_all(b, frame(md_kind::book_snapshot, 10, -1, {bid(100, 5), ask(102, 7)}, 2)), book_outcome::applied);
  EXPECT_EQ(apply_all(b, frame(md_kind::book_change, 30, 20, {bid(101, 1)}, 2)), book_outcome::gap);
  EXPECT_TRUE(b.book(2).stale());
  EXPECT_FALSE(b.book(2).valid());
  EXPECT_EQ(b.book(2).best(side::buy), (book_level{100, 5})) << "the gapped frame is not applied";
  EXPECT_EQ(apply_all(b, frame(md_kind::book_change, 40, 30, {bid(101, 1)}, 2)), book_outcome::dropped);
  instrument_id id = 99;
  ASSERT_TRUE(b.take_resync_request(id));
  EXPECT_EQ(id, 2);
  EXPECT_FALSE(b.take_resync_request(id)) << "one request per gap";
  EXPECT_EQ(apply_all(b, frame(md_kind::book_snapshot, 50, -1, {bid(99, 1), ask(103, 1)}, 2)), book_outcome::applied);
  EXPECT_TRUE(b.book(2).valid());
  EXPECT_EQ(b.counters(2).gaps, 1u);
  EXPECT_EQ(b.counters(2).resyncs, 1u);
  EXPECT_EQ(apply_all(b, frame(md_kind::book_change, 51, 50, {bid(100, 3)}, 2)), book_outcome::applied);
}

TEST(book_builder, fragments_apply_as_one_frame_and_a_gap_drops_them_all) {
  book_builder b(1);
  std::vector<level_update> many;
  for (ticks p = 0; p < 20; ++p) many.push_back(bid(1000 - p, 1));
  auto snapshot = frame(md_kind::book_snapshot, 1, -1, many);
  ASSERT_EQ(snapshot.size(), 3u);
  EXPECT_EQ(b.apply(snapshot[0]), book_outcome::partial);
  EXPECT_EQ(b.apply(snapshot[1]), book_outcome::partial);
  EXPECT_EQ(b.apply(snapshot[2]), book_outcome::applied);
  EXPECT_EQ(b.book(0).depth(side::buy), 20u);
  auto gapped = frame(md_kind::book_change, 9, 7, many);
  EXPECT_EQ(b.apply(gapped[0]), book_outcome::gap);
  EXPECT_EQ(b.apply(gapped[1]), book_outcome::dropped);
  EXPECT_EQ(b.apply(gapped[2]), book_outcome::dropped);
  EXPECT_EQ(b.counters(0).frames, 1u);
}

TEST(book_builder, crossed_books_are_reported) {
  book_builder b(1);
  ASSERT_EQ(apply_all(b, frame(md_kind::book_snapshot, 1, -1, {bid(100, 1), ask(101, 1)})), book_outcome::applied);
  EXPECT_EQ(apply_all(b, frame(md_kind::book_change, 2, 1, {bid(101, 1)})), book_outcome::crossed);
  EXPECT_FALSE(b.book(0).valid());
  EXPECT_EQ(b.counters(0).crossed, 1u);
  EXPECT_EQ(apply_all(b, frame(md_kind::book_change, 3, 2, {ask(101, 0), ask(102, 1)})), book_outcome::applied);
}

TEST(book_builder, non_book_events_pass_through) {
  book_builder b(1);
  event e{};
  e.header.type = event_type::market_data;
  e.md.kind = md_kind::ticker;
  EXPECT_EQ(b.apply(e), book_outcome::not_book);
  e.header.type = event_type::timer;
  EXPECT_EQ(b.apply(e), book_outcome::not_book);
  e.header.type = event_type::market_data;
  e.md.kind = md_kind::book_snapshot;
  e.header.instrument = 5;
  EXPECT_EQ(b.apply(e), book_outcome::dropped) << "unknown instrument id";
}

}  // namespace
}  // namespace tickrail::core
