// tickrail-record, the binary, against an in-process tickrail-venue over WS:
// a public and an authorised (raw) recording in the capture format, which
// tickrail-feedcat and tickrail-latency then read; refusals (raw without
// credentials, an unknown channel, no venue, bad arguments) exit with their
// codes and say why.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/run_binary.hpp"
#include "support/venue_harness.hpp"

namespace tickrail::test {
namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

venue::venue_config fast_market() {
  venue::venue_config c = test_venue_config();
  c.speed = 20;  // a 100 ms market step every 5 ms
  return c;
}

class record_cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_record_cli_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    url_ = "ws://127.0.0.1:" + std::to_string(venue_.port()) + "/ws/api/v2";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::string config(const std::string& secret) const {
    const std::string p = path("venue.toml");
    std::ofstream(p) << "[venues.deribit]\nurl = \"" << url_ << "\"\nclient_id = \"tickrail-demo\"\nclient_secret = \""
                     << secret << "\"\n";
    return p;
  }

  venue_process venue_{fast_market()};
  std::filesystem::path dir_;
  std::string url_;
};

TEST_F(record_cli, public_channel_in_capture_format) {
  const std::string out = path("public.txt");
  const std::int64_t before = wall_ns();
  const run_result r = run_binary(TICKRAIL_RECORD_BINARY,
                                  "--url " + url_ + " --channel book.BTC-PERPETUAL.100ms --frames 40 --out " + out);
  const std::int64_t after = wall_ns();
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("40 frames written"), std::string::npos) << r.output;
  const std::vector<std::string> lines = lines_of(out);
  ASSERT_EQ(lines.size(), 40u);
  std::int64_t last = 0;
  for (const std::string& line : lines) {
    const std::size_t space = line.find(' ');
    ASSERT_NE(space, std::string::npos) << line;
    const std::int64_t ns = std::stoll(line.substr(0, space));
    EXPECT_GE(ns, before);
    EXPECT_LE(ns, after);
    EXPECT_GE(ns, last);
    last = ns;
    EXPECT_EQ(line.compare(space + 1, 41, R"({"jsonrpc":"2.0","method":"subscription",)"), 0) << line;
    EXPECT_NE(line.find("\"channel\":\"book.BTC-PERPETUAL.100ms\""), std::string::npos) << line;
  }
  EXPECT_NE(lines.front().find("\"type\":\"snapshot\""), std::string::npos);
  EXPECT_NE(lines.back().find("\"type\":\"change\""), std::string::npos);
}

TEST_F(record_cli, raw_book_with_credentials_feeds_feedcat_and_latency) {
  const std::string out = path("raw.txt");
  run_result r = run_binary(TICKRAIL_RECORD_BINARY, "--config " + config("tickrail-demo-secret") +
                                                        " --channel book.BTC-PERPETUAL.raw --frames 400 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_EQ(lines_of(out).size(), 400u);

  // The real parser and book take every frame: no errors, no gaps.
  r = run_binary(TICKRAIL_FEEDCAT_BINARY, "--json " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string json = r.output.substr(r.output.rfind("\n{") + 1);
  EXPECT_NE(json.find("\"BTC-PERPETUAL\":{"), std::string::npos) << json;
  EXPECT_NE(json.find("\"frames\":400"), std::string::npos) << json;
  EXPECT_NE(json.find("\"gaps\":0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"errors\":0"), std::string::npos) << json;

  // And the latency harness runs the recording through the stages.
  r = run_binary(TICKRAIL_LATENCY_BINARY, "--input " + out + " --placement inline --warmup 0 --json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("\"input\":\"" + out + "\""), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\"orders\":0,"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\"measured\":0,"), std::string::npos) << r.output;
}

TEST_F(record_cli, seconds_bound_a_recording) {
  const std::string out = path("timed.txt");
  const auto start = std::chrono::steady_clock::now();
  const run_result r = run_binary(TICKRAIL_RECORD_BINARY,
                                  "--url " + url_ + " --channel ticker.BTC-PERPETUAL.100ms --seconds 1 --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(lines_of(out).empty());
}

TEST_F(record_cli, refusals_exit_with_a_reason) {
  const std::string out = path("refused.txt");
  run_result r =
      run_binary(TICKRAIL_RECORD_BINARY, "--url " + url_ + " --channel book.BTC-PERPETUAL.raw --frames 5 --out " + out);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("13778"), std::string::npos) << r.output;

  r = run_binary(TICKRAIL_RECORD_BINARY, "--url " + url_ + " --channel book.NO-SUCH.100ms --frames 5 --out " + out);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("did not accept channel book.NO-SUCH.100ms"), std::string::npos) << r.output;

  r = run_binary(TICKRAIL_RECORD_BINARY,
                 "--config " + config("wrong-secret") + " --channel book.BTC-PERPETUAL.raw --frames 5 --out " + out);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("authentication refused"), std::string::npos) << r.output;

  r = run_binary(TICKRAIL_RECORD_BINARY,
                 "--url ws://127.0.0.1:1/ws/api/v2 --channel book.BTC-PERPETUAL.100ms --out " + out);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("connection closed"), std::string::npos) << r.output;

  for (const std::string& bad :
       {"--channel book.BTC-PERPETUAL.100ms --out " + out,  // no endpoint
        "--url " + url_ + " --out " + out,                  // no channel
        "--url " + url_ + " --channel x",                   // no output
        "--url " + url_ + " --channel x --out " + out + " --frames 0", "--url http://x --channel x --out " + out,
        "--url " + url_ + " --channel x --out /nonexistent-dir/x.txt",
        "--config /nonexistent.toml --channel x --out " + out, std::string("--bogus")}) {
    r = run_binary(TICKRAIL_RECORD_BINARY, bad);
    EXPECT_EQ(r.status, 1) << bad << "\n" << r.output;
    EXPECT_NE(r.output.find("tickrail-record: "), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace tickrail::test
