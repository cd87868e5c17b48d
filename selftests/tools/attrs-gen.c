// SPDX-License-Identifier: GPL-2.0
/* Generated from Documentation/netlink/specs/spirecovery.yaml
 * by tools/scripts/gen-spec-tables.py: do not edit, regenerate with make -C selftests regen.
 */
#include "attrs.h"

#include <linux/spirecovery.h>

static const struct attr_desc config_descs[SPIRECOVERY_A_CONFIG_MAX + 1] = {
	[SPIRECOVERY_A_CONFIG_ENABLED] = { "enabled", ATTR_U8, 1 },
	[SPIRECOVERY_A_CONFIG_SOURCE_RATE] = { "source-rate", ATTR_U32, 4 },
	[SPIRECOVERY_A_CONFIG_SOURCE_BURST] = { "source-burst", ATTR_U32, 4 },
	[SPIRECOVERY_A_CONFIG_GLOBAL_RATE] = { "global-rate", ATTR_U32, 4 },
	[SPIRECOVERY_A_CONFIG_GLOBAL_BURST] = { "global-burst", ATTR_U32, 4 },
	[SPIRECOVERY_A_CONFIG_IPV6_PREFIX] = { "ipv6-prefix", ATTR_U8, 1 },
};

static const struct attr_desc stats_descs[SPIRECOVERY_A_STATS_MAX + 1] = {
	[SPIRECOVERY_A_STATS_PAD] = { "pad", ATTR_PAD, 0 },
	[SPIRECOVERY_A_STATS_MISS_IPV4_ESP] = { "miss-ipv4-esp", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_MISS_IPV4_AH] = { "miss-ipv4-ah", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_MISS_IPV4_ESP_UDP] = { "miss-ipv4-esp-udp", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_MISS_IPV6_ESP] = { "miss-ipv6-esp", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_MISS_IPV6_AH] = { "miss-ipv6-ah", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_MISS_IPV6_ESP_UDP] = { "miss-ipv6-esp-udp", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_EVENTS_SENT] = { "events-sent", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE] = { "suppressed-source", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL] = { "suppressed-global", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_MALFORMED] = { "malformed", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_SEND_FAILED] = { "send-failed", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_NO_LISTENER] = { "no-listener", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_DISABLED] = { "disabled", ATTR_U64, 8 },
	[SPIRECOVERY_A_STATS_UNKNOWN_SOURCE] = { "unknown-source", ATTR_U64, 8 },
};

static const struct attr_desc source_descs[SPIRECOVERY_A_SOURCE_MAX + 1] = {
	[SPIRECOVERY_A_SOURCE_PAD] = { "pad", ATTR_PAD, 0 },
	[SPIRECOVERY_A_SOURCE_FAMILY] = { "family", ATTR_U8, 1 },
	[SPIRECOVERY_A_SOURCE_ADDR4] = { "addr4", ATTR_IPV4, 4 },
	[SPIRECOVERY_A_SOURCE_ADDR6] = { "addr6", ATTR_IPV6, 16 },
	[SPIRECOVERY_A_SOURCE_PREFIX_LEN] = { "prefix-len", ATTR_U8, 1 },
	[SPIRECOVERY_A_SOURCE_TOKENS] = { "tokens", ATTR_U32, 4 },
	[SPIRECOVERY_A_SOURCE_SUPPRESSED] = { "suppressed", ATTR_U32, 4 },
	[SPIRECOVERY_A_SOURCE_MISSES] = { "misses", ATTR_U64, 8 },
	[SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS] = { "last-seen-msecs", ATTR_U64, 8 },
};

static const struct attr_desc event_descs[SPIRECOVERY_A_EVENT_MAX + 1] = {
	[SPIRECOVERY_A_EVENT_PAD] = { "pad", ATTR_PAD, 0 },
	[SPIRECOVERY_A_EVENT_FAMILY] = { "family", ATTR_U8, 1 },
	[SPIRECOVERY_A_EVENT_PROTO] = { "proto", ATTR_U8, 1 },
	[SPIRECOVERY_A_EVENT_SADDR4] = { "saddr4", ATTR_IPV4, 4 },
	[SPIRECOVERY_A_EVENT_DADDR4] = { "daddr4", ATTR_IPV4, 4 },
	[SPIRECOVERY_A_EVENT_SADDR6] = { "saddr6", ATTR_IPV6, 16 },
	[SPIRECOVERY_A_EVENT_DADDR6] = { "daddr6", ATTR_IPV6, 16 },
	[SPIRECOVERY_A_EVENT_SPI] = { "spi", ATTR_HEX32, 4 },
	[SPIRECOVERY_A_EVENT_SEQ] = { "seq", ATTR_U32, 4 },
	[SPIRECOVERY_A_EVENT_ENCAP] = { "encap", ATTR_U8, 1 },
	[SPIRECOVERY_A_EVENT_SPORT] = { "sport", ATTR_U16, 2 },
	[SPIRECOVERY_A_EVENT_DPORT] = { "dport", ATTR_U16, 2 },
	[SPIRECOVERY_A_EVENT_IFINDEX] = { "ifindex", ATTR_U32, 4 },
	[SPIRECOVERY_A_EVENT_MARK] = { "mark", ATTR_U32, 4 },
	[SPIRECOVERY_A_EVENT_SUPPRESSED] = { "suppressed", ATTR_U32, 4 },
	[SPIRECOVERY_A_EVENT_TIMESTAMP] = { "timestamp", ATTR_U64, 8 },
};

static const struct attr_desc peer_descs[SPIRECOVERY_A_PEER_MAX + 1] = {
	[SPIRECOVERY_A_PEER_ADDR4] = { "addr4", ATTR_IPV4, 4 },
	[SPIRECOVERY_A_PEER_ADDR6] = { "addr6", ATTR_IPV6, 16 },
	[SPIRECOVERY_A_PEER_PREFIX_LEN] = { "prefix-len", ATTR_U8, 1 },
};

static const struct attr_desc peers_descs[SPIRECOVERY_A_PEERS_MAX + 1] = {
	[SPIRECOVERY_A_PEERS_PEER] = { "peer", ATTR_NEST, 0 },
};

const struct attr_set config_attrs = { "config", SPIRECOVERY_A_CONFIG_MAX, config_descs };
const struct attr_set stats_attrs = { "stats", SPIRECOVERY_A_STATS_MAX, stats_descs };
const struct attr_set source_attrs = { "source", SPIRECOVERY_A_SOURCE_MAX, source_descs };
const struct attr_set event_attrs = { "event", SPIRECOVERY_A_EVENT_MAX, event_descs };
const struct attr_set peer_attrs = { "peer", SPIRECOVERY_A_PEER_MAX, peer_descs };
const struct attr_set peers_attrs = { "peers", SPIRECOVERY_A_PEERS_MAX, peers_descs };
