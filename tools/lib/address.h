// SPDX-License-Identifier: GPL-2.0
// Addresses as text, one form for every output and message.
#pragma once

#include <string>

#include "tools/lib/model.h"

namespace spirecovery::ctl {

// Dotted quad, or RFC 5952 text for IPv6 as Python's ipaddress writes it (the longest run of
// two or more zero groups becomes "::", the first run on a tie; no dotted IPv4 tail), so that
// it matches YNL's cli.py (display hints ipv4 and ipv6).
std::string to_string(const IpAddress& addr);

} // namespace spirecovery::ctl
