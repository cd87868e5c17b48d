// SPDX-License-Identifier: GPL-2.0
// Text forms of values, shared by the text and JSON output; the SPI's is tools/lib/spi_text.h.
#pragma once

#include <cstdint>
#include <string>

#include "tools/lib/address.h"

namespace spirecovery::ctl {

// Milliseconds as seconds with three decimals: "1.234s".
std::string seconds_text(std::uint64_t msecs);

// CLOCK_REALTIME nanoseconds as ISO 8601 UTC with microseconds: "2025-11-23T14:57:01.123456Z".
std::string utc_timestamp(std::uint64_t nsecs);

// A share as a percentage with one decimal ("12.5"); the caller makes sure whole != 0.
std::string percent_text(std::uint64_t part, std::uint64_t whole);

} // namespace spirecovery::ctl
