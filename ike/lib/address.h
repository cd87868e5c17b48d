// SPDX-License-Identifier: GPL-2.0
// IP addresses and UDP endpoints as values; no sockets here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ike/lib/bytes.h"

namespace spirecovery::ike {

class IpAddress {
public:
    enum class Family : std::uint8_t { ipv4, ipv6 };

    static IpAddress v4(const std::array<std::uint8_t, 4>& octets);
    static IpAddress v6(const std::array<std::uint8_t, 16>& octets);
    // Literal addresses only ("192.0.2.1", "2001:db8::1"); names are not resolved.
    static std::optional<IpAddress> parse(std::string_view text);

    Family family() const { return family_; }
    // 4 or 16 bytes in network order, as they appear on the wire.
    ByteView bytes() const { return {octets_.data(), family_ == Family::ipv4 ? 4u : 16u}; }
    std::string to_string() const;

    bool operator==(const IpAddress&) const = default;

private:
    Family family_ = Family::ipv4;
    std::array<std::uint8_t, 16> octets_{};
};

struct Endpoint {
    IpAddress address;
    std::uint16_t port = 0;

    std::string to_string() const; // "192.0.2.1:500", "[2001:db8::1]:500"
    bool operator==(const Endpoint&) const = default;
};

} // namespace spirecovery::ike
