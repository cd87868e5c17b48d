/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the module supports (6.1 and later).
 * Also included first by the generated netlink-gen.c (see Kbuild), which
 * is written for the current genetlink API.
 */
#ifndef _SPIRECOVERY_COMPAT_H
#define _SPIRECOVERY_COMPAT_H

#include <net/genetlink.h>
#include <net/netlink.h>

/*
 * Joining a multicast group can require CAP_NET_ADMIN since 6.7 (and
 * 6.1.68 in the stable series).  Older kernels let anyone join.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define SPIRECOVERY_MCGRP_FLAGS	GENL_MCAST_CAP_NET_ADMIN
#else
#define SPIRECOVERY_MCGRP_FLAGS	0
#endif

/* Kbuild defines SPIRECOVERY_HAVE_* from the kernel's headers. */
#ifndef SPIRECOVERY_HAVE_SPLIT_OPS
/*
 * Split ops came in 6.2.  The generated table has one entry per command
 * (no command has both do and dump), which makes it a valid genl_ops table
 * too: the same members, plus GENL_CMD_CAP_* in flags, which 6.1 ignores
 * there and reports to the controller anyway.
 */
#define genl_split_ops genl_ops
/* The members of struct genl_family that take the table. */
#define SPIRECOVERY_FAMILY_OPS		ops
#define SPIRECOVERY_FAMILY_N_OPS	n_ops
#else
#define SPIRECOVERY_FAMILY_OPS		split_ops
#define SPIRECOVERY_FAMILY_N_OPS	n_split_ops
#endif

#ifndef SPIRECOVERY_HAVE_CONST_RANGE
/*
 * 6.1's struct nla_policy points at non-const ranges (6.12's at const
 * ones); the core only reads them, so the generated const ranges are
 * passed without the qualifier.
 */
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

#endif /* _SPIRECOVERY_COMPAT_H */
