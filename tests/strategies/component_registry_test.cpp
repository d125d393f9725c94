// The component registry: a component that exists only in this file plugs
// into the bot through the component list alone — no line of strategies/
// names it — and the name table, the signal table, the config parser and
// the bot's dispatch all see it.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "support/risk_fixture.hpp"
#include "tickrail/strategies/bot.hpp"
#include "tickrail/strategies/bot_config_parse.hpp"
#include "tickrail/strategies/bot_impl.hpp"

namespace tickrail::strategies {
namespace {

using test::k_perp;

// A loop that bids `size` at the best bid once, and records every hook.
struct probe_params {
  core::lots size_lots = 0;
};

struct probe_component : component_hooks {
  using params = probe_params;
  static constexpr std::string_view name = "probe";
  static constexpr bool loop = true;
  static constexpr std::array signals{signal_name{"probe"}, signal_name{"probe_alias"}};
  static absl::StatusOr<params> parse(const config_table& c) {
    params p;
    for (const auto& [k, n] : c.table) {
      if (k == "size") {
        TR_ASSIGN_OR_RETURN(p.size_lots, c.reader.size(n, k.str()));
      } else {
        return c.reader.unknown(n, k.str());
      }
    }
    if (p.size_lots == 0) return c.reader.missing(c.table, "size");
    return p;
  }

  probe_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : params_(p), instrument_(instrument), component_(component), ids_(ids) {}

  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    ++books;
    last_position = v.position;
    if (placed != 0) return;
    core::order_intent in = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
    in.cl_ord_id = ids_.next();
    in.order_side = core::side::buy;
    in.price_ticks = v.book->best(core::side::buy).price_ticks;
    in.qty_lots = scaled(params_.size_lots, z, core::side::buy);
    if (in.qty_lots > 0 && sink.push(in)) placed = in.cl_ord_id;
  }
  void on_exec(const core::exec_report& x, const core::event_header&, sizing, intent_sink&) noexcept {
    ++execs;
    if (x.cl_ord_id == placed && x.kind == core::exec_kind::fill) filled += x.last_qty_lots;
  }
  bool start(const bot_view&, const core::event_header&, sizing, intent_sink&) noexcept {
    ++starts;
    return true;
  }
  void stop(const core::event_header&, intent_sink&) noexcept { ++stops; }

  int books = 0, execs = 0, starts = 0, stops = 0;
  core::client_order_id placed = 0;
  core::lots filled = 0;
  position_view last_position{};

 private:
  probe_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
};

using test_components = extended<production_components, probe_component>;
using test_bot = basic_bot<test_components>;
constexpr component_id k_probe = test_components::id_of<probe_component>;

const core::instrument_catalog& catalog() {
  static const core::instrument_catalog c = test::make_risk_catalog();
  return c;
}

const char* k_config = R"(
[[bots]]
name = "probe-bot"
instrument = "BTC-PERPETUAL"
start = ["probe"]
[bots.probe]
size = 100          # USD: 10 lots of 10
[bots.grid]
spacing = 25
size = 100
)";

basic_bot_config<test_components> config_of(const std::string& toml) {
  auto bots = parse_bots_toml_for<test_components>(toml, "bots.toml", catalog());
  EXPECT_TRUE(bots.ok()) << bots.status();
  return bots.ok() && !bots->empty() ? bots->front() : basic_bot_config<test_components>{};
}

core::event book(core::ticks bid, core::ticks ask, std::int64_t ts, std::int64_t change_id) {
  core::event e = test::make_event(core::event_type::market_data, k_perp, ts, ts);
  e.md.kind = core::md_kind::book_snapshot;
  e.md.change_id = change_id;
  e.md.prev_change_id = -1;
  e.md.count = 2;
  e.md.levels[0] = {bid, 50, core::side::buy, core::book_action::new_level, {}};
  e.md.levels[1] = {ask, 50, core::side::sell, core::book_action::new_level, {}};
  return e;
}

core::event signal_cmd(const std::string& signals, std::int64_t ts) {
  auto request = parse_signal_request(signals, "", "", &test_components::parse_signal);
  EXPECT_TRUE(request.ok()) << request.status();
  auto c = to_signal_command(*request, catalog()[k_perp], 1, 7);
  EXPECT_TRUE(c.ok()) << c.status();
  core::event e = test::make_event(core::event_type::command, core::no_instrument, ts);
  e.cmd = *c;
  return e;
}

TEST(component_registry, ids_names_and_signals_come_from_the_list) {
  static_assert(test_components::count == k_component_count + 1);
  static_assert(static_cast<std::size_t>(k_probe) == k_component_count);  // after every production component
  static_assert(test_components::name(k_probe) == "probe");
  static_assert(test_components::parse("probe") == k_probe);
  static_assert(test_components::is_loop(k_probe));
  static_assert(test_components::parse_signal("probe") == signal{k_probe, 0});
  static_assert(test_components::parse_signal("probe_alias") == signal{k_probe, 0});
  static_assert(test_components::signal_string(signal{k_probe, 0}) == "probe");
  // The production components keep their ids, names and signals.
  static_assert(test_components::id_of<grid_component> == component_id::grid);
  static_assert(test_components::parse_signal("tp") == signal::tp);
  static_assert(test_components::parse_signal("sell_ladder") == signal::tp);
  // The production tables do not know it.
  EXPECT_FALSE(parse_component("probe").has_value());
  EXPECT_FALSE(parse_signal("probe").has_value());
  EXPECT_EQ(to_string(component_id::main_mm), "main_mm");
}

