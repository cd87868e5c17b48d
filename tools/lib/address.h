// SPDX-License-Identifier: GPL-2.0
// Addresses and peer prefixes as text, one form for every output and message, and the parser of
// the "ADDR[/LEN]" an operator writes for a peer (spirecoveryctl peers, spirecoveryd.conf).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "tools/lib/model.h"

namespace spirecovery::ctl {

// Dotted quad, or RFC 5952 text for IPv6 as Python's ipaddress writes it (the longest run of
// two or more zero groups becomes "::", the first run on a tie; no dotted IPv4 tail), so that
// it matches YNL's cli.py (display hints ipv4 and ipv6).
std::string to_string(const IpAddress& addr);

// "192.0.2.0/24", "2001:db8::/32".
std::string to_string(const Peer& peer);

// The bits of an address of `family` (AF_INET or AF_INET6): its longest prefix.
unsigned max_prefix_len(int family);

// `addr` with every bit past the first `prefix_len` cleared.
IpAddress masked(const IpAddress& addr, unsigned prefix_len);

// Text that is not a peer; what() names the cause and the fix.
class PeerSyntaxError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// An IPv4 dotted quad or an IPv6 address, then optionally '/' and a decimal prefix length (by
// default the whole address). Bits past the prefix must be zero, as the kernel requires: a typo
// must not widen a peer unnoticed. Nothing else (no spaces, names or zone indexes) is accepted.
// Throws PeerSyntaxError.
Peer parse_peer(std::string_view text);

} // namespace spirecovery::ctl
