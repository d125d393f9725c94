// tickrail/json/ondemand.hpp — small helpers the venue parsers share on top
// of simdjson On-Demand. Include only from adapter .cpp files (simdjson is a
// 30k-line header and stays out of core).
#pragma once

#include <simdjson.h>

#include <cstring>
#include <memory>
#include <string_view>

#include "tickrail/core/feed_status.hpp"

namespace tickrail::json {

// raw_json_token() keeps the whitespace up to the next token.
[[nodiscard]] inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The document's root as an object. A root that is valid JSON but not an
// object is `unexpected_shape`; anything that is not valid JSON (including
// text that merely starts like `null` or `true`) is `not_json`.
[[nodiscard]] inline core::feed_error root_object(simdjson::ondemand::document& doc,
                                                  simdjson::ondemand::object& out) noexcept {
  namespace od = simdjson::ondemand;
  const auto err = doc.get_object().get(out);
  if (err == simdjson::SUCCESS) return core::feed_error::ok;
  if (err != simdjson::INCORRECT_TYPE) return core::feed_error::not_json;
  od::json_type type;
  if (doc.type().get(type) != simdjson::SUCCESS) return core::feed_error::not_json;
  bool valid = false;
  switch (type) {
    case od::json_type::array: {
      std::size_t n = 0;
      valid = doc.count_elements().get(n) == simdjson::SUCCESS;
      break;
    }
    case od::json_type::null: {
      bool is_null = false;
      valid = doc.is_null().get(is_null) == simdjson::SUCCESS && is_null;
      break;
    }
    case od::json_type::boolean: {
      bool b = false;
      valid = doc.get_bool().get(b) == simdjson::SUCCESS;
      break;
    }
    case od::json_type::number: {
      double d = 0;
      valid = doc.get_double().get(d) == simdjson::SUCCESS;
      break;
    }
    case od::json_type::string: {
      std::string_view s;
      valid = doc.get_string().get(s) == simdjson::SUCCESS;
      break;
    }
    default: break;
  }
  return valid ? core::feed_error::unexpected_shape : core::feed_error::not_json;
}

// Visits every field of `obj` as visit(key, value) -> feed_error, stopping at
// the first that is not ok. Keys are compared raw (no unescaping); a key or
// value simdjson cannot read is not_json. Through error codes only: nothing
// here can throw.
template <typename Visit>
[[nodiscard]] core::feed_error for_each_field(simdjson::ondemand::object& obj, Visit&& visit) noexcept {
  for (auto field : obj) {
    simdjson::ondemand::raw_json_string key;
    if (field.key().get(key) != simdjson::SUCCESS) return core::feed_error::not_json;
    simdjson::ondemand::value value;
    if (field.value().get(value) != simdjson::SUCCESS) return core::feed_error::not_json;
    if (const core::feed_error e = visit(key, value); e != core::feed_error::ok) return e;
  }
  return core::feed_error::ok;
}

inline constexpr std::size_t k_padding = 64;
static_assert(k_padding >= simdjson::SIMDJSON_PADDING);

// The parse()/parse_padded() pair both venue parsers expose, written once.
// `Impl` provides: max_frame_bytes, a padded `buffer` of max_frame_bytes +
// k_padding, local_ts_ns, a `builder` (md_builder), `counters`
// (feed_counters) and run(data, len, capacity) -> feed_error.
template <typename Impl>
core::feed_error parse_padded_frame(Impl& impl, const char* data, std::size_t len, std::size_t capacity,
                                    std::int64_t local_ts_ns) noexcept {
  impl.local_ts_ns = local_ts_ns;
  core::feed_error result = core::feed_error::frame_too_large;
  if (len <= impl.max_frame_bytes && capacity >= len + k_padding) result = impl.run(data, len, capacity);
  if (result != core::feed_error::ok) impl.builder.reset();
  impl.counters.count(result);
  return result;
}

// Copies a frame that did not arrive in a padded buffer, then parses it.
template <typename Impl>
core::feed_error parse_frame_copy(Impl& impl, std::string_view frame, std::int64_t local_ts_ns) noexcept {
  if (frame.size() > impl.max_frame_bytes) {
    impl.builder.reset();
    impl.counters.count(core::feed_error::frame_too_large);
    return core::feed_error::frame_too_large;
  }
  std::memcpy(impl.buffer.get(), frame.data(), frame.size());
  std::memset(impl.buffer.get() + frame.size(), 0, k_padding);
  return parse_padded_frame(impl, impl.buffer.get(), frame.size(), frame.size() + k_padding, local_ts_ns);
}

}  // namespace tickrail::json
