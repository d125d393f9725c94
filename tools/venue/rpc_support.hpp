// tools/venue/rpc_support.hpp — request parameter access for the method
// handlers (private to the simulator's .cpp files; Boost.JSON stays here).
//
// Parameters arrive as JSON values over WebSocket and POST, and as strings
// from an HTTP GET query: every accessor accepts both spellings ("10" and
// 10, "true" and true).
#pragma once

#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tickrail/core/fixed_point.hpp"
#include "venue/exchange.hpp"

namespace tickrail::venue::rpc {

inline const boost::json::object& object_of(const void* p) { return *static_cast<const boost::json::object*>(p); }

inline std::optional<std::string_view> str(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  const boost::json::string& s = v->get_string();
  return std::string_view(s.data(), s.size());
}

// A number given as JSON integer, JSON double (through its shortest text)
// or a numeric string, as an exact decimal.
inline std::optional<core::decimal> number(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  core::decimal d;
  if (v->is_int64()) return core::decimal{v->get_int64(), 0};
  if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return core::decimal{static_cast<std::int64_t>(v->get_uint64()), 0};
  }
  if (v->is_double()) {
    if (core::decimal_from_double(v->get_double(), d) != core::fp_error::ok) return std::nullopt;
    return d;
  }
  if (v->is_string()) {
    const boost::json::string& s = v->get_string();
    if (core::parse_decimal(std::string_view(s.data(), s.size()), d) != core::fp_error::ok) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

inline std::optional<std::int64_t> integer(const boost::json::object& o, std::string_view key) {
  const std::optional<core::decimal> d = number(o, key);
  if (!d) return std::nullopt;
  const core::decimal n = core::normalized(*d);  // 5.0 is 5
  if (n.scale != 0) return std::nullopt;
  return n.mantissa;
}

inline std::optional<bool> flag(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string()) {
    if (v->get_string() == "true") return true;
    if (v->get_string() == "false") return false;
  }
  return std::nullopt;
}

// Lower-case hex HMAC-SHA256 (auth signatures: client_signature, deri-hmac-sha256).
inline std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex += k_digits[out[i] >> 4];
    hex += k_digits[out[i] & 15];
  }
  return hex;
}

inline rpc_error invalid_params(std::string_view param, std::string_view reason) {
  return rpc_error{-32602, "Invalid params", std::string(reason), std::string(param)};
}

}  // namespace tickrail::venue::rpc
