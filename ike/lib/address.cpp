// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/address.h"

#include <arpa/inet.h>
#include <string>

namespace spirecovery::ike {

IpAddress IpAddress::v4(const std::array<std::uint8_t, 4>& octets) {
    IpAddress address;
    address.family_ = Family::ipv4;
    std::copy(octets.begin(), octets.end(), address.octets_.begin());
    return address;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& octets) {
    IpAddress address;
    address.family_ = Family::ipv6;
    address.octets_ = octets;
    return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // inet_pton needs a terminated string; anything longer than an IPv6 literal is invalid.
    if (text.size() >= INET6_ADDRSTRLEN)
        return std::nullopt;
    const std::string terminated(text);
    std::array<std::uint8_t, 4> v4_octets{};
    if (inet_pton(AF_INET, terminated.c_str(), v4_octets.data()) == 1)
        return v4(v4_octets);
    std::array<std::uint8_t, 16> v6_octets{};
    if (inet_pton(AF_INET6, terminated.c_str(), v6_octets.data()) == 1)
        return v6(v6_octets);
    return std::nullopt;
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family_ == Family::ipv4 ? AF_INET : AF_INET6, octets_.data(), text, sizeof(text));
    return text;
}

std::string Endpoint::to_string() const {
    const std::string host = address.to_string();
    if (address.family() == IpAddress::Family::ipv6)
        return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

} // namespace spirecovery::ike
