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
inline constexpr std::string_view config_docs[] = {
    "",
    "1 to report misses in this network namespace, 0 to stop.",
    "Events per second allowed per source.",
    "Events a source may send at once.",
    "Events per second allowed in this network namespace.",
    "Events this network namespace may send at once.",
    "IPv6 sources sharing this many leading bits share one bucket.",
};
static_assert(std::size(config_docs) == std::size(config_attrs));

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
inline constexpr std::string_view stats_docs[] = {
    "",
    "",
    "ESP over IPv4 dropped for lack of an SA.",
    "AH over IPv4 dropped for lack of an SA.",
    "UDP-encapsulated ESP (RFC 3948) over IPv4 dropped for lack of an SA.",
    "ESP over IPv6 dropped for lack of an SA.",
    "AH over IPv6 dropped for lack of an SA.",
    "UDP-encapsulated ESP (RFC 3948) over IPv6 dropped for lack of an SA.",
    "Miss notifications sent to the events group.",
    "Misses not reported because their source was over its limit.",
    "Misses not reported because the namespace was over its limit.",
    "Misses whose headers could not be read; never reported.",
    "Events lost to a failed allocation or multicast.",
    "Events due while nobody had joined the events group.",
    "Misses seen while recovery was disabled.",
    "Misses from a source outside a non-empty peer set; nothing else is done for them.",
};
static_assert(std::size(stats_docs) == std::size(stats_attrs));

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
inline constexpr std::string_view source_docs[] = {
    "",
    "",
    "",
    "",
    "",
    "",
    "Whole events the source may send now.",
    "Misses from the source since its last event.",
    "",
    "Milliseconds since the source's last miss.",
};
static_assert(std::size(source_docs) == std::size(source_attrs));

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
inline constexpr std::string_view event_docs[] = {
    "",
    "",
    "AF_INET or AF_INET6 of the outer header.",
    "IPPROTO_ESP (50) or IPPROTO_AH (51).",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "Misses from this source not reported since its previous event.",
    "CLOCK_REALTIME in nanoseconds.",
};
static_assert(std::size(event_docs) == std::size(event_attrs));

inline constexpr Attribute peer_attrs[] = {
    {},
    {"addr4", Type::u32, 4, {0, 0xffffffff}},
    {"addr6", Type::binary, 16, {0, 0}},
    {"prefix-len", Type::u8, 1, {0, 128}},
};
static_assert(std::size(peer_attrs) == SPIRECOVERY_A_PEER_MAX + 1);
inline constexpr std::string_view peer_docs[] = {
    "",
    "",
    "",
    "Leading bits of the address a source must share; the whole address (32 or 128) when absent. Bits past it must be zero.",
};
static_assert(std::size(peer_docs) == std::size(peer_attrs));

inline constexpr Attribute peers_attrs[] = {
    {},
    {"peer", Type::nest, 0, {0, 0}, "peer", true},
};
static_assert(std::size(peers_attrs) == SPIRECOVERY_A_PEERS_MAX + 1);
inline constexpr std::string_view peers_docs[] = {
    "",
    "",
};
static_assert(std::size(peers_docs) == std::size(peers_attrs));

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
