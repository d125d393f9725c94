#include "tickrail/deribit/gateway_config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/core/toml_support.hpp"

namespace tickrail::deribit {

using core::to_absl;
using core::toml_support::key_error;
using core::toml_support::read_int;

absl::StatusOr<net::ws_endpoint> parse_ws_url(std::string_view url) {
  net::ws_endpoint ep;
  std::string_view rest;
  if (url.starts_with("wss://")) {
    ep.tls.enabled = true;
    rest = url.substr(6);
    ep.port = 443;
  } else if (url.starts_with("ws://")) {
    rest = url.substr(5);
    ep.port = 80;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("url '", to_absl(url), "': expected ws:// or wss://"));
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  ep.path = slash == std::string_view::npos ? "/ws/api/v2" : std::string(rest.substr(slash));
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("url '", to_absl(url), "': bad port"));
    }
    ep.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return absl::InvalidArgumentError(absl::StrCat("url '", to_absl(url), "': no host"));
  ep.host = std::string(authority);
  return ep;
}

namespace {

absl::StatusOr<std::string> read_string(std::string_view source, const toml::node& node, std::string_view key,
                                        bool allow_empty = false) {
  const auto* v = node.as_string();
  if (v == nullptr || (!allow_empty && v->get().empty()))
    return key_error(source, node, key, "expected a non-empty string");
  return v->get();
}

absl::StatusOr<std::vector<std::string>> read_strings(std::string_view source, const toml::node& node,
                                                      std::string_view key) {
  const auto* arr = node.as_array();
  if (arr == nullptr) return key_error(source, node, key, "expected an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *arr) {
    const auto* v = item.as_string();
    if (v == nullptr || v->get().empty()) return key_error(source, item, key, "expected non-empty strings");
    out.push_back(v->get());
  }
  return out;
}

}  // namespace

absl::StatusOr<gateway_config> parse_gateway_config(std::string_view toml_text, std::string_view source,
                                                    const char* (*env)(const char*)) {
  TR_ASSIGN_OR_RETURN(const toml::table root, core::toml_support::parse_toml(toml_text, source));
  return parse_gateway_config(root, source, env);
}

