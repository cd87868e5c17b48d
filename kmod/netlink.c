// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "spirecovery", as specified in
 * Documentation/netlink/specs/spirecovery.yaml.
 *
 * Every command acts on the network namespace of the requesting socket and
 * needs CAP_NET_ADMIN over the user namespace owning it.  The ops table
 * and the SET_CONFIG policy with the spec's ranges are generated from the
 * spec into netlink-gen.c; the core checks the ranges before the handler
 * runs, and its extack points at the bad attribute and carries its range.
 * With resv_start_op 0 the core also rejects unknown attributes,
 * attributes a command does not take and flags in the reserved header
 * byte.
 */

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/spirecovery.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "miss.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "pernet.h"
#include "ratelimit.h"

static struct genl_family spirecovery_genl_family;

/**
 * spirecovery_nl_get_config_doit() - GET_CONFIG: reply with the namespace's
 *	configuration
 * @skb: the request
 * @info: the request's attributes and extack
 *
 * Return: 0 or a negative error code.
 */
int spirecovery_nl_get_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spirecovery_net *sn = spirecovery_net(genl_info_net(info));
	struct spirecovery_settings settings;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(2 * nla_total_size(sizeof(u8)) +
			  4 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &spirecovery_genl_family, 0,
				SPIRECOVERY_CMD_GET_CONFIG);
	if (!hdr)
		goto nla_put_failure;

	spirecovery_settings_get(sn, &settings);
	if (nla_put_u8(msg, SPIRECOVERY_A_CONFIG_ENABLED, settings.enabled) ||
	    nla_put_u32(msg, SPIRECOVERY_A_CONFIG_SOURCE_RATE,
			settings.source_rate) ||
	    nla_put_u32(msg, SPIRECOVERY_A_CONFIG_SOURCE_BURST,
			settings.source_burst) ||
	    nla_put_u32(msg, SPIRECOVERY_A_CONFIG_GLOBAL_RATE,
			settings.global_rate) ||
	    nla_put_u32(msg, SPIRECOVERY_A_CONFIG_GLOBAL_BURST,
			settings.global_burst) ||
	    nla_put_u8(msg, SPIRECOVERY_A_CONFIG_IPV6_PREFIX,
		       settings.ipv6_prefix))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * spirecovery_nl_set_config_doit() - SET_CONFIG: change the given values
 * @skb: the request
 * @info: the request's attributes, already checked against the policy
 *
 * The policy has checked every value before the handler runs: a request
 * changes all or nothing.
 *
 * Return: 0 or a negative error code.
 */
int spirecovery_nl_set_config_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spirecovery_net *sn = spirecovery_net(genl_info_net(info));
	struct spirecovery_settings settings;
	struct nlattr **attrs = info->attrs;
	int err;

	mutex_lock(&sn->config_lock);
	spirecovery_settings_get(sn, &settings);
	if (attrs[SPIRECOVERY_A_CONFIG_ENABLED])
		settings.enabled = nla_get_u8(attrs[SPIRECOVERY_A_CONFIG_ENABLED]);
	if (attrs[SPIRECOVERY_A_CONFIG_SOURCE_RATE])
		settings.source_rate =
			nla_get_u32(attrs[SPIRECOVERY_A_CONFIG_SOURCE_RATE]);
	if (attrs[SPIRECOVERY_A_CONFIG_SOURCE_BURST])
		settings.source_burst =
			nla_get_u32(attrs[SPIRECOVERY_A_CONFIG_SOURCE_BURST]);
	if (attrs[SPIRECOVERY_A_CONFIG_GLOBAL_RATE])
		settings.global_rate =
			nla_get_u32(attrs[SPIRECOVERY_A_CONFIG_GLOBAL_RATE]);
	if (attrs[SPIRECOVERY_A_CONFIG_GLOBAL_BURST])
		settings.global_burst =
			nla_get_u32(attrs[SPIRECOVERY_A_CONFIG_GLOBAL_BURST]);
	if (attrs[SPIRECOVERY_A_CONFIG_IPV6_PREFIX])
		settings.ipv6_prefix =
			nla_get_u8(attrs[SPIRECOVERY_A_CONFIG_IPV6_PREFIX]);
	err = spirecovery_settings_set(sn, &settings);
	mutex_unlock(&sn->config_lock);
	return err;
}

/**
 * spirecovery_nl_get_stats_doit() - GET_STATS: reply with the namespace's
 *	counters
 * @skb: the request
 * @info: the request's attributes and extack
 *
 * Return: 0 or a negative error code.
 */
