// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/spirecovery.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/spirecovery.h>

/* Integer value ranges */
static const struct netlink_range_validation spirecovery_a_config_source_rate_range = {
	.min	= 1ULL,
	.max	= SPIRECOVERY_RATE_MAX,
};

static const struct netlink_range_validation spirecovery_a_config_source_burst_range = {
	.min	= 1ULL,
	.max	= SPIRECOVERY_BURST_MAX,
};

static const struct netlink_range_validation spirecovery_a_config_global_rate_range = {
	.min	= 1ULL,
	.max	= SPIRECOVERY_RATE_MAX,
};

static const struct netlink_range_validation spirecovery_a_config_global_burst_range = {
	.min	= 1ULL,
	.max	= SPIRECOVERY_BURST_MAX,
};

/* Common nested types */
const struct nla_policy spirecovery_peer_nl_policy[SPIRECOVERY_A_PEER_PREFIX_LEN + 1] = {
	[SPIRECOVERY_A_PEER_ADDR4] = { .type = NLA_U32, },
	[SPIRECOVERY_A_PEER_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[SPIRECOVERY_A_PEER_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

/* SPIRECOVERY_CMD_SET_CONFIG - do */
static const struct nla_policy spirecovery_set_config_nl_policy[SPIRECOVERY_A_CONFIG_IPV6_PREFIX + 1] = {
	[SPIRECOVERY_A_CONFIG_ENABLED] = NLA_POLICY_RANGE(NLA_U8, 0, 1),
	[SPIRECOVERY_A_CONFIG_SOURCE_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &spirecovery_a_config_source_rate_range),
	[SPIRECOVERY_A_CONFIG_SOURCE_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &spirecovery_a_config_source_burst_range),
	[SPIRECOVERY_A_CONFIG_GLOBAL_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &spirecovery_a_config_global_rate_range),
	[SPIRECOVERY_A_CONFIG_GLOBAL_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &spirecovery_a_config_global_burst_range),
	[SPIRECOVERY_A_CONFIG_IPV6_PREFIX] = NLA_POLICY_RANGE(NLA_U8, 1, 128),
};

/* SPIRECOVERY_CMD_PEER_SET - do */
static const struct nla_policy spirecovery_peer_set_nl_policy[SPIRECOVERY_A_PEERS_PEER + 1] = {
	[SPIRECOVERY_A_PEERS_PEER] = NLA_POLICY_NESTED(spirecovery_peer_nl_policy),
};

/* SPIRECOVERY_CMD_PEER_ADD - do */
static const struct nla_policy spirecovery_peer_add_nl_policy[SPIRECOVERY_A_PEERS_PEER + 1] = {
	[SPIRECOVERY_A_PEERS_PEER] = NLA_POLICY_NESTED(spirecovery_peer_nl_policy),
};

/* SPIRECOVERY_CMD_PEER_DEL - do */
static const struct nla_policy spirecovery_peer_del_nl_policy[SPIRECOVERY_A_PEERS_PEER + 1] = {
	[SPIRECOVERY_A_PEERS_PEER] = NLA_POLICY_NESTED(spirecovery_peer_nl_policy),
};

/* Ops table for spirecovery */
const struct genl_split_ops spirecovery_nl_ops[9] = {
	{
		.cmd	= SPIRECOVERY_CMD_GET_CONFIG,
		.doit	= spirecovery_nl_get_config_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SPIRECOVERY_CMD_SET_CONFIG,
		.doit		= spirecovery_nl_set_config_doit,
		.policy		= spirecovery_set_config_nl_policy,
		.maxattr	= SPIRECOVERY_A_CONFIG_IPV6_PREFIX,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SPIRECOVERY_CMD_GET_STATS,
		.doit	= spirecovery_nl_get_stats_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SPIRECOVERY_CMD_GET_SOURCE,
		.dumpit	= spirecovery_nl_get_source_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= SPIRECOVERY_CMD_FLUSH_SOURCES,
		.doit	= spirecovery_nl_flush_sources_doit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SPIRECOVERY_CMD_PEER_SET,
		.doit		= spirecovery_nl_peer_set_doit,
		.policy		= spirecovery_peer_set_nl_policy,
		.maxattr	= SPIRECOVERY_A_PEERS_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SPIRECOVERY_CMD_PEER_ADD,
		.doit		= spirecovery_nl_peer_add_doit,
		.policy		= spirecovery_peer_add_nl_policy,
		.maxattr	= SPIRECOVERY_A_PEERS_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SPIRECOVERY_CMD_PEER_DEL,
		.doit		= spirecovery_nl_peer_del_doit,
		.policy		= spirecovery_peer_del_nl_policy,
		.maxattr	= SPIRECOVERY_A_PEERS_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SPIRECOVERY_CMD_PEER_GET,
		.dumpit	= spirecovery_nl_peer_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group spirecovery_nl_mcgrps[] = {
	[SPIRECOVERY_NLGRP_EVENTS] = { "events", },
};
