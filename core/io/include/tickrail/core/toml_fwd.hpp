// tickrail/core/toml_fwd.hpp — `toml::table` and friends declared, not
// defined: for headers of config readers that take a parsed config, so their
// includers do not compile all of toml++ (toml_support.hpp has the rest).
//
// toml++ 3.3 (Debian bookworm) keeps its forward declarations in this one
// internal header; the ABI namespaces it opens must match the full header's,
// which is why a hand-written `namespace toml { class table; }` is not used.
#pragma once

#include <toml++/impl/forward_declarations.h>