int spirecovery_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spirecovery_net *sn = spirecovery_net(genl_info_net(info));
	u64 counters[SPIRECOVERY_NR_COUNTERS];
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(SPIRECOVERY_NR_COUNTERS *
			  nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &spirecovery_genl_family, 0,
				SPIRECOVERY_CMD_GET_STATS);
	if (!hdr)
		goto nla_put_failure;

	spirecovery_stats_read(sn, counters);
	for (i = 0; i < SPIRECOVERY_NR_COUNTERS; i++)
		if (nla_put_u64_64bit(msg, SPIRECOVERY_FIRST_COUNTER + i,
				      counters[i], SPIRECOVERY_A_STATS_PAD))
			goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

struct source_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static int fill_source(const struct spirecovery_source_info *src, void *arg)
{
	struct source_dump *dump = arg;
	struct sk_buff *skb = dump->skb;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(dump->cb->skb).portid,
			  dump->cb->nlh->nlmsg_seq, &spirecovery_genl_family,
			  NLM_F_MULTI, SPIRECOVERY_CMD_GET_SOURCE);
	if (!hdr)
		return -EMSGSIZE;

	if (nla_put_u8(skb, SPIRECOVERY_A_SOURCE_FAMILY, src->family) ||
	    (src->family == AF_INET ?
	     nla_put_in_addr(skb, SPIRECOVERY_A_SOURCE_ADDR4, src->addr.v4) :
	     nla_put_in6_addr(skb, SPIRECOVERY_A_SOURCE_ADDR6,
			      &src->addr.v6)) ||
	    nla_put_u8(skb, SPIRECOVERY_A_SOURCE_PREFIX_LEN, src->prefix_len) ||
	    nla_put_u32(skb, SPIRECOVERY_A_SOURCE_TOKENS, src->tokens) ||
	    nla_put_u32(skb, SPIRECOVERY_A_SOURCE_SUPPRESSED, src->suppressed) ||
	    nla_put_u64_64bit(skb, SPIRECOVERY_A_SOURCE_MISSES, src->misses,
			      SPIRECOVERY_A_SOURCE_PAD) ||
	    nla_put_u64_64bit(skb, SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS,
			      div_u64(src->idle_ns, NSEC_PER_MSEC),
			      SPIRECOVERY_A_SOURCE_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}

	genlmsg_end(skb, hdr);
	return 0;
}

/**
 * spirecovery_nl_get_source_dumpit() - GET_SOURCE: dump the namespace's
 *	entries of the source table
 * @skb: the message to fill
 * @cb: the dump's state; args[0] and [1] hold the table cursor between calls
 *
 * Return: the length of @skb, 0 once the table has been walked.
 */
int spirecovery_nl_get_source_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct spirecovery_net *sn = spirecovery_net(sock_net(cb->skb->sk));
	struct spirecovery_table_cursor cursor = {
		.set = cb->args[0],
		.way = cb->args[1],
	};
	struct source_dump dump = { .skb = skb, .cb = cb };
	struct spirecovery_limit limit;

	rcu_read_lock();
	limit = rcu_dereference(sn->config)->source_limit;
	rcu_read_unlock();

	spirecovery_table_walk(sn->cookie, &limit, &cursor, fill_source, &dump);
	cb->args[0] = cursor.set;
	cb->args[1] = cursor.way;
	return skb->len;
}

/**
 * spirecovery_nl_flush_sources_doit() - FLUSH_SOURCES: empty the namespace's
 *	entries of the source table
 * @skb: the request
 * @info: the request's attributes and extack
 *
 * Return: 0.
 */
int spirecovery_nl_flush_sources_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct spirecovery_net *sn = spirecovery_net(genl_info_net(info));

	spirecovery_table_flush(sn->cookie);
	return 0;
}

/*
 * The generator of 6.12 does not render a group's flags: the groups are
 * defined here, with the CAP_NET_ADMIN requirement of the spec's
 * uns-admin-perm on the events group.
 */
static const struct genl_multicast_group spirecovery_genl_mcgrps[] = {
	[SPIRECOVERY_NLGRP_EVENTS] = {
		.name = SPIRECOVERY_MCGRP_EVENTS,
		.flags = SPIRECOVERY_MCGRP_FLAGS,
	},
};

static struct genl_family spirecovery_genl_family __ro_after_init = {
	.name = SPIRECOVERY_FAMILY_NAME,
	.version = SPIRECOVERY_FAMILY_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.SPIRECOVERY_FAMILY_OPS = spirecovery_nl_ops,
	.SPIRECOVERY_FAMILY_N_OPS = ARRAY_SIZE(spirecovery_nl_ops),
	.resv_start_op = 0,
	.mcgrps = spirecovery_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(spirecovery_genl_mcgrps),
};

