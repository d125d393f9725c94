// book_builder paths book_builder_test does not reach: a delete_level that
// still carries a quantity (a feed that echoes the removed amount instead of
// 0) removes the level — the builder, not only the parser, decides that a
// delete is a delete.
#include <gtest/gtest.h>

#include <vector>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/md_builder.hpp"

namespace tickrail::core {
namespace {

std::vector<event> one_frame(md_kind kind, std::int64_t change_id, std::int64_t prev,
                             const std::vector<level_update>& levels) {
  md_builder b(8);
  EXPECT_TRUE(b.begin(make_header(event_type::market_data, 0, 0), kind, change_id, prev));
  for (const level_update& l : levels) EXPECT_TRUE(b.add_level(l));
  return {b.events().begin(), b.events().end()};
}

TEST(book_builder_paths, a_delete_with_a_nonzero_quantity_removes_the_level) {
  book_builder b(1);
  const std::vector<level_update> snapshot = {{100, 5, side::buy, book_action::new_level, {}},
                                              {99, 3, side::buy, book_action::new_level, {}},
                                              {102, 7, side::sell, book_action::new_level, {}}};
  for (const event& e : one_frame(md_kind::book_snapshot, 10, -1, snapshot)) (void)b.apply(e);
  ASSERT_EQ(b.book(0).depth(side::buy), 2u);

  book_outcome last = book_outcome::not_book;
  for (const event& e : one_frame(md_kind::book_change, 11, 10, {{100, 5, side::buy, book_action::delete_level, {}}})) {
    last = b.apply(e);
  }
  EXPECT_EQ(last, book_outcome::applied);
  EXPECT_EQ(b.book(0).depth(side::buy), 1u);
  EXPECT_EQ(b.book(0).best(side::buy), (book_level{99, 3}));
  EXPECT_EQ(b.book(0).best(side::sell), (book_level{102, 7}));
}

}  // namespace
}  // namespace tickrail::core
