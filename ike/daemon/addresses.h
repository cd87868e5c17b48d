// SPDX-License-Identifier: GPL-2.0
// IP addresses: conversions between ike/lib's values and the kernel's representations,
// and prefix matching.
#pragma once

#include <optional>
#include <sys/socket.h>

#include "ike/lib/address.h"

namespace spirecovery {

// AF_INET or AF_INET6.
int address_family(const ike::IpAddress& address);
// The address at `bytes` (4 bytes for AF_INET, 16 for AF_INET6, network order);
// nullopt for any other family.
std::optional<ike::IpAddress> address_from_bytes(int family, const void* bytes);

// Whether the first `bits` bits of `address` equal those of `network` (same family only).
bool prefix_covers(const ike::IpAddress& network, unsigned bits, const ike::IpAddress& address);

// The source address B's kernel routes from toward `peer`, or nothing without a route.
std::optional<ike::IpAddress> route_source(const ike::IpAddress& peer);

socklen_t to_sockaddr(const ike::Endpoint& endpoint, sockaddr_storage& out);
std::optional<ike::Endpoint> from_sockaddr(const sockaddr_storage& address);

} // namespace spirecovery
