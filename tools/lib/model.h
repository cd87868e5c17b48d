// SPDX-License-Identifier: GPL-2.0
// What the module reports, as plain values: decoded from netlink messages (decode.h), rendered by
// render.h, built by hand in the unit tests.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <linux/spirecovery.h>
#include <map>
#include <optional>

namespace spirecovery::ctl {

struct IpAddress {
    int family = 0;                       // AF_INET or AF_INET6
    std::array<std::uint8_t, 16> bytes{}; // network order; IPv4 uses the first 4

    // Family, then bytes: the order the module dumps its peer set in.
    auto operator<=>(const IpAddress&) const = default;
};

// One prefix of a network namespace's recovery peer set: an address whose bits past prefix_len
// are zero.
struct Peer {
    IpAddress addr;
    std::uint8_t prefix_len = 0;

    auto operator<=>(const Peer&) const = default;
};

struct Config {
    std::uint8_t enabled = 0;
    std::uint32_t source_rate = 0;
    std::uint32_t source_burst = 0;
    std::uint32_t global_rate = 0;
    std::uint32_t global_burst = 0;
    std::uint8_t ipv6_prefix = 0;

    bool operator==(const Config&) const = default;
};

// A SET_CONFIG request: attribute type -> value, only for the values that change. Ordered so
// that the request's attributes come in spec order.
using ConfigChange = std::map<std::uint16_t, std::uint32_t>;

// Counters indexed by SPIRECOVERY_A_STATS_* (the pad slot stays 0).
struct Stats {
    std::array<std::uint64_t, SPIRECOVERY_A_STATS_MAX + 1> counters{};

    std::uint64_t operator[](int attr) const { return counters.at(attr); }
    bool operator==(const Stats&) const = default;
};

struct Source {
    IpAddress addr;
    std::uint8_t prefix_len = 0;
    std::uint32_t tokens = 0;
    std::uint32_t suppressed = 0;
    std::uint64_t misses = 0;
    std::uint64_t last_seen_msecs = 0;

    bool operator==(const Source&) const = default;
};

// A miss notification. The addresses, protocol and SPI are always there; the rest is optional so
// that the JSON output shows exactly what the kernel sent.
struct Event {
    IpAddress saddr;
    IpAddress daddr;
    std::uint8_t proto = 0;
    std::uint32_t spi = 0;
    std::optional<std::uint32_t> seq;
    std::optional<std::uint8_t> encap;
    std::optional<std::uint16_t> sport;
    std::optional<std::uint16_t> dport;
    std::optional<std::uint32_t> ifindex;
    std::optional<std::uint32_t> mark;
    std::optional<std::uint32_t> suppressed;
    std::optional<std::uint64_t> timestamp_ns;

    bool operator==(const Event&) const = default;
};

} // namespace spirecovery::ctl
