// The sequencer: one total order over its inputs with consecutive sequence
// numbers, each input's order kept, no input starved by another's burst,
// timers from the clock (missed intervals collapse), and back-pressure from
// a full output without loss.
#include "tickrail/core/sequencer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace tickrail::core {
namespace {

struct fake_clock {
  std::int64_t now = 1'000;
  [[nodiscard]] std::int64_t now_ns() const noexcept { return now; }
};

event make(event_type type, std::int64_t tag) {
  event e{};
  e.header.sequence = -1;
  e.header.type = type;
  e.header.local_ts_ns = tag;  // identifies the event in the checks
  return e;
}

std::vector<event> drain(ring<event>& r) {
  std::vector<event> out;
  r.poll(0, [&](const event& e, sequence_t, bool) { out.push_back(e); });
  return out;
}

TEST(sequencer, stamps_consecutive_sequences_and_keeps_each_inputs_order) {
  ring<event> md{256, 1}, exec{256, 1}, cmd{256, 1}, out{1024, 1};
  fake_clock clock;
  sequencer<fake_clock> seq({{&md, 0}, {&exec, 0}, {&cmd, 0}}, out, clock, 0, 100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(md.try_push(make(event_type::market_data, i)));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(exec.try_push(make(event_type::exec_report, 1000 + i)));
  ASSERT_TRUE(cmd.try_push(make(event_type::command, 2000)));
  for (int i = 0; i < 10 && seq.poll() > 0; ++i) {
  }
  const std::vector<event> got = drain(out);
  ASSERT_EQ(got.size(), 56u);
  std::map<event_type, std::int64_t> last;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].header.sequence, 100 + static_cast<sequence_t>(i));
    auto it = last.find(got[i].header.type);
    if (it != last.end()) {
      EXPECT_GT(got[i].header.local_ts_ns, it->second);  // per-input order
    }
    last[got[i].header.type] = got[i].header.local_ts_ns;
  }
  EXPECT_EQ(seq.next_sequence(), 156);
  EXPECT_EQ(seq.counters().events, 56u);
}

TEST(sequencer, a_market_data_burst_delays_a_command_by_at_most_one_run) {
  ring<event> md{4096, 1}, cmd{16, 1}, out{8192, 1};
  fake_clock clock;
  sequencer<fake_clock> seq({{&md, 0}, {&cmd, 0}}, out, clock, 0);
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(md.try_push(make(event_type::market_data, i)));
  ASSERT_TRUE(cmd.try_push(make(event_type::command, -1)));
  for (int i = 0; i < 1000 && seq.poll() > 0; ++i) {
  }
  const std::vector<event> got = drain(out);
  ASSERT_EQ(got.size(), 3001u);
  std::size_t at = 0;
  while (got[at].header.type != event_type::command) ++at;
  EXPECT_LE(at, sequencer<fake_clock>::k_max_run);
}

TEST(sequencer, timers_fire_on_the_clock_and_missed_intervals_collapse) {
  ring<event> md{16, 1}, out{64, 1};
  fake_clock clock;
  sequencer<fake_clock> seq({{&md, 0}}, out, clock, 1'000);
  EXPECT_EQ(seq.poll(), 0u);  // arms the first deadline at 2000
  clock.now = 1'999;
  EXPECT_EQ(seq.poll(), 0u);
  clock.now = 2'000;
  EXPECT_EQ(seq.poll(), 1u);
  clock.now = 7'500;  // five intervals late: one tick, next deadline 8000
  EXPECT_EQ(seq.poll(), 1u);
  clock.now = 7'999;
  EXPECT_EQ(seq.poll(), 0u);
  clock.now = 8'000;
  EXPECT_EQ(seq.poll(), 1u);
  const std::vector<event> got = drain(out);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].header.type, event_type::timer);
  EXPECT_EQ(got[0].tick.deadline_ns, 2'000);
  EXPECT_EQ(got[1].tick.deadline_ns, 3'000);
  EXPECT_EQ(got[1].tick.fired_ns, 7'500);
  EXPECT_EQ(got[1].header.local_ts_ns, 7'500);
  EXPECT_EQ(got[2].tick.deadline_ns, 8'000);
  EXPECT_EQ(seq.counters().timers, 3u);
}

TEST(sequencer, a_full_output_holds_events_in_their_input_without_loss) {
  ring<event> md{1024, 1}, exec{64, 1}, out{8, 1};
  fake_clock clock;
  sequencer<fake_clock> seq({{&md, 0}, {&exec, 0}}, out, clock, 0);
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(md.try_push(make(event_type::market_data, i)));
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(exec.try_push(make(event_type::exec_report, 1000 + i)));
  std::vector<event> got;
  for (int i = 0; i < 10'000 && got.size() < 540; ++i) {
    (void)seq.poll();
    for (const event& e : drain(out)) got.push_back(e);
  }
  ASSERT_EQ(got.size(), 540u);
  EXPECT_GT(seq.counters().stalls, 0u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].header.sequence, static_cast<sequence_t>(i));
  std::int64_t last_md = -1, last_exec = -1;
  for (const event& e : got) {
    std::int64_t& last = e.header.type == event_type::market_data ? last_md : last_exec;
    EXPECT_GT(e.header.local_ts_ns, last);
    last = e.header.local_ts_ns;
  }
}

}  // namespace
}  // namespace tickrail::core