TEST(component_registry, the_config_parser_dispatches_its_table_to_its_parser) {
  const auto b = config_of(k_config);
  ASSERT_TRUE(b.get<probe_component>());
  EXPECT_EQ(b.get<probe_component>()->size_lots, 10);
  EXPECT_TRUE(b.configured(k_probe));
  ASSERT_TRUE(b.get<grid_component>());
  EXPECT_EQ(b.get<grid_component>()->spacing_ticks, 50);
  EXPECT_FALSE(b.configured(component_id::main_mm));
  ASSERT_EQ(b.start.size(), 1u);
  EXPECT_EQ(b.start[0], k_probe);

  const std::string head = "[[bots]]\nname = \"b\"\ninstrument = \"BTC-PERPETUAL\"\n";
  auto bad =
      parse_bots_toml_for<test_components>(head + "[bots.probe]\nsize = 100\nsise = 1\n", "bots.toml", catalog());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bots.toml:6: key 'bots.b.probe.sise': unknown key"), std::string::npos)
      << bad.status();
  auto unconfigured = parse_bots_toml_for<test_components>(head + "start = [\"probe\"]\n", "bots.toml", catalog());
  ASSERT_FALSE(unconfigured.ok());
  EXPECT_NE(unconfigured.status().message().find("component probe has no [bots.b.probe] table"), std::string::npos);
  // The production parser refuses the table: no such component there.
  EXPECT_FALSE(parse_bots_toml(head + "[bots.probe]\nsize = 100\n", "bots.toml", catalog()).ok());
}

TEST(component_registry, the_bot_drives_its_hooks_and_sends_its_intents) {
  const auto config = config_of(k_config);
  core::book_builder books(catalog().size());
  test_bot b(config, catalog(), 1000);
  intent_sink sink;
  const auto feed = [&](const core::event& e) {
    if (e.header.type == core::event_type::market_data) (void)books.apply(e);
    sink.clear();
    b.on_event(e, books, sink);
    return std::vector<core::order_intent>(sink.intents().begin(), sink.intents().end());
  };
  ASSERT_TRUE(b.component<probe_component>());
  const probe_component& probe = *b.component<probe_component>();

  // Not started: a book reaches no hook.
  EXPECT_TRUE(feed(book(200'000, 200'010, 1, 1)).empty());
  EXPECT_EQ(probe.books, 0);

  // start_bot starts the config's start list: the probe.
  EXPECT_TRUE(feed(signal_cmd("start_bot", 2)).empty());
  EXPECT_TRUE(b.running(k_probe));
  EXPECT_FALSE(b.running(component_id::grid));
  EXPECT_EQ(probe.starts, 1);

  const auto placed = feed(book(200'000, 200'010, 3, 2));
  EXPECT_EQ(probe.books, 1);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].kind, core::intent_kind::place);
  EXPECT_EQ(placed[0].component, static_cast<std::uint16_t>(k_probe));
  EXPECT_EQ(placed[0].bot, 1);
  EXPECT_EQ(placed[0].price_ticks, 200'000);
  EXPECT_EQ(placed[0].qty_lots, 10);
  EXPECT_EQ(b.open_orders(), 1u);  // the bot tracks what the probe sent

  // A fill reaches its on_exec and moves the bot's position it sees next.
  (void)feed(test::fill(k_perp, placed[0].cl_ord_id, core::side::buy, 10, 200'000, 4));
  EXPECT_EQ(probe.execs, 1);
  EXPECT_EQ(probe.filled, 10);
  (void)feed(book(200'000, 200'010, 5, 3));
  EXPECT_EQ(probe.books, 2);
  EXPECT_EQ(probe.last_position.position_lots, 10);
  EXPECT_EQ(probe.last_position.avg_entry_ticks, 200'000);

  // Its own signal: already running, nothing new. cancel_all stops it and
  // calls its stop hook; the bot cancels its order that is still live.
  EXPECT_TRUE(feed(signal_cmd("probe", 6)).empty());
  EXPECT_EQ(probe.starts, 1);
  const auto cancels = feed(signal_cmd("cancel_all", 7));
  EXPECT_EQ(probe.stops, 1);
  EXPECT_FALSE(b.running(k_probe));
  ASSERT_EQ(cancels.size(), 1u);
  EXPECT_EQ(cancels[0].kind, core::intent_kind::cancel);
  EXPECT_EQ(cancels[0].cl_ord_id, placed[0].cl_ord_id);
  (void)feed(book(200'000, 200'010, 8, 4));
  EXPECT_EQ(probe.books, 2);  // stopped
}

TEST(component_registry, the_production_bot_refuses_a_signal_of_a_component_it_lacks) {
  // A command naming the probe's id reaches a production bot: refused, not run.
  auto config = parse_bots_toml("[[bots]]\nname = \"p\"\ninstrument = \"BTC-PERPETUAL\"\n", "bots.toml", catalog());
  ASSERT_TRUE(config.ok());
  core::book_builder books(catalog().size());
  bot b(config->front(), catalog(), 1000);
  intent_sink sink;
  b.on_event(signal_cmd("probe", 1), books, sink);
  EXPECT_EQ(b.counters().commands_refused, 1u);
  EXPECT_EQ(b.counters().signals_run, 0u);
}

}  // namespace
}  // namespace tickrail::strategies
