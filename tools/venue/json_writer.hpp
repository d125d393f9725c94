// tools/venue/json_writer.hpp — compact JSON text built by appending, for
// the simulator's replies and notifications.
//
// Numbers that are prices or amounts are written from the instrument's
// integer units as exact decimal text (`number(decimal_text)`), so a reply
// says 37317.5, never 37317.499999. Commas are placed by the writer: callers
// only open and close containers, name keys and give values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tickrail::venue {

class json_writer {
 public:
  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }

  json_writer& key(std::string_view k) {
    separate();
    write_string(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  json_writer& string(std::string_view s) {
    separate();
    write_string(s);
    return *this;
  }
  json_writer& integer(std::int64_t v) {
    separate();
    out_ += std::to_string(v);
    return *this;
  }
  json_writer& boolean(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  json_writer& null() {
    separate();
    out_ += "null";
    return *this;
  }
  // A number already in JSON number syntax (e.g. from instrument::format_price).
  json_writer& number(std::string_view text) {
    separate();
    out_ += text;
    return *this;
  }
  json_writer& real(double v);
  // A complete JSON value produced elsewhere.
  json_writer& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }

  // key + value shorthands
  json_writer& field(std::string_view k, std::string_view v) { return key(k).string(v); }
  json_writer& field(std::string_view k, const char* v) { return key(k).string(v); }
  json_writer& field(std::string_view k, std::int64_t v) { return key(k).integer(v); }
  json_writer& field(std::string_view k, int v) { return key(k).integer(v); }
  json_writer& field(std::string_view k, bool v) { return key(k).boolean(v); }
  json_writer& field_number(std::string_view k, std::string_view text) { return key(k).number(text); }

  [[nodiscard]] const std::string& str() const noexcept { return out_; }
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  json_writer& open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  json_writer& close(char c) {
    out_ += c;
    if (!first_.empty()) first_.pop_back();
    return *this;
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
  void write_string(std::string_view s);

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace tickrail::venue
