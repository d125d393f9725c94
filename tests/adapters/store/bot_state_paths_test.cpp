// A store file that is not what it should be (issue 27 path 10): a file of
// garbage is refused at open with SQLite's reason and left as it was, and a
// real store whose table pages were overwritten refuses to load the risk
// state rather than starting the engine from nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tickrail/store/bot_state.hpp"

namespace tickrail {
namespace {

class bot_state_paths_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_bot_state_paths_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "tickrail.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // `bytes` of a fixed pseudo-random pattern (no SQLite header anywhere).
  static std::string garbage(std::size_t bytes) {
    std::string out(bytes, '\0');
    std::uint32_t x = 2463534242u;
    for (char& c : out) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      c = static_cast<char>(x & 0xff);
    }
    return out;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(bot_state_paths_test, a_file_of_garbage_is_refused_at_open_and_left_untouched) {
  const std::string junk = garbage(16384);
  std::ofstream(path_, std::ios::binary) << junk;
  const auto store = store::bot_state_store::open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("not a database"), std::string_view::npos) << store.status();
  EXPECT_EQ(read_all(path_), junk);  // not replaced by an empty store
}

TEST_F(bot_state_paths_test, a_store_with_overwritten_pages_refuses_to_load_the_risk_state) {
  {
    auto store = store::bot_state_store::open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->put("killTriggered", "1").ok());
    for (int i = 0; i < 200; ++i) ASSERT_TRUE((*store)->put("filler." + std::to_string(i), std::string(100, 'x')).ok());
    auto loaded = (*store)->load_risk_state();
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    ASSERT_TRUE(loaded->killed);
  }  // closed: the WAL is checkpointed into the file
  std::string bytes = read_all(path_);
  ASSERT_GT(bytes.size(), 3u * 4096u) << "the table should span several pages";
  // Page 1 (header, schema) stays; every page of the table is overwritten.
  const std::string junk = garbage(bytes.size() - 4096);
  bytes.replace(4096, junk.size(), junk);
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;

  auto store = store::bot_state_store::open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  const auto loaded = (*store)->load_risk_state();
  ASSERT_FALSE(loaded.ok()) << "killed=" << loaded->killed;
  EXPECT_NE(loaded.status().message().find("malformed"), std::string_view::npos) << loaded.status();
}

}  // namespace
}  // namespace tickrail