static size_t miss_msg_size(void)
{
	return 3 * nla_total_size(sizeof(u8)) +		/* family proto encap */
	       2 * nla_total_size(sizeof(struct in6_addr)) +	/* addresses */
	       5 * nla_total_size(sizeof(u32)) +	/* spi seq ifindex mark
							 * suppressed
							 */
	       2 * nla_total_size(sizeof(u16)) +	/* ports */
	       nla_total_size_64bit(sizeof(u64));	/* timestamp */
}

static int fill_miss(struct sk_buff *msg, const struct spirecovery_miss *miss,
		     u32 suppressed)
{
	if (nla_put_u8(msg, SPIRECOVERY_A_EVENT_FAMILY, miss->family) ||
	    nla_put_u8(msg, SPIRECOVERY_A_EVENT_PROTO, miss->proto))
		return -EMSGSIZE;

	if (miss->family == AF_INET) {
		if (nla_put_in_addr(msg, SPIRECOVERY_A_EVENT_SADDR4,
				    miss->saddr.v4) ||
		    nla_put_in_addr(msg, SPIRECOVERY_A_EVENT_DADDR4,
				    miss->daddr.v4))
			return -EMSGSIZE;
	} else {
		if (nla_put_in6_addr(msg, SPIRECOVERY_A_EVENT_SADDR6,
				     &miss->saddr.v6) ||
		    nla_put_in6_addr(msg, SPIRECOVERY_A_EVENT_DADDR6,
				     &miss->daddr.v6))
			return -EMSGSIZE;
	}

	if (nla_put_u32(msg, SPIRECOVERY_A_EVENT_SPI, ntohl(miss->spi)) ||
	    nla_put_u32(msg, SPIRECOVERY_A_EVENT_SEQ, ntohl(miss->seq)) ||
	    nla_put_u8(msg, SPIRECOVERY_A_EVENT_ENCAP, miss->encap))
		return -EMSGSIZE;

	if (miss->encap != SPIRECOVERY_ENCAP_NONE &&
	    (nla_put_u16(msg, SPIRECOVERY_A_EVENT_SPORT, ntohs(miss->sport)) ||
	     nla_put_u16(msg, SPIRECOVERY_A_EVENT_DPORT, ntohs(miss->dport))))
		return -EMSGSIZE;

	if (nla_put_u32(msg, SPIRECOVERY_A_EVENT_IFINDEX, miss->ifindex) ||
	    nla_put_u32(msg, SPIRECOVERY_A_EVENT_MARK, miss->mark) ||
	    nla_put_u32(msg, SPIRECOVERY_A_EVENT_SUPPRESSED, suppressed) ||
	    nla_put_u64_64bit(msg, SPIRECOVERY_A_EVENT_TIMESTAMP,
			      ktime_get_real_ns(), SPIRECOVERY_A_EVENT_PAD))
		return -EMSGSIZE;

	return 0;
}

/**
 * spirecovery_nl_notify_miss() - send a miss event to the namespace's
 *	"events" group
 * @net: namespace the packet was received in
 * @miss: what the packet carried
 * @suppressed: misses of the same source not reported since its last event
 *
 * Context: any context that may not sleep; must not hold the table lock.
 * Return: 0 when sent, -ESRCH when nobody listens, another negative error
 * code (-ENOBUFS when every listener's queue was full) when the message
 * could not be built or delivered.
 */
int spirecovery_nl_notify_miss(struct net *net,
			       const struct spirecovery_miss *miss,
			       u32 suppressed)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!genl_has_listeners(&spirecovery_genl_family, net,
				SPIRECOVERY_NLGRP_EVENTS))
		return -ESRCH;

	msg = genlmsg_new(miss_msg_size(), GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &spirecovery_genl_family, 0,
			  SPIRECOVERY_CMD_MISS_NTF);
	if (!hdr) {
		err = -EMSGSIZE;
		goto free_msg;
	}
	err = fill_miss(msg, miss, suppressed);
	if (err)
		goto free_msg;
	genlmsg_end(msg, hdr);

	err = genlmsg_multicast_netns(&spirecovery_genl_family, net, msg, 0,
				      SPIRECOVERY_NLGRP_EVENTS, GFP_ATOMIC);
	/*
	 * There were listeners a moment ago, so -ESRCH here means that every
	 * one of them had a full receive queue: the event was lost, not unwanted.
	 */
	return err == -ESRCH ? -ENOBUFS : err;

free_msg:
	nlmsg_free(msg);
	return err;
}

/**
 * spirecovery_nl_init() - register the generic netlink family
 *
 * Return: 0 or a negative error code.
 */
int spirecovery_nl_init(void)
{
	return genl_register_family(&spirecovery_genl_family);
}

/**
 * spirecovery_nl_exit() - unregister the generic netlink family
 */
void spirecovery_nl_exit(void)
{
	genl_unregister_family(&spirecovery_genl_family);
}
