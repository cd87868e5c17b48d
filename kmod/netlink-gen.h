/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/spirecovery.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_SPIRECOVERY_GEN_H
#define _LINUX_SPIRECOVERY_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/spirecovery.h>

/* Common nested types */
extern const struct nla_policy spirecovery_peer_nl_policy[SPIRECOVERY_A_PEER_PREFIX_LEN + 1];

/* Ops table for spirecovery */
extern const struct genl_split_ops spirecovery_nl_ops[9];

int spirecovery_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info);
int spirecovery_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info);
int spirecovery_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info);
int spirecovery_nl_get_source_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb);
int spirecovery_nl_flush_sources_doit(struct sk_buff *skb,
				      struct genl_info *info);
int spirecovery_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info);
int spirecovery_nl_peer_add_doit(struct sk_buff *skb, struct genl_info *info);
int spirecovery_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info);
int spirecovery_nl_peer_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);

enum {
	SPIRECOVERY_NLGRP_EVENTS,
};

#endif /* _LINUX_SPIRECOVERY_GEN_H */
