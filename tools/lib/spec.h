// SPDX-License-Identifier: GPL-2.0
// The generic-netlink contract as data: attribute names and sizes per attribute set, operation
// names, limits. Names are spelled as in Documentation/netlink/specs/spirecovery.yaml because
// they are also the JSON keys and text labels of every output (tests/spec_test.cpp compares them
// with the YAML file).
#pragma once

#include <cstdint>
#include <linux/spirecovery.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spirecovery::ctl::spec {

// One attribute of a set. `size` is the exact payload length; 0 marks the pad attribute, which
// carries no value.
struct Attribute {
    std::string_view name;
    unsigned size = 0;
};

// Each table is indexed by attribute type; index 0 is never used on the wire.
inline constexpr Attribute config_attrs[] = {
    {},
    {"enabled", 1},
    {"source-rate", 4},
    {"source-burst", 4},
    {"global-rate", 4},
    {"global-burst", 4},
    {"ipv6-prefix", 1},
};
static_assert(std::size(config_attrs) == SPIRECOVERY_A_CONFIG_MAX + 1);

inline constexpr Attribute stats_attrs[] = {
    {},
    {"pad", 0},
    {"miss-ipv4-esp", 8},
    {"miss-ipv4-ah", 8},
    {"miss-ipv4-esp-udp", 8},
    {"miss-ipv6-esp", 8},
    {"miss-ipv6-ah", 8},
    {"miss-ipv6-esp-udp", 8},
    {"events-sent", 8},
    {"suppressed-source", 8},
    {"suppressed-global", 8},
    {"malformed", 8},
    {"send-failed", 8},
    {"no-listener", 8},
    {"disabled", 8},
    {"unknown-source", 8},
};
static_assert(std::size(stats_attrs) == SPIRECOVERY_A_STATS_MAX + 1);

inline constexpr Attribute source_attrs[] = {
    {},
    {"pad", 0},
    {"family", 1},
    {"addr4", 4},
    {"addr6", 16},
    {"prefix-len", 1},
    {"tokens", 4},
    {"suppressed", 4},
    {"misses", 8},
    {"last-seen-msecs", 8},
};
static_assert(std::size(source_attrs) == SPIRECOVERY_A_SOURCE_MAX + 1);

inline constexpr Attribute event_attrs[] = {
    {},
    {"pad", 0},
    {"family", 1},
    {"proto", 1},
    {"saddr4", 4},
    {"daddr4", 4},
    {"saddr6", 16},
    {"daddr6", 16},
    {"spi", 4},
    {"seq", 4},
    {"encap", 1},
    {"sport", 2},
    {"dport", 2},
    {"ifindex", 4},
    {"mark", 4},
    {"suppressed", 4},
    {"timestamp", 8},
};
static_assert(std::size(event_attrs) == SPIRECOVERY_A_EVENT_MAX + 1);

inline constexpr Attribute peer_attrs[] = {
    {},
    {"addr4", 4},
    {"addr6", 16},
    {"prefix-len", 1},
};
static_assert(std::size(peer_attrs) == SPIRECOVERY_A_PEER_MAX + 1);

// "peer" is a nest of the "peer" set: no fixed size.
inline constexpr Attribute peers_attrs[] = {
    {},
    {"peer", 0},
};
static_assert(std::size(peers_attrs) == SPIRECOVERY_A_PEERS_MAX + 1);

inline constexpr std::string_view operations[] = {
    "",         "get-config", "set-config", "get-stats", "get-source", "flush-sources",
    "miss-ntf", "peer-set",   "peer-add",   "peer-del",  "peer-get",
};
static_assert(std::size(operations) == SPIRECOVERY_CMD_MAX + 1);

inline std::string_view operation_name(std::uint8_t cmd) {
    return cmd < std::size(operations) ? operations[cmd] : "unknown operation";
}

// Name of a value of enum "encap", or nothing for a value the spec does not list.
std::optional<std::string_view> encap_name(std::uint8_t value);

// The values a configuration attribute accepts (the "checks" of the spec).
struct Range {
    std::uint32_t min;
    std::uint32_t max;
};

// An IPv6 address has 128 bits, so that is the longest prefix.
inline constexpr std::uint32_t ipv6_prefix_max = 128;

inline constexpr Range config_ranges[] = {
    {0, 0},
    {0, 1},
    {1, SPIRECOVERY_RATE_MAX},
    {1, SPIRECOVERY_BURST_MAX},
    {1, SPIRECOVERY_RATE_MAX},
    {1, SPIRECOVERY_BURST_MAX},
    {1, ipv6_prefix_max},
};
static_assert(std::size(config_ranges) == SPIRECOVERY_A_CONFIG_MAX + 1);

// The configuration attribute whose name is `name` ("source-rate"), as `spirecoveryctl set` and
// spirecoveryd.conf's [module] section spell it; nothing for any other word.
std::optional<std::uint16_t> config_attr_named(std::string_view name);

// "1..1000000": a range as every message shows it.
std::string range_text(const Range& range);

} // namespace spirecovery::ctl::spec
