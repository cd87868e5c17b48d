// SPDX-License-Identifier: GPL-2.0
/*
 * The spirecovery attribute sets as the selftests print them.
 */
#include "attrs.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <linux/spirecovery.h>

#include "nl.h"

static const struct attr_desc config_descs[SPIRECOVERY_A_CONFIG_MAX + 1] = {
	[SPIRECOVERY_A_CONFIG_ENABLED]		= { "enabled", ATTR_U8 },
	[SPIRECOVERY_A_CONFIG_SOURCE_RATE]	= { "source-rate", ATTR_U32 },
	[SPIRECOVERY_A_CONFIG_SOURCE_BURST]	= { "source-burst", ATTR_U32 },
	[SPIRECOVERY_A_CONFIG_GLOBAL_RATE]	= { "global-rate", ATTR_U32 },
	[SPIRECOVERY_A_CONFIG_GLOBAL_BURST]	= { "global-burst", ATTR_U32 },
	[SPIRECOVERY_A_CONFIG_IPV6_PREFIX]	= { "ipv6-prefix", ATTR_U8 },
};

static const struct attr_desc stats_descs[SPIRECOVERY_A_STATS_MAX + 1] = {
	[SPIRECOVERY_A_STATS_PAD]		= { "pad", ATTR_PAD },
	[SPIRECOVERY_A_STATS_MISS_IPV4_ESP]	= { "miss-ipv4-esp", ATTR_U64 },
	[SPIRECOVERY_A_STATS_MISS_IPV4_AH]	= { "miss-ipv4-ah", ATTR_U64 },
	[SPIRECOVERY_A_STATS_MISS_IPV4_ESP_UDP]	= { "miss-ipv4-esp-udp", ATTR_U64 },
	[SPIRECOVERY_A_STATS_MISS_IPV6_ESP]	= { "miss-ipv6-esp", ATTR_U64 },
	[SPIRECOVERY_A_STATS_MISS_IPV6_AH]	= { "miss-ipv6-ah", ATTR_U64 },
	[SPIRECOVERY_A_STATS_MISS_IPV6_ESP_UDP]	= { "miss-ipv6-esp-udp", ATTR_U64 },
	[SPIRECOVERY_A_STATS_EVENTS_SENT]	= { "events-sent", ATTR_U64 },
	[SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE]	= { "suppressed-source", ATTR_U64 },
	[SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL]	= { "suppressed-global", ATTR_U64 },
	[SPIRECOVERY_A_STATS_MALFORMED]		= { "malformed", ATTR_U64 },
	[SPIRECOVERY_A_STATS_SEND_FAILED]	= { "send-failed", ATTR_U64 },
	[SPIRECOVERY_A_STATS_NO_LISTENER]	= { "no-listener", ATTR_U64 },
	[SPIRECOVERY_A_STATS_DISABLED]		= { "disabled", ATTR_U64 },
	[SPIRECOVERY_A_STATS_UNKNOWN_SOURCE]	= { "unknown-source", ATTR_U64 },
};

static const struct attr_desc source_descs[SPIRECOVERY_A_SOURCE_MAX + 1] = {
	[SPIRECOVERY_A_SOURCE_PAD]		= { "pad", ATTR_PAD },
	[SPIRECOVERY_A_SOURCE_FAMILY]		= { "family", ATTR_U8 },
	[SPIRECOVERY_A_SOURCE_ADDR4]		= { "addr4", ATTR_IPV4 },
	[SPIRECOVERY_A_SOURCE_ADDR6]		= { "addr6", ATTR_IPV6 },
	[SPIRECOVERY_A_SOURCE_PREFIX_LEN]	= { "prefix-len", ATTR_U8 },
	[SPIRECOVERY_A_SOURCE_TOKENS]		= { "tokens", ATTR_U32 },
	[SPIRECOVERY_A_SOURCE_SUPPRESSED]	= { "suppressed", ATTR_U32 },
	[SPIRECOVERY_A_SOURCE_MISSES]		= { "misses", ATTR_U64 },
	[SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS]	= { "last-seen-msecs", ATTR_U64 },
};

