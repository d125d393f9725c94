// tickrail/json/dom.hpp — simdjson DOM helpers shared by the cold-path
// loaders (instrument definitions). Error codes only: a missing field is an
// empty value, never an exception.
#pragma once

#include <simdjson.h>

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tickrail/core/status.hpp"

namespace tickrail::json {

// A field looked up with obj["name"]; converting it to an element would
// throw when the field is absent, so helpers take the result.
using dom_field = simdjson::simdjson_result<simdjson::dom::element>;

// The field's string, or empty when it is absent or not a string.
[[nodiscard]] inline std::string_view text_of(dom_field field) {
  std::string_view s;
  return field.get_string().get(s) == simdjson::SUCCESS ? s : std::string_view{};
}

// Parses `json`, finds its list of definitions with select(root, list) ->
// bool, and calls each(object) -> absl::Status for every entry. Errors are
// prefixed with `what`; `no_list` and `not_object` complete them.
template <typename Select, typename Each>
absl::Status for_each_listed_object(std::string_view json, std::string_view what, std::string_view no_list,
                                    std::string_view not_object, Select&& select, Each&& each) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const auto err = parser.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(absl::StrCat(core::to_absl(what), ": not JSON: ", simdjson::error_message(err)));
  }
  simdjson::dom::array list;
  if (!select(root, list)) {
    return absl::InvalidArgumentError(absl::StrCat(core::to_absl(what), ": ", core::to_absl(no_list)));
  }
  for (simdjson::dom::element e : list) {
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(absl::StrCat(core::to_absl(what), ": ", core::to_absl(not_object)));
    }
    TR_RETURN_IF_ERROR(each(obj));
  }
  return absl::OkStatus();
}

}  // namespace tickrail::json
