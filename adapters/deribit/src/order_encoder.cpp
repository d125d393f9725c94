#include "tickrail/deribit/order_encoder.hpp"

#include <charconv>
#include <cstring>

#include "tickrail/core/check.hpp"

namespace tickrail::deribit {

using core::intent_kind;
using core::order_request;

namespace {

std::string_view type_text(core::order_type t) noexcept {
  switch (t) {
    case core::order_type::limit: return "limit";
    case core::order_type::market: return "market";
    case core::order_type::stop_limit: return "stop_limit";
    case core::order_type::stop_market: return "stop_market";
    case core::order_type::take_limit: return "take_limit";
    case core::order_type::take_market: return "take_market";
  }
  return "limit";
}

std::string_view tif_text(core::time_in_force t) noexcept {
  switch (t) {
    case core::time_in_force::good_til_cancelled: return "good_til_cancelled";
    case core::time_in_force::immediate_or_cancel: return "immediate_or_cancel";
    case core::time_in_force::fill_or_kill: return "fill_or_kill";
    case core::time_in_force::good_til_day: return "good_til_day";
  }
  return "good_til_cancelled";
}

bool has_price(core::order_type t) noexcept {
  return t == core::order_type::limit || t == core::order_type::stop_limit || t == core::order_type::take_limit;
}
bool has_trigger(core::order_type t) noexcept { return t != core::order_type::limit && t != core::order_type::market; }

// Appends at a raw pointer: encode() checked the worst case against the
// buffer once, so no append checks again (literals become fixed-size moves).
class writer {
 public:
  explicit writer(char* out) noexcept : begin_(out), p_(out) {}
  template <std::size_t N>
  void literal(const char (&s)[N]) noexcept {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  void text(std::string_view s) noexcept {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void integer(std::uint64_t v) noexcept { p_ = std::to_chars(p_, p_ + 20, v).ptr; }
  // units × increment as shortest plain decimal text ("37000.5", "0.0125",
  // "30"); false when the product does not fit 64 bits.
  [[nodiscard]] bool units(const core::increment& inc, std::int64_t v) noexcept {
    const core::decimal step = inc.value();
    std::int64_t m = 0;
    if (__builtin_mul_overflow(v, step.mantissa, &m) || m == INT64_MIN) return false;
    std::int32_t scale = step.scale;
    core::strip_trailing_zeros(m, scale);
    if (m < 0) {
      *p_++ = '-';
      m = -m;
    }
    char digits[20];
    char* const end = digits + sizeof(digits);
    char* d = std::to_chars(digits, end, static_cast<std::uint64_t>(m)).ptr;
    const int n = static_cast<int>(d - digits);
    if (scale == 0) {
      text({digits, static_cast<std::size_t>(n)});
    } else if (n > scale) {
      text({digits, static_cast<std::size_t>(n - scale)});
      *p_++ = '.';
      text({digits + n - scale, static_cast<std::size_t>(scale)});
    } else {
      literal("0.");
      for (int i = n; i < scale; ++i) *p_++ = '0';
      text({digits, static_cast<std::size_t>(n)});
    }
    return true;
  }
  [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(p_ - begin_); }

 private:
  char* begin_;
  char* p_;
};

// Everything but the instrument name, label and venue order id (each
// bounded separately) fits in this: the longest path's literals (~250
// bytes), three numbers of at most 21 characters, the id (20).
constexpr std::size_t k_fixed_bound = 448;
constexpr std::size_t k_venue_order_id_bound = core::k_venue_order_id_size;

std::string_view venue_id_of(const order_request& r) noexcept {
  return {r.venue_order_id, strnlen(r.venue_order_id, sizeof(r.venue_order_id))};
}

}  // namespace

order_encoder::order_encoder(const core::instrument_catalog& catalog, std::string_view label_prefix)
    : catalog_(catalog), prefix_(label_prefix) {
  TR_CHECK(valid_label_prefix(label_prefix), "invalid order label prefix");
}

bool order_encoder::valid_label_prefix(std::string_view prefix) noexcept {
  if (prefix.empty() || prefix.size() > k_max_prefix) return false;
  for (const char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::size_t order_encoder::write_label(core::client_order_id id, char* out) const noexcept {
  std::size_t n = prefix_.size();
  std::memcpy(out, prefix_.data(), n);
  out[n++] = '-';
  char* end = std::to_chars(out + n, out + k_max_label, core::bot_of(id)).ptr;
  *end++ = '-';
  end = std::to_chars(end, out + k_max_label, id & ((1ull << core::k_client_order_bot_shift) - 1)).ptr;
  return static_cast<std::size_t>(end - out);
}

core::client_order_id order_encoder::parse_label(std::string_view label) const noexcept {
  if (label.size() <= prefix_.size() + 1 || !label.starts_with(prefix_) || label[prefix_.size()] != '-') return 0;
  label.remove_prefix(prefix_.size() + 1);
  const auto digits = [](std::string_view s, std::uint64_t& v) {
    if (s.empty() || s.size() > 15 || (s.size() > 1 && s[0] == '0')) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size();
  };
  const std::size_t dash = label.find('-');
  if (dash == std::string_view::npos) return 0;
  std::uint64_t bot = 0, counter = 0;
  if (!digits(label.substr(0, dash), bot) || !digits(label.substr(dash + 1), counter)) return 0;
  if (bot > 0xFFFF || counter >= (1ull << core::k_client_order_bot_shift) || counter == 0) return 0;
  return core::make_client_order_id(static_cast<std::uint16_t>(bot), counter);
}

std::string order_encoder::bot_label_prefix(std::uint16_t bot) const {
  return prefix_ + "-" + std::to_string(bot) + "-";
}

encode_error order_encoder::encode(const order_request& r, std::int64_t request_id, std::span<char> out,
                                   encoded_order& result) const noexcept {
  const core::order_intent& in = r.intent;
  const bool needs_instrument =
      in.kind == intent_kind::place || in.kind == intent_kind::replace || in.kind == intent_kind::cancel_instrument;
  if (needs_instrument && in.instrument >= catalog_.size()) return encode_error::unknown_instrument;
  const bool needs_label = in.kind == intent_kind::place || in.kind == intent_kind::cancel_by_label ||
                           (in.kind == intent_kind::cancel && r.venue_order_id[0] == '\0');
  if (needs_label && in.cl_ord_id == 0) return encode_error::invalid_client_id;
  char label[k_max_label];
  const std::size_t label_size = needs_label ? write_label(in.cl_ord_id, label) : 0;

  rpc_method method{};
  switch (in.kind) {
    case intent_kind::place: method = in.order_side == core::side::buy ? rpc_method::buy : rpc_method::sell; break;
    case intent_kind::replace:
      if (r.venue_order_id[0] == '\0') return encode_error::no_venue_order_id;
      method = rpc_method::edit;
      break;
    case intent_kind::cancel:
      method = r.venue_order_id[0] == '\0' ? rpc_method::cancel_by_label : rpc_method::cancel;
      break;
    case intent_kind::cancel_by_label: method = rpc_method::cancel_by_label; break;
    case intent_kind::cancel_instrument: method = rpc_method::cancel_all_by_instrument; break;
    case intent_kind::cancel_all: method = rpc_method::cancel_all; break;
  }

  const std::size_t symbol_size = in.instrument < catalog_.size() ? catalog_[in.instrument].symbol.size() : 0;
  if (out.size() < k_fixed_bound + symbol_size + k_max_label + k_venue_order_id_bound)
    return encode_error::buffer_too_small;
  writer w(out.data());
  w.literal(R"({"jsonrpc":"2.0","id":)");
  w.integer(static_cast<std::uint64_t>(request_id < 0 ? 0 : request_id));
  w.literal(R"(,"method":")");
  w.text(to_string(method));
  w.literal(R"(","params":{)");
  switch (method) {
    case rpc_method::buy:
    case rpc_method::sell: {
      const core::instrument& inst = catalog_[in.instrument];
      w.literal(R"("instrument_name":")");
      w.text(inst.symbol);
      w.literal(R"(","amount":)");
      if (!w.units(inst.lot, in.qty_lots)) return encode_error::unrepresentable;
      w.literal(R"(,"type":")");
      w.text(type_text(in.type));
      w.literal(R"(","label":")");
      w.text(std::string_view(label, label_size));
      w.literal("\"");
      if (has_price(in.type)) {
        w.literal(R"(,"price":)");
        if (!w.units(inst.tick, in.price_ticks)) return encode_error::unrepresentable;
      }
      if (has_trigger(in.type)) {
        w.literal(R"(,"trigger_price":)");
        if (!w.units(inst.tick, in.trigger_price_ticks)) return encode_error::unrepresentable;
        w.literal(R"(,"trigger":"last_price")");
      }
      w.literal(R"(,"time_in_force":")");
      w.text(tif_text(in.tif));
      w.literal("\"");
      // post_only rejects (11054) instead of Deribit's default repricing: a
      // maker's price is a decision, not a suggestion.
      if (in.flags & core::k_order_post_only) w.literal(R"(,"post_only":true,"reject_post_only":true)");
      if (in.flags & core::k_order_reduce_only) w.literal(R"(,"reduce_only":true)");
      break;
    }
    case rpc_method::edit: {
      const core::instrument& inst = catalog_[in.instrument];
      w.literal(R"("order_id":")");
      w.text(venue_id_of(r));
      w.literal(R"(","amount":)");
      if (!w.units(inst.lot, in.qty_lots)) return encode_error::unrepresentable;
      w.literal(R"(,"price":)");
      if (!w.units(inst.tick, in.price_ticks)) return encode_error::unrepresentable;
      if (in.flags & core::k_order_post_only) w.literal(R"(,"post_only":true,"reject_post_only":true)");
      break;
    }
    case rpc_method::cancel:
      w.literal(R"("order_id":")");
      w.text(venue_id_of(r));
      w.literal("\"");
      break;
    case rpc_method::cancel_by_label:
      w.literal(R"("label":")");
      w.text(std::string_view(label, label_size));
      w.literal("\"");
      break;
    case rpc_method::cancel_all_by_instrument:
      w.literal(R"("instrument_name":")");
      w.text(catalog_[in.instrument].symbol);
      w.literal("\"");
      break;
    case rpc_method::cancel_all: break;
  }
  w.literal("}}");
  result.size = w.size();
  result.method = method;
  return encode_error::ok;
}

}  // namespace tickrail::deribit