static const struct attr_desc event_descs[SPIRECOVERY_A_EVENT_MAX + 1] = {
	[SPIRECOVERY_A_EVENT_PAD]		= { "pad", ATTR_PAD },
	[SPIRECOVERY_A_EVENT_FAMILY]		= { "family", ATTR_U8 },
	[SPIRECOVERY_A_EVENT_PROTO]		= { "proto", ATTR_U8 },
	[SPIRECOVERY_A_EVENT_SADDR4]		= { "saddr4", ATTR_IPV4 },
	[SPIRECOVERY_A_EVENT_DADDR4]		= { "daddr4", ATTR_IPV4 },
	[SPIRECOVERY_A_EVENT_SADDR6]		= { "saddr6", ATTR_IPV6 },
	[SPIRECOVERY_A_EVENT_DADDR6]		= { "daddr6", ATTR_IPV6 },
	[SPIRECOVERY_A_EVENT_SPI]		= { "spi", ATTR_HEX32 },
	[SPIRECOVERY_A_EVENT_SEQ]		= { "seq", ATTR_U32 },
	[SPIRECOVERY_A_EVENT_ENCAP]		= { "encap", ATTR_U8 },
	[SPIRECOVERY_A_EVENT_SPORT]		= { "sport", ATTR_U16 },
	[SPIRECOVERY_A_EVENT_DPORT]		= { "dport", ATTR_U16 },
	[SPIRECOVERY_A_EVENT_IFINDEX]		= { "ifindex", ATTR_U32 },
	[SPIRECOVERY_A_EVENT_MARK]		= { "mark", ATTR_HEX32 },
	[SPIRECOVERY_A_EVENT_SUPPRESSED]	= { "suppressed", ATTR_U32 },
	[SPIRECOVERY_A_EVENT_TIMESTAMP]		= { "timestamp", ATTR_U64 },
};

const struct attr_set config_attrs = { "config", SPIRECOVERY_A_CONFIG_MAX, config_descs };
const struct attr_set stats_attrs = { "stats", SPIRECOVERY_A_STATS_MAX, stats_descs };
const struct attr_set source_attrs = { "source", SPIRECOVERY_A_SOURCE_MAX, source_descs };
const struct attr_set event_attrs = { "event", SPIRECOVERY_A_EVENT_MAX, event_descs };

int attr_kind_len(enum attr_kind kind)
{
	switch (kind) {
	case ATTR_U8:
		return 1;
	case ATTR_U16:
		return 2;
	case ATTR_U32:
	case ATTR_HEX32:
	case ATTR_IPV4:
		return 4;
	case ATTR_U64:
		return 8;
	case ATTR_IPV6:
		return 16;
	default:
		return 0;
	}
}

static void print_value(FILE *f, enum attr_kind kind, const void *p)
{
	char addr[INET6_ADDRSTRLEN];
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;

	switch (kind) {
	case ATTR_U8:
		fprintf(f, "%u", *(const uint8_t *)p);
		break;
	case ATTR_U16:
		memcpy(&u16, p, sizeof(u16));
		fprintf(f, "%u", u16);
		break;
	case ATTR_U32:
		memcpy(&u32, p, sizeof(u32));
		fprintf(f, "%" PRIu32, u32);
		break;
	case ATTR_HEX32:
		memcpy(&u32, p, sizeof(u32));
		fprintf(f, "0x%" PRIx32, u32);
		break;
	case ATTR_U64:
		memcpy(&u64, p, sizeof(u64));
		fprintf(f, "%" PRIu64, u64);
		break;
	case ATTR_IPV4:
		fputs(inet_ntop(AF_INET, p, addr, sizeof(addr)), f);
		break;
	case ATTR_IPV6:
		fputs(inet_ntop(AF_INET6, p, addr, sizeof(addr)), f);
		break;
	default:
		break;
	}
}

static void print_attr(FILE *f, const struct attr_set *set, const struct nlattr *a, bool *first)
{
	int type = nla_type_of(a), len = nla_payload_len(a);
	const unsigned char *p = nla_payload(a);
	const struct attr_desc *d = type <= set->max ? &set->attrs[type] : NULL;

	if (d && d->kind == ATTR_PAD)
		return;
	fputs(*first ? "" : " ", f);
	*first = false;
	if (!d || d->kind == ATTR_UNUSED) {
		fprintf(f, "attr%d=0x", type);
		for (int i = 0; i < len; i++)
			fprintf(f, "%02x", p[i]);
	} else if (len != attr_kind_len(d->kind)) {
		fprintf(f, "%s=badlen%d", d->name, len);
	} else {
		fprintf(f, "%s=", d->name);
		print_value(f, d->kind, p);
	}
}

void attrs_print(FILE *f, const struct attr_set *set, const struct nlattr *attrs, int len)
{
	const struct nlattr *a;
	bool first = true;
	int rem;

	/* Type order, not message order, so that tests can compare whole lines. */
	for (int type = 0; type <= set->max; type++)
		nla_for_each(a, attrs, len, rem)
			if (nla_type_of(a) == type)
				print_attr(f, set, a, &first);
	nla_for_each(a, attrs, len, rem)
		if (nla_type_of(a) > set->max)
			print_attr(f, set, a, &first);
	if (rem)
		fprintf(f, "%strailing=%d", first ? "" : " ", rem);
	fputc('\n', f);
}
