// SPDX-License-Identifier: GPL-2.0
// clang-format off
// Generated from Documentation/netlink/specs/spirecovery.yaml
// by tools/scripts/gen-spec-tables.py: do not edit, regenerate with make -C selftests regen.
// Included by tools/lib/spec.h, which defines the types.
#pragma once

namespace spirecovery::ctl::spec {

// Each attribute table is indexed by attribute type; index 0 is never used on the wire.
inline constexpr Attribute config_attrs[] = {
    {},
    {"enabled", Type::u8, 1, {0, 1}},
    {"source-rate", Type::u32, 4, {1, 1000000}},
    {"source-burst", Type::u32, 4, {1, 1000000}},
    {"global-rate", Type::u32, 4, {1, 1000000}},
    {"global-burst", Type::u32, 4, {1, 1000000}},
    {"ipv6-prefix", Type::u8, 1, {1, 128}},
};
static_assert(std::size(config_attrs) == SPIRECOVERY_A_CONFIG_MAX + 1);

inline constexpr Attribute stats_attrs[] = {
    {},
    {"pad", Type::pad, 0, {0, 0}},
    {"miss-ipv4-esp", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"miss-ipv4-ah", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"miss-ipv4-esp-udp", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"miss-ipv6-esp", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"miss-ipv6-ah", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"miss-ipv6-esp-udp", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"events-sent", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"suppressed-source", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"suppressed-global", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"malformed", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"send-failed", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"no-listener", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"disabled", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"unknown-source", Type::u64, 8, {0, 0xffffffffffffffff}},
};
static_assert(std::size(stats_attrs) == SPIRECOVERY_A_STATS_MAX + 1);

inline constexpr Attribute source_attrs[] = {
    {},
    {"pad", Type::pad, 0, {0, 0}},
    {"family", Type::u8, 1, {0, 0xff}},
    {"addr4", Type::u32, 4, {0, 0xffffffff}},
    {"addr6", Type::binary, 16, {0, 0}},
    {"prefix-len", Type::u8, 1, {0, 0xff}},
    {"tokens", Type::u32, 4, {0, 0xffffffff}},
    {"suppressed", Type::u32, 4, {0, 0xffffffff}},
    {"misses", Type::u64, 8, {0, 0xffffffffffffffff}},
    {"last-seen-msecs", Type::u64, 8, {0, 0xffffffffffffffff}},
};
static_assert(std::size(source_attrs) == SPIRECOVERY_A_SOURCE_MAX + 1);

inline constexpr Attribute event_attrs[] = {
    {},
    {"pad", Type::pad, 0, {0, 0}},
    {"family", Type::u8, 1, {0, 0xff}},
    {"proto", Type::u8, 1, {0, 0xff}},
    {"saddr4", Type::u32, 4, {0, 0xffffffff}},
    {"daddr4", Type::u32, 4, {0, 0xffffffff}},
    {"saddr6", Type::binary, 16, {0, 0}},
    {"daddr6", Type::binary, 16, {0, 0}},
    {"spi", Type::u32, 4, {0, 0xffffffff}},
    {"seq", Type::u32, 4, {0, 0xffffffff}},
    {"encap", Type::u8, 1, {0, 2}},
    {"sport", Type::u16, 2, {0, 0xffff}},
    {"dport", Type::u16, 2, {0, 0xffff}},
    {"ifindex", Type::u32, 4, {0, 0xffffffff}},
    {"mark", Type::u32, 4, {0, 0xffffffff}},
    {"suppressed", Type::u32, 4, {0, 0xffffffff}},
    {"timestamp", Type::u64, 8, {0, 0xffffffffffffffff}},
};
static_assert(std::size(event_attrs) == SPIRECOVERY_A_EVENT_MAX + 1);

inline constexpr Attribute peer_attrs[] = {
    {},
    {"addr4", Type::u32, 4, {0, 0xffffffff}},
    {"addr6", Type::binary, 16, {0, 0}},
    {"prefix-len", Type::u8, 1, {0, 128}},
};
static_assert(std::size(peer_attrs) == SPIRECOVERY_A_PEER_MAX + 1);

inline constexpr Attribute peers_attrs[] = {
    {},
    {"peer", Type::nest, 0, {0, 0}, "peer", true},
};
static_assert(std::size(peers_attrs) == SPIRECOVERY_A_PEERS_MAX + 1);

// Indexed by command.
inline constexpr std::string_view operations[] = {
    "",
    "get-config",
    "set-config",
    "get-stats",
    "get-source",
    "flush-sources",
    "miss-ntf",
    "peer-set",
    "peer-add",
    "peer-del",
    "peer-get",
};
static_assert(std::size(operations) == SPIRECOVERY_CMD_MAX + 1);

// The entries of enum "encap", indexed by value.
inline constexpr std::string_view encap_names[] = {
    "none",
    "espinudp-non-ike",
    "espinudp",
};

} // namespace spirecovery::ctl::spec
// clang-format on
