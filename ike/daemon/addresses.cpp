// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/addresses.h"

#include <array>
#include <cstring>
#include <netinet/in.h>

#include "ike/lib/constants.h"
#include "tools/lib/unique_fd.h"

namespace spirecovery {

int address_family(const ike::IpAddress& address) {
    return address.family() == ike::IpAddress::Family::ipv4 ? AF_INET : AF_INET6;
}

std::optional<ike::IpAddress> address_from_bytes(int family, const void* bytes) {
    if (family == AF_INET) {
        std::array<uint8_t, 4> b;
        std::memcpy(b.data(), bytes, b.size());
        return ike::IpAddress::v4(b);
    }
    if (family == AF_INET6) {
        std::array<uint8_t, 16> b;
        std::memcpy(b.data(), bytes, b.size());
        return ike::IpAddress::v6(b);
    }
    return std::nullopt;
}

bool prefix_covers(const ike::IpAddress& network, unsigned bits, const ike::IpAddress& address) {
    const auto a = network.bytes();
    const auto b = address.bytes();
    if (a.size() != b.size() || bits > a.size() * 8)
        return false;
    for (unsigned i = 0; i < bits; i++) {
        const uint8_t mask = static_cast<uint8_t>(0x80 >> (i % 8));
        if ((a[i / 8] & mask) != (b[i / 8] & mask))
            return false;
    }
    return true;
}

// connect() on a UDP socket does the route lookup without sending anything.
std::optional<ike::IpAddress> route_source(const ike::IpAddress& peer) {
    UniqueFd fd(::socket(address_family(peer), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd)
        return std::nullopt;
    sockaddr_storage ss;
    socklen_t len = to_sockaddr({peer, ike::ike_port}, ss);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return std::nullopt;
    len = sizeof(ss);
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0)
        return std::nullopt;
    auto local = from_sockaddr(ss);
    if (!local)
        return std::nullopt;
    return local->address;
}

socklen_t to_sockaddr(const ike::Endpoint& endpoint, sockaddr_storage& out) {
    std::memset(&out, 0, sizeof(out));
    const auto bytes = endpoint.address.bytes();
    if (address_family(endpoint.address) == AF_INET) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&out);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(endpoint.port);
        std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
        return sizeof(*sin);
    }
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(endpoint.port);
    std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
    return sizeof(*sin6);
}

std::optional<ike::Endpoint> from_sockaddr(const sockaddr_storage& address) {
    if (address.ss_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(&address);
        return ike::Endpoint{*address_from_bytes(AF_INET, &sin->sin_addr), ntohs(sin->sin_port)};
    }
    if (address.ss_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address);
        return ike::Endpoint{*address_from_bytes(AF_INET6, &sin6->sin6_addr),
                             ntohs(sin6->sin6_port)};
    }
    return std::nullopt;
}

} // namespace spirecovery
