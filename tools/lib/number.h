// SPDX-License-Identifier: GPL-2.0
// Strict parsing of the numbers an operator types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace spirecovery::ctl {

// A plain decimal number: one or more digits and nothing else (no sign, no spaces, no base
// prefix), at most `max`. Anything else yields nothing.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

} // namespace spirecovery::ctl
