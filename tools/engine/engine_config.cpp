#include "engine/engine_config.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tickrail/core/status.hpp"
#include "tickrail/core/toml_support.hpp"
#include "tickrail/deribit/gateway_config.hpp"

namespace tickrail::engine {

namespace ts = core::toml_support;
using core::to_absl;

namespace {

constexpr const char* k_sections[] = {"engine", "venues", "instruments", "placement", "risk", "bots", "store", "paper"};

absl::StatusOr<std::string> read_string(std::string_view source, const toml::node& node, std::string_view key) {
  const auto* v = node.as_string();
  if (v == nullptr || v->get().empty()) return ts::key_error(source, node, key, "expected a non-empty string");
  return v->get();
}

absl::StatusOr<std::vector<std::string>> read_strings(std::string_view source, const toml::node& node,
                                                      std::string_view key) {
  const auto* arr = node.as_array();
  if (arr == nullptr) return ts::key_error(source, node, key, "expected an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *arr) {
    TR_ASSIGN_OR_RETURN(std::string s, read_string(source, item, key));
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<bool> read_bool(std::string_view source, const toml::node& node, std::string_view key) {
  const auto* b = node.as_boolean();
  if (b == nullptr) return ts::key_error(source, node, key, "expected true or false");
  return b->get();
}

absl::StatusOr<const toml::table*> table_of(std::string_view source, const toml::node& node, std::string_view key) {
  const toml::table* t = node.as_table();
  if (t == nullptr) return ts::key_error(source, node, key, "expected a table");
  return t;
}

absl::Status parse_engine(std::string_view source, const toml::table& t, engine_config& c) {
  for (const auto& [k, v] : t) {
    const std::string key = absl::StrCat("engine.", to_absl(k.str()));
    if (k == "profile") {
      TR_ASSIGN_OR_RETURN(const std::string name, read_string(source, v, key));
      const std::optional<profile> p = parse_profile(name);
      if (!p) return ts::key_error(source, v, key, "expected \"dev\", \"demo\" or \"prod\"");
      c.run_profile = *p;
    } else if (k == "start_bots") {
      TR_ASSIGN_OR_RETURN(c.start_bots, read_strings(source, v, key));
    } else if (k == "cancel_on_stop") {
      TR_ASSIGN_OR_RETURN(c.cancel_on_stop, read_bool(source, v, key));
    } else if (k == "stop_timeout_ms") {
      TR_ASSIGN_OR_RETURN(c.stop_timeout_ms, ts::read_int(source, v, key, 100, 600'000));
    } else if (k == "startup_timeout_ms") {
      TR_ASSIGN_OR_RETURN(c.startup_timeout_ms, ts::read_int(source, v, key, 100, 600'000));
    } else if (k == "timer_interval_ms") {
      TR_ASSIGN_OR_RETURN(c.timer_interval_ms, ts::read_int(source, v, key, 1, 1000));
    } else if (k == "ring_capacity") {
      TR_ASSIGN_OR_RETURN(const std::int64_t n, ts::read_int(source, v, key, 64, 1 << 20));
      if ((n & (n - 1)) != 0) return ts::key_error(source, v, key, "must be a power of two");
      c.ring_capacity = static_cast<std::size_t>(n);
    } else {
      return ts::key_error(source, v, key, "unknown key");
    }
  }
  return absl::OkStatus();
}

absl::Status parse_instruments(std::string_view source, const toml::table& t, engine_config& c) {
  for (const auto& [k, v] : t) {
    const std::string key = absl::StrCat("instruments.", to_absl(k.str()));
    if (k == "book_interval") {
      TR_ASSIGN_OR_RETURN(c.book_interval, read_string(source, v, key));
      if (c.book_interval != "raw" && c.book_interval != "100ms") {
        return ts::key_error(source, v, key, "expected \"raw\" or \"100ms\"");
      }
    } else if (k == "subscribe") {
      TR_ASSIGN_OR_RETURN(c.subscribe, read_strings(source, v, key));
    } else if (k == "catalog_file") {
      TR_ASSIGN_OR_RETURN(const std::string path, read_string(source, v, key));
      // Relative to the file that names it, so a config directory moves whole.
      const std::filesystem::path p(path);
      c.catalog_file = p.is_absolute()
                           ? path
                           : (std::filesystem::path(std::string(ts::origin_of(v, source))).parent_path() / p).string();
    } else {
      return ts::key_error(source, v, key, "unknown key");
    }
  }
  return absl::OkStatus();
}

absl::Status parse_store(std::string_view source, const toml::table& t, engine_config& c) {
  for (const auto& [k, v] : t) {
    const std::string key = absl::StrCat("store.", to_absl(k.str()));
    if (k == "path") {
      TR_ASSIGN_OR_RETURN(c.store_path, read_string(source, v, key));
    } else {
      return ts::key_error(source, v, key, "unknown key");
    }
  }
  return absl::OkStatus();
}

absl::Status parse_paper(std::string_view source, const toml::table& t, engine_config& c) {
  for (const auto& [k, v] : t) {
    const std::string key = absl::StrCat("paper.", to_absl(k.str()));
    if (k != "equity") return ts::key_error(source, v, key, "unknown key");
    TR_ASSIGN_OR_RETURN(const toml::table* eq, table_of(source, v, key));
    c.paper_equity.clear();
    for (const auto& [ccy, amount] : *eq) {
      const std::string ckey = absl::StrCat(key, ".", to_absl(ccy.str()));
      TR_ASSIGN_OR_RETURN(const core::decimal d, ts::read_decimal(source, amount, ckey));
      if (d.mantissa <= 0) return ts::key_error(source, amount, ckey, "must be positive");
      c.paper_equity.emplace_back(std::string(ccy.str()), d);
    }
  }
  return absl::OkStatus();
}

// FNV-1a over the effective config with the secret redacted: the same
// layers give the same hash on every machine, and the hash says nothing
// about the secret.
std::string config_hash(const toml::table& merged) {
  toml::table copy = merged;
  if (toml::table* venue = copy["venues"]["deribit"].as_table()) {
    if (venue->contains("client_secret")) venue->insert_or_assign("client_secret", "<redacted>");
  }
  std::ostringstream text;
  text << toml::toml_formatter(copy);
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char ch : text.str()) {
    h ^= static_cast<unsigned char>(ch);
    h *= 0x100000001b3ull;
  }
  char out[17];
  std::snprintf(out, sizeof(out), "%016llx", static_cast<unsigned long long>(h));
  return out;
}

bool host_is(std::string_view host, std::string_view name) {
  if (host.size() != name.size()) return false;
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(host[i])) != name[i]) return false;
  }
  return true;
}

}  // namespace

absl::Status check_profile(profile p, const net::ws_endpoint& venue, std::string_view url_source) {
  const bool testnet = host_is(venue.host, "test.deribit.com");
  const bool production = host_is(venue.host, "www.deribit.com") || host_is(venue.host, "deribit.com");
  if (p == profile::prod && testnet) {
    return absl::FailedPreconditionError(absl::StrCat(to_absl(url_source), ": profile prod with the testnet URL (",
                                                      venue.host, "): use profile \"demo\" for testnet"));
  }
  if (p != profile::prod && production) {
    return absl::FailedPreconditionError(absl::StrCat(to_absl(url_source), ": profile ", to_absl(to_string(p)),
                                                      " with the production URL (", venue.host,
                                                      "): production needs profile \"prod\""));
  }
  if ((testnet || production) && !venue.tls.enabled) {
    return absl::FailedPreconditionError(absl::StrCat(to_absl(url_source), ": Deribit is reached over wss:// only"));
  }
  return absl::OkStatus();
}

std::string book_channel(const core::instrument& inst, std::string_view interval) {
  return absl::StrCat("book.", inst.symbol, ".", to_absl(interval));
}

absl::StatusOr<engine_config> load_engine_config(const std::vector<std::string>& files,
                                                 const char* (*env)(const char*)) {
  engine_config c;
  c.files = files;
  c.source = absl::StrJoin(files, " + ");
  TR_ASSIGN_OR_RETURN(c.merged, ts::load_toml_layers(files));
  const std::string_view source = c.source;
  for (const auto& [k, v] : c.merged) {
    if (std::find(std::begin(k_sections), std::end(k_sections), k.str()) == std::end(k_sections)) {
      return ts::key_error(source, v, k.str(),
                           absl::StrCat("unknown section (known: ", absl::StrJoin(k_sections, ", "), ")"));
    }
  }
  if (const toml::node* n = c.merged.get("engine")) {
    TR_ASSIGN_OR_RETURN(const toml::table* t, table_of(source, *n, "engine"));
    TR_RETURN_IF_ERROR(parse_engine(source, *t, c));
  }
  if (const toml::node* n = c.merged.get("venues")) {
    TR_ASSIGN_OR_RETURN(const toml::table* t, table_of(source, *n, "venues"));
    for (const auto& [k, v] : *t) {
      if (k != "deribit") return ts::key_error(source, v, absl::StrCat("venues.", to_absl(k.str())), "unknown venue");
    }
  }
  TR_ASSIGN_OR_RETURN(c.gateway, deribit::parse_gateway_config(c.merged, source, env));
  {
    const toml::node* url = c.merged["venues"]["deribit"]["url"].node();
    const std::string where = url != nullptr ? absl::StrCat(to_absl(ts::origin_of(*url, source)), ":",
                                                            url->source().begin.line, ": key 'venues.deribit.url'")
                                             : std::string(source);
    TR_RETURN_IF_ERROR(check_profile(c.run_profile, c.gateway.session.endpoint, where));
  }
  if (c.gateway.session.currencies.empty()) {
    return ts::key_error(source, *c.merged["venues"]["deribit"].node(), "venues.deribit.currencies",
                         "required: the currencies whose instruments are loaded and reconciled");
  }
  if (const toml::node* n = c.merged.get("instruments")) {
    TR_ASSIGN_OR_RETURN(const toml::table* t, table_of(source, *n, "instruments"));
    TR_RETURN_IF_ERROR(parse_instruments(source, *t, c));
  }
  if (const toml::node* n = c.merged.get("store")) {
    TR_ASSIGN_OR_RETURN(const toml::table* t, table_of(source, *n, "store"));
    TR_RETURN_IF_ERROR(parse_store(source, *t, c));
  }
  if (const toml::node* n = c.merged.get("paper")) {
    TR_ASSIGN_OR_RETURN(const toml::table* t, table_of(source, *n, "paper"));
    TR_RETURN_IF_ERROR(parse_paper(source, *t, c));
  }
  if (c.merged.contains("placement")) {
    TR_ASSIGN_OR_RETURN(c.layout, core::parse_placement(c.merged, source));
  } else {
    const std::vector<std::string> all = {"sequencer", "strategy", "risk", "feed", "gateway"};
    c.layout = core::fused_placement(all);
  }
  if (!c.merged.contains("risk")) {
    return absl::InvalidArgumentError(absl::StrCat(to_absl(source),
                                                   ": no [risk] section (the engine never trades "
                                                   "without limits)"));
  }
  c.hash = config_hash(c.merged);
  return c;
}

absl::StatusOr<trading_config> resolve_trading(const engine_config& config, const core::instrument_catalog& catalog) {
  trading_config t;
  TR_ASSIGN_OR_RETURN(t.limits, core::parse_risk_limits(config.merged, config.source, catalog));
  TR_ASSIGN_OR_RETURN(t.bots, strategies::parse_bots(config.merged, config.source, catalog));
  const auto add = [&](core::instrument_id id) {
    if (std::find(t.instruments.begin(), t.instruments.end(), id) == t.instruments.end()) t.instruments.push_back(id);
  };
  for (const strategies::bot_config& b : t.bots) add(b.instrument);
  for (const std::string& symbol : config.subscribe) {
    const core::instrument* inst = catalog.find(core::venue::deribit, symbol);
    if (inst == nullptr) {
      const toml::node* n = config.merged["instruments"]["subscribe"].node();
      return ts::key_error(config.source, *n, "instruments.subscribe",
                           absl::StrCat("the venue lists no instrument ", symbol));
    }
    add(inst->id);
  }
  for (const std::string& name : config.start_bots) {
    const bool known = std::any_of(t.bots.begin(), t.bots.end(), [&](const auto& b) { return b.name == name; });
    if (!known) {
      const toml::node* n = config.merged["engine"]["start_bots"].node();
      return ts::key_error(config.source, *n, "engine.start_bots", absl::StrCat("no [[bots]] named ", name));
    }
  }
  return t;
}

}  // namespace tickrail::engine
