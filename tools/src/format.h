// SPDX-License-Identifier: GPL-2.0
// Text forms of values, shared by the text and JSON output. Where YNL's cli.py has a rendering
// (display hints ipv4, ipv6, hex) these match it, so `monitor -j` can be compared with cli.py.
#pragma once

#include <cstdint>
#include <string>

#include "tools/lib/address.h"

namespace spirecovery::ctl {

// Python's hex(): "0x" and lower-case digits without leading zeros ("0x0" for zero).
std::string python_hex(std::uint64_t value);

// An SPI as IOS logs it: upper-case hex without leading zeros, then decimal:
// "0x1F6E4C3C(527322172)".
std::string spi_text(std::uint32_t spi);

// Milliseconds as seconds with three decimals: "1.234s".
std::string seconds_text(std::uint64_t msecs);

// CLOCK_REALTIME nanoseconds as ISO 8601 UTC with microseconds: "2025-11-23T14:57:01.123456Z".
std::string utc_timestamp(std::uint64_t nsecs);

// A share as a percentage with one decimal ("12.5"); the caller makes sure whole != 0.
std::string percent_text(std::uint64_t part, std::uint64_t whole);

} // namespace spirecovery::ctl