absl::StatusOr<gateway_config> parse_gateway_config(const toml::table& root, std::string_view source,
                                                    const char* (*env)(const char*)) {
  TR_ASSIGN_OR_RETURN(const toml::table* venues, core::toml_support::section(root, "venues", source));
  const toml::node* node = venues->get("deribit");
  if (node == nullptr || !node->is_table()) {
    return absl::NotFoundError(absl::StrCat(to_absl(source), ": no [venues.deribit] table"));
  }
  const toml::table& t = *node->as_table();
  gateway_config c;
  session_config& s = c.session;
  std::string url, secret, secret_env, secret_file;
  bool have_id = false;
  for (const auto& [k, value] : t) {
    const std::string key = absl::StrCat("venues.deribit.", to_absl(k.str()));
    if (k == "url") {
      TR_ASSIGN_OR_RETURN(url, read_string(source, value, key));
      auto ep = parse_ws_url(url);
      if (!ep.ok()) return key_error(source, value, key, std::string(ep.status().message()));
      const std::string ca = s.endpoint.tls.ca_file, name = s.endpoint.tls.server_name;
      s.endpoint = *ep;
      s.endpoint.tls.ca_file = ca;
      s.endpoint.tls.server_name = name;
    } else if (k == "ca_file") {
      TR_ASSIGN_OR_RETURN(s.endpoint.tls.ca_file, read_string(source, value, key));
    } else if (k == "server_name") {
      TR_ASSIGN_OR_RETURN(s.endpoint.tls.server_name, read_string(source, value, key));
    } else if (k == "client_id") {
      TR_ASSIGN_OR_RETURN(s.client_id, read_string(source, value, key));
      have_id = true;
    } else if (k == "client_secret") {
      TR_ASSIGN_OR_RETURN(secret, read_string(source, value, key));
    } else if (k == "client_secret_env") {
      TR_ASSIGN_OR_RETURN(secret_env, read_string(source, value, key));
    } else if (k == "client_secret_file") {
      TR_ASSIGN_OR_RETURN(secret_file, read_string(source, value, key));
    } else if (k == "currencies") {
      TR_ASSIGN_OR_RETURN(s.currencies, read_strings(source, value, key));
    } else if (k == "channels") {
      TR_ASSIGN_OR_RETURN(s.channels, read_strings(source, value, key));
    } else if (k == "label_prefix") {
      TR_ASSIGN_OR_RETURN(c.label_prefix, read_string(source, value, key));
      if (!order_encoder::valid_label_prefix(c.label_prefix)) {
        return key_error(source, value, key, "letters, digits and '_' only, at most 24");
      }
    } else if (k == "heartbeat_s") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, read_int(source, value, key, 1, 3600));
      s.heartbeat_s = static_cast<std::int32_t>(v);
    } else if (k == "cancel_on_disconnect") {
      const auto* b = value.as_boolean();
      if (b == nullptr) return key_error(source, value, key, "expected true or false");
      s.cancel_on_disconnect = b->get();
    } else if (k == "request_timeout_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, read_int(source, value, key, 10, 600'000));
      s.request_timeout = std::chrono::milliseconds(v);
    } else if (k == "reconnect_min_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, read_int(source, value, key, 1, 600'000));
      s.reconnect_min = std::chrono::milliseconds(v);
    } else if (k == "reconnect_max_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, read_int(source, value, key, 1, 3'600'000));
      s.reconnect_max = std::chrono::milliseconds(v);
    } else if (k == "credits_burst") {
      TR_ASSIGN_OR_RETURN(c.credits.burst_credits, read_int(source, value, key, 1, 1'000'000));
    } else if (k == "credits_per_second") {
      TR_ASSIGN_OR_RETURN(c.credits.refill_per_s, read_int(source, value, key, 1, 1'000'000));
    } else if (k == "max_send_wait_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, read_int(source, value, key, 0, 600'000));
      c.max_send_wait = std::chrono::milliseconds(v);
    } else {
      return key_error(source, value, key, "unknown key");
    }
  }
  if (url.empty()) return key_error(source, t, "venues.deribit.url", "required");
  if (!have_id) return key_error(source, t, "venues.deribit.client_id", "required");
  if (int{!secret.empty()} + int{!secret_env.empty()} + int{!secret_file.empty()} > 1) {
    return key_error(source, t, "venues.deribit.client_secret",
                     "give one of client_secret, client_secret_env and client_secret_file");
  }
  if (!secret_file.empty()) {
    auto text = core::read_file(secret_file);
    if (!text.ok()) {
      return key_error(source, t, "venues.deribit.client_secret_file",
                       absl::StrCat("cannot read the secret file ", secret_file));
    }
    secret = std::move(*text);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
      secret.pop_back();
    if (secret.empty()) {
      return key_error(source, t, "venues.deribit.client_secret_file",
                       absl::StrCat("the secret file ", secret_file, " is empty"));
    }
  }
  if (!secret_env.empty()) {
    const char* v = env != nullptr ? env(secret_env.c_str()) : std::getenv(secret_env.c_str());
    if (v == nullptr || *v == '\0') {
      return key_error(source, t, "venues.deribit.client_secret_env",
                       absl::StrCat("environment variable ", secret_env, " is not set"));
    }
    secret = v;
  }
  if (secret.empty()) {
    return key_error(source, t, "venues.deribit.client_secret", "required (or client_secret_env / client_secret_file)");
  }
  s.client_secret = std::move(secret);
  if (s.reconnect_max < s.reconnect_min) {
    return key_error(source, t, "venues.deribit.reconnect_max_ms", "must be >= reconnect_min_ms");
  }
  // The user channels the gateway lives on, for every reconciled currency.
  for (const std::string& ccy : s.currencies) {
    std::string lower = ccy;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (std::string ch :
         {"user.orders.any." + ccy + ".raw", "user.trades.any." + ccy + ".raw", "user.portfolio." + lower}) {
      if (std::find(s.channels.begin(), s.channels.end(), ch) == s.channels.end()) s.channels.push_back(std::move(ch));
    }
  }
  return c;
}

absl::StatusOr<gateway_config> load_gateway_config_file(const std::string& path) {
  TR_ASSIGN_OR_RETURN(const std::string text, core::read_file(path));
  return parse_gateway_config(text, path);
}

}  // namespace tickrail::deribit
