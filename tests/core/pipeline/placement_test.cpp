#include "tickrail/core/placement.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tickrail::core {
namespace {

const std::vector<std::string> k_stages{"sequencer", "strategy", "risk", "gateway"};
const std::vector<int> k_cpus{0, 1};

TEST(placement, parses_workers_cpus_waits_and_stages) {
  const auto p = parse_placement_toml(R"(
[placement]
[[placement.workers]]
name = "hot"
cpu = 1
wait = "busy_spin"
stages = ["sequencer", "strategy", "risk"]

[[placement.workers]]
name = "io"
wait = "backoff"
stages = ["gateway"]
[placement.workers.backoff]
spins = 10
yields = 5
min_sleep_us = 2
max_sleep_us = 500
)",
                                      "engine.toml");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->workers.size(), 2u);
  EXPECT_EQ(p->workers[0].options.name, "hot");
  EXPECT_EQ(p->workers[0].options.cpu, 1);
  EXPECT_EQ(p->workers[0].options.wait, wait_kind::busy_spin);
  EXPECT_EQ(p->workers[0].stages, (std::vector<std::string>{"sequencer", "strategy", "risk"}));
  EXPECT_EQ(p->workers[1].options.cpu, -1);
  EXPECT_EQ(p->workers[1].options.wait, wait_kind::backoff);
  EXPECT_EQ(p->workers[1].options.backoff.spins, 10u);
  EXPECT_EQ(p->workers[1].options.backoff.max_sleep_us, 500u);
  EXPECT_TRUE(validate_placement(*p, k_stages, k_cpus).ok());
}

struct bad_case {
  const char* toml;
  const char* expect;  // substring of the error: file, line and key
};

TEST(placement, errors_name_file_line_and_key) {
  const bad_case cases[] = {
      {"[placement]\n[[placement.workers]]\nname = \"a\"\nwait = \"spin\"\nstages = [\"risk\"]\n",
       "cfg.toml:4: key 'placement.workers[0].wait'"},
      {"[placement]\n[[placement.workers]]\nname = \"a\"\ncpu = -2\nstages = [\"risk\"]\n",
       "cfg.toml:4: key 'placement.workers[0].cpu'"},
      {"[placement]\n[[placement.workers]]\nname = \"a\"\nstages = []\n",
       "cfg.toml:4: key 'placement.workers[0].stages'"},
      {"[placement]\n[[placement.workers]]\nname = \"a\"\nstages = [\"risk\"]\ncolour = 3\n",
       "cfg.toml:5: key 'placement.workers[0].colour': unknown key"},
      {"[placement]\n[[placement.workers]]\nstages = [\"risk\"]\n", "key 'placement.workers[0].name': missing"},
      {"[placement]\n[[placement.workers]]\nname = \"a\"\nstages = "
       "[\"risk\"]\n[placement.workers.backoff]\nmin_sleep_us = 0\n",
       "need 0 < min_sleep_us"},
      {"[placement]\nworkers = 3\n", "cfg.toml:2: key 'placement.workers'"},
      {"[engine]\nx = 1\n", "no [placement] section"},
      {"[placement\n", "cfg.toml:1:"},
      {"[placement]\n[[placement.workers]]\nname = \"a\"\nstages = [\"risk\", 3]\n", "stage names must be strings"},
  };
  for (const bad_case& c : cases) {
    const auto p = parse_placement_toml(c.toml, "cfg.toml");
    ASSERT_FALSE(p.ok()) << c.toml;
    EXPECT_NE(std::string(p.status().message()).find(c.expect), std::string::npos)
        << "got: " << p.status().message() << "\nwant: " << c.expect;
  }
}

placement two_workers(std::vector<std::string> a, std::vector<std::string> b) {
  placement p;
  p.workers.push_back({worker_options{"a", -1, wait_kind::yield, {}}, std::move(a), "t:1"});
  p.workers.push_back({worker_options{"b", -1, wait_kind::yield, {}}, std::move(b), "t:2"});
  return p;
}

TEST(placement, validation_requires_every_stage_exactly_once) {
  EXPECT_TRUE(validate_placement(two_workers({"sequencer", "strategy"}, {"risk", "gateway"}), k_stages, k_cpus).ok());
  const auto twice =
      validate_placement(two_workers({"sequencer", "risk"}, {"risk", "gateway", "strategy"}), k_stages, k_cpus);
  EXPECT_NE(std::string(twice.message()).find("'risk' is placed on both 'a' and 'b'"), std::string::npos) << twice;
  const auto missing = validate_placement(two_workers({"sequencer"}, {"risk", "gateway"}), k_stages, k_cpus);
  EXPECT_NE(std::string(missing.message()).find("'strategy' is not placed"), std::string::npos) << missing;
  const auto unknown =
      validate_placement(two_workers({"sequencer", "strategy", "feed"}, {"risk", "gateway"}), k_stages, k_cpus);
  EXPECT_NE(std::string(unknown.message()).find("unknown stage 'feed'"), std::string::npos) << unknown;
}

TEST(placement, validation_checks_cpus_and_spinners) {
  placement p = two_workers({"sequencer", "strategy"}, {"risk", "gateway"});
  p.workers[0].options.cpu = 7;
  EXPECT_NE(std::string(validate_placement(p, k_stages, k_cpus).message()).find("cpu 7 is not available"),
            std::string::npos);
  p.workers[0].options.cpu = 1;
  p.workers[1].options.cpu = 1;
  EXPECT_TRUE(validate_placement(p, k_stages, k_cpus).ok()) << "two yielding workers may share a cpu";
  p.workers[0].options.wait = wait_kind::busy_spin;
  p.workers[1].options.wait = wait_kind::busy_spin;
  EXPECT_NE(std::string(validate_placement(p, k_stages, k_cpus).message()).find("both busy-spin on cpu 1"),
            std::string::npos);
  p.workers[1].options.name = "a";
  p.workers[1].options.cpu = 0;
  EXPECT_NE(std::string(validate_placement(p, k_stages, k_cpus).message()).find("used twice"), std::string::npos);
}

TEST(placement, fused_placement_puts_everything_on_one_worker) {
  const placement p = fused_placement(k_stages);
  ASSERT_EQ(p.workers.size(), 1u);
  EXPECT_EQ(p.workers[0].stages, k_stages);
  EXPECT_TRUE(validate_placement(p, k_stages, k_cpus).ok());
}

TEST(placement, the_shipped_default_config_is_valid) {
  const char* root = std::getenv("TICKRAIL_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "ctest sets TICKRAIL_SOURCE_DIR";
  const auto p = load_placement_file(std::string(root) + "/config/default.toml");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->workers.empty());
  EXPECT_FALSE(load_placement_file("/nonexistent/tickrail.toml").ok());
}

}  // namespace
}  // namespace tickrail::core
