// A capture cut short (issue 27 path 10): a gzip file truncated mid-stream
// gives the records before the cut, intact and in order, then stops with an
// error() naming the failure; the whole file reads to the end with none.
#include "tickrail/core/capture_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace tickrail::core {
namespace {

constexpr int k_lines = 5000;

std::string line_at(int i) {
  // Varied enough that gzip cannot shrink the file to a few bytes.
  return std::to_string(1'700'000'000'000'000'000LL + i * 977LL) + R"( {"jsonrpc":"2.0","params":{"seq":)" +
         std::to_string(i * 7919 % 100003) + "}}";
}

class capture_reader_paths_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_capture_paths_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    whole_ = (dir_ / "whole.txt.gz").string();
    gzFile out = gzopen(whole_.c_str(), "wb");
    ASSERT_NE(out, nullptr);
    for (int i = 0; i < k_lines; ++i) {
      const std::string l = line_at(i) + "\n";
      ASSERT_EQ(gzwrite(out, l.data(), static_cast<unsigned>(l.size())), static_cast<int>(l.size()));
    }
    ASSERT_EQ(gzclose(out), Z_OK);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Reads every record of `path`, checking each against the line written.
  int read_checked(const std::string& path, std::string& error) {
    auto reader = capture_reader::open(path);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return -1;
    int n = 0;
    std::int64_t recv_ns = 0;
    std::string_view frame;
    while ((*reader)->next(recv_ns, frame)) {
      const std::string expected = line_at(n);
      const std::size_t space = expected.find(' ');
      EXPECT_EQ(recv_ns, std::stoll(expected.substr(0, space))) << "record " << n;
      EXPECT_EQ(frame, expected.substr(space + 1)) << "record " << n;
      ++n;
    }
    EXPECT_EQ((*reader)->records(), static_cast<std::uint64_t>(n));
    error = (*reader)->error();
    return n;
  }

  std::filesystem::path dir_;
  std::string whole_;
};

TEST_F(capture_reader_paths_test, the_whole_file_reads_to_the_end_without_error) {
  std::string error;
  EXPECT_EQ(read_checked(whole_, error), k_lines);
  EXPECT_EQ(error, "");
}

TEST_F(capture_reader_paths_test, a_truncated_gzip_gives_what_came_before_the_cut_then_an_error) {
  std::ifstream in(whole_, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_GT(bytes.size(), 4096u);
  const std::string cut = (dir_ / "cut.txt.gz").string();
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);

  std::string error;
  const int n = read_checked(cut, error);
  EXPECT_GT(n, 0);
  EXPECT_LT(n, k_lines);
  EXPECT_NE(error, "") << n << " records and no error";
  std::printf("%d of %d records before the cut; error: %s\n", n, k_lines, error.c_str());
}

}  // namespace
}  // namespace tickrail::core
