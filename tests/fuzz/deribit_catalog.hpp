// The shipped Deribit instruments (config/instruments/deribit.json), loaded
// once, for the fuzz targets that parse Deribit frames.
#pragma once

#include <cstdlib>

#include "tickrail/core/instrument.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail::fuzz {

inline const core::instrument_catalog& deribit_catalog() {
  static const core::instrument_catalog c = [] {
    core::instrument_catalog cat;
    if (!deribit::load_instruments_file(TICKRAIL_SOURCE_DIR "/config/instruments/deribit.json", cat).ok()) std::abort();
    return cat;
  }();
  return c;
}

}  // namespace tickrail::fuzz
