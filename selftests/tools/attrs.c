// SPDX-License-Identifier: GPL-2.0
/*
 * The spirecovery attribute sets as the selftests print them; the sets are
 * generated from the spec (attrs-gen.c).
 */
#include "attrs.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <linux/spirecovery.h>

#include "nl.h"

static void print_hex(FILE *f, const unsigned char *p, int len)
{
	fputs("0x", f);
	for (int i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

static void print_value(FILE *f, enum attr_kind kind, const void *p, int len)
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
	case ATTR_STRING:
		fprintf(f, "%.*s", len, (const char *)p);
		break;
	case ATTR_BINARY:
	case ATTR_NEST:
		print_hex(f, p, len);
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
	enum attr_kind kind;

	if (d && d->kind == ATTR_PAD)
		return;
	fputs(*first ? "" : " ", f);
	*first = false;
	if (!d || d->kind == ATTR_UNUSED) {
		fprintf(f, "attr%d=", type);
		print_hex(f, p, len);
		return;
	}
	if (d->kind == ATTR_FLAG ? len != 0 : d->len && len != d->len) {
		fprintf(f, "%s=badlen%d", d->name, len);
		return;
	}
	if (d->kind == ATTR_FLAG) {
		fputs(d->name, f);
		return;
	}
	/* A mark is a bit mask: in hex, as ip xfrm shows it. */
	kind = set == &event_attrs && type == SPIRECOVERY_A_EVENT_MARK ? ATTR_HEX32 : d->kind;
	fprintf(f, "%s=", d->name);
	print_value(f, kind, p, len);
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
