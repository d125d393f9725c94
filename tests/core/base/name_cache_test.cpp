#include "tickrail/core/name_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tickrail::core {
namespace {

struct route {
  int kind;
  std::uint16_t id;
};

TEST(name_cache, misses_until_put_then_hits_the_exact_name) {
  name_cache<route> cache;
  EXPECT_EQ(cache.find("book.BTC-PERPETUAL.100ms"), nullptr);
  cache.put("book.BTC-PERPETUAL.100ms", route{1, 7});
  const route* hit = cache.find("book.BTC-PERPETUAL.100ms");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->kind, 1);
  EXPECT_EQ(hit->id, 7);
  // Same length, one byte different; a prefix; an extension.
  EXPECT_EQ(cache.find("book.BTC-PERPETUAL.100mt"), nullptr);
  EXPECT_EQ(cache.find("book.BTC-PERPETUAL.100m"), nullptr);
  EXPECT_EQ(cache.find("book.BTC-PERPETUAL.100ms.x"), nullptr);
  EXPECT_EQ(cache.find(""), nullptr);
}

TEST(name_cache, short_and_empty_names) {
  name_cache<route> cache;
  cache.put("", route{3, 0});
  cache.put("ab", route{4, 1});
  ASSERT_NE(cache.find(""), nullptr);
  EXPECT_EQ(cache.find("")->kind, 3);
  ASSERT_NE(cache.find("ab"), nullptr);
  EXPECT_EQ(cache.find("ab")->kind, 4);
  EXPECT_EQ(cache.find("ba"), nullptr);
}

TEST(name_cache, names_longer_than_the_slot_are_never_cached) {
  name_cache<route> cache;
  const std::string longest(name_cache<route>::k_max_name, 'x');
  const std::string too_long(name_cache<route>::k_max_name + 1, 'x');
  cache.put(longest, route{1, 1});
  cache.put(too_long, route{2, 2});
  ASSERT_NE(cache.find(longest), nullptr);
  EXPECT_EQ(cache.find(longest)->kind, 1);
  EXPECT_EQ(cache.find(too_long), nullptr);
}

// Option channels differ only in the middle (the strike): every name put
// last is found with its own value, and no lookup ever returns another
// name's value, however the slots collide.
TEST(name_cache, colliding_names_never_answer_for_each_other) {
  name_cache<route, 4> cache;  // 16 slots: collisions guaranteed
  std::vector<std::string> names;
  for (int strike = 10000; strike < 10400; strike += 1) {
    names.push_back("ticker.BTC-27DEC24-" + std::to_string(strike) + "-C.100ms");
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    cache.put(names[i], route{static_cast<int>(i), 0});
    ASSERT_NE(cache.find(names[i]), nullptr);
    EXPECT_EQ(cache.find(names[i])->kind, static_cast<int>(i));
  }
  std::size_t hits = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (const route* r = cache.find(names[i])) {
      EXPECT_EQ(r->kind, static_cast<int>(i)) << names[i];
      ++hits;
    }
  }
  EXPECT_GT(hits, 0u);
  EXPECT_LE(hits, (name_cache<route, 4>::k_slots));
  cache.clear();
  for (const std::string& n : names) EXPECT_EQ(cache.find(n), nullptr);
}

}  // namespace
}  // namespace tickrail::core
