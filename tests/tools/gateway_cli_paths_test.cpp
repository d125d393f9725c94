// tickrail-gateway, the binary, on the paths gateway_cli_test does not reach
// (issue 27 path 9): a venue that serves instruments but never lets the
// session become ready makes it give up after --timeout-s with exit 2 and the
// reason; --seconds N keeps it connected for N s with a status line a second.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/run_binary.hpp"
#include "support/venue_harness.hpp"

namespace tickrail::test {
namespace {

// 20 s: a deadline that is not kept fails fast instead of at the ctest timeout.
run_result run(const std::string& args) { return run_binary(TICKRAIL_GATEWAY_BINARY, args, 20); }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

class gateway_cli_paths : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_gateway_cli_paths_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_config(const std::string& secret) {
    const std::string path = (dir_ / "gateway.toml").string();
    std::ofstream(path) << "[venues.deribit]\nurl = \"ws://127.0.0.1:" << venue_.port() << "/ws/api/v2\"\n"
                        << "client_id = \"tickrail-demo\"\nclient_secret = \"" << secret << "\"\n"
                        << "currencies = [\"BTC\"]\n";
    return path;
  }

  venue_process venue_;
  std::filesystem::path dir_;
};

TEST_F(gateway_cli_paths, a_session_that_never_gets_ready_gives_up_after_timeout_s_with_exit_2) {
  // Instruments are public, so they load; the refused credentials keep the
  // session from ever becoming ready.
  const auto started = std::chrono::steady_clock::now();
  const run_result r = run("--config " + write_config("not-the-secret") + " --timeout-s 1");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("tickrail-gateway: not ready after 1 s: "), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("instruments:"), std::string::npos) << r.output;  // it got past them
  EXPECT_LT(took, std::chrono::seconds(10)) << "the 1 s deadline was not kept";
}

TEST_F(gateway_cli_paths, seconds_keeps_the_session_connected_with_a_status_line_a_second) {
  const auto started = std::chrono::steady_clock::now();
  const run_result r = run("--config " + write_config("tickrail-demo-secret") + " --seconds 2");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.status, 0) << r.output;
  // The report once ready, then one a second while it stays: 3 in all (the
  // last may fall just after the deadline, so at least 2), none disconnected.
  EXPECT_GE(count(r.output, "ready: reconciled"), 2u) << r.output;
  EXPECT_EQ(count(r.output, "| reconnects 0 |"), count(r.output, "ready: reconciled")) << r.output;
  EXPECT_EQ(r.output.find("disconnected"), std::string::npos) << r.output;
  EXPECT_GE(took, std::chrono::seconds(2));
  EXPECT_LT(took, std::chrono::seconds(30));
}

}  // namespace
}  // namespace tickrail::test
