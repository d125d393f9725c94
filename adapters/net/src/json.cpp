// Boost.JSON compiled once for the whole project (its header-only mode:
// src.hpp in exactly one translation unit). The simulator's request parsing
// uses it; the hot path parses with simdjson.
#include <boost/json/src.hpp>
