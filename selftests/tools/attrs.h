/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spirecovery attribute sets as the selftests print them: one
 * "name=value" per attribute, names as in the YNL spec. The sets themselves
 * (config_attrs...) are generated from the spec into attrs-gen.[ch].
 */
#ifndef SPIRECOVERY_SELFTESTS_ATTRS_H
#define SPIRECOVERY_SELFTESTS_ATTRS_H

#include <stdio.h>

#include <linux/netlink.h>

/* The spec's type, refined by its display hint. */
enum attr_kind {
	ATTR_UNUSED,	/* no attribute of this type exists */
	ATTR_PAD,
	ATTR_FLAG,
	ATTR_U8,
	ATTR_U16,
	ATTR_U32,
	ATTR_U64,
	ATTR_HEX32,	/* u32 shown as 0x... (SPI) */
	ATTR_IPV4,	/* 4 bytes, network byte order */
	ATTR_IPV6,	/* 16 bytes */
	ATTR_BINARY,	/* shown in hex */
	ATTR_STRING,
	ATTR_NEST,	/* shown in hex */
};

struct attr_desc {
	const char *name;
	enum attr_kind kind;
	int len;	/* exact payload length, 0 for none or any */
};

struct attr_set {
	const char *name;
	int max;
	const struct attr_desc *attrs;	/* indexed by attribute type, 0..max */
};

#include "attrs-gen.h"

/*
 * Print the attributes of one message on one line, in type order; pads are
 * skipped, unknown types print as attr<N>=0x<hex>, wrong lengths as
 * name=badlen<N> so that a comparison in a test fails visibly.
 */
void attrs_print(FILE *f, const struct attr_set *set, const struct nlattr *attrs, int len);

#endif /* SPIRECOVERY_SELFTESTS_ATTRS_H */
