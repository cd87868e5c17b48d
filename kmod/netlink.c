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
#include <linux/mm.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "miss.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "peers.h"
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

	spirecovery_table_walk(sn, &limit, &cursor, fill_source, &dump);
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

	spirecovery_table_flush(sn);
	return 0;
}

/*
 * Semantic checks the policy cannot make: one address, a prefix length
 * that fits its family, no bits set past it.
 */
static int peer_parse(const struct nlattr *nest, struct spirecovery_peer *peer,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SPIRECOVERY_A_PEER_MAX + 1];
	const struct nlattr *addr, *len;
	union spirecovery_addr masked;
	int err;

	err = nla_parse_nested(tb, SPIRECOVERY_A_PEER_MAX, nest,
			       spirecovery_peer_nl_policy, extack);
	if (err)
		return err;

	memset(peer, 0, sizeof(*peer));
	len = tb[SPIRECOVERY_A_PEER_PREFIX_LEN];
	if (tb[SPIRECOVERY_A_PEER_ADDR4] && !tb[SPIRECOVERY_A_PEER_ADDR6]) {
		addr = tb[SPIRECOVERY_A_PEER_ADDR4];
		peer->family = AF_INET;
		peer->prefix_len = len ? nla_get_u8(len) : 32;
		if (peer->prefix_len > 32) {
			NL_SET_ERR_MSG_ATTR(extack, len,
					    "prefix-len of an IPv4 peer is out of range 0..32");
			return -EINVAL;
		}
		peer->addr.v4 = nla_get_in_addr(addr);
	} else if (tb[SPIRECOVERY_A_PEER_ADDR6] &&
		   !tb[SPIRECOVERY_A_PEER_ADDR4]) {
		addr = tb[SPIRECOVERY_A_PEER_ADDR6];
		peer->family = AF_INET6;
		peer->prefix_len = len ? nla_get_u8(len) : 128;
		peer->addr.v6 = nla_get_in6_addr(addr);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a peer needs exactly one of addr4 and addr6");
		return -EINVAL;
	}
	spirecovery_addr_prefix(&masked, peer->family, &peer->addr,
				peer->prefix_len);
	if (memcmp(&masked, &peer->addr, sizeof(masked))) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "address has bits set past its prefix-len");
		return -EINVAL;
	}
	return 0;
}

/**
 * struct peer_request - the peers of a PEER_SET, PEER_ADD or PEER_DEL
 * @peers: the peers, validated and masked
 * @attrs: the attribute each peer came from, to point the extack at
 * @n: number of peers
 */
struct peer_request {
	struct spirecovery_peer *peers;
	const struct nlattr **attrs;
	unsigned int n;
};

static void peer_request_free(struct peer_request *req)
{
	kvfree(req->peers);
	kvfree(req->attrs);
}

/*
 * PEERS_PEER is a top-level multi-attr: a nest of 65536 peers would not fit
 * an attribute's 16-bit length, a message does.
 */
static int peer_request_parse(struct genl_info *info, struct peer_request *req)
{
	const struct nlattr *attr;
	unsigned int n = 0;
	int rem, err;

	memset(req, 0, sizeof(*req));
	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(attr) != SPIRECOVERY_A_PEERS_PEER)
			continue;
		if (n == spirecovery_max_peers) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "more peers than the module parameter peers allows");
			return -ENOSPC;
		}
		n++;
	}
	if (!n)
		return 0;

	req->peers = kvmalloc_array(n, sizeof(*req->peers), GFP_KERNEL);
	req->attrs = kvmalloc_array(n, sizeof(*req->attrs), GFP_KERNEL);
	if (!req->peers || !req->attrs) {
		peer_request_free(req);
		return -ENOMEM;
	}
	nla_for_each_attr(attr, genlmsg_data(info->genlhdr),
			  genlmsg_len(info->genlhdr), rem) {
		if (nla_type(attr) != SPIRECOVERY_A_PEERS_PEER)
			continue;
		err = peer_parse(attr, &req->peers[req->n], info->extack);
		if (err) {
			peer_request_free(req);
			return err;
		}
		req->attrs[req->n++] = attr;
	}
	return 0;
}

static void peer_error(struct genl_info *info, const struct peer_request *req,
		       int err, unsigned int bad)
{
	const struct nlattr *attr = bad < req->n ? req->attrs[bad] : NULL;

	switch (err) {
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "peer is already in the set or listed twice");
		break;
	case -ENOENT:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "peer is not in the set or listed twice");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "the set would hold more peers than the module parameter peers allows");
		break;
	}
}

static int peer_doit(struct genl_info *info,
		     int (*op)(struct spirecovery_net *sn,
			       const struct spirecovery_peer *peers,
			       unsigned int n, unsigned int *bad))
{
	struct spirecovery_net *sn = spirecovery_net(genl_info_net(info));
	struct peer_request req;
	unsigned int bad = 0;
	int err;

	err = peer_request_parse(info, &req);
	if (err)
		return err;
	err = op(sn, req.peers, req.n, &bad);
	if (err)
		peer_error(info, &req, err, bad);
	peer_request_free(&req);
	return err;
}

/**
 * spirecovery_nl_peer_set_doit() - PEER_SET: replace the namespace's peers
 * @skb: the request
 * @info: the request's attributes, already checked against the policy
 *
 * Return: 0 or a negative error code, with the set unchanged.
 */
int spirecovery_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	return peer_doit(info, spirecovery_peers_replace);
}

/**
 * spirecovery_nl_peer_add_doit() - PEER_ADD: add peers to the namespace's set
 * @skb: the request
 * @info: the request's attributes, already checked against the policy
 *
 * Return: 0 or a negative error code, with the set unchanged.
 */
int spirecovery_nl_peer_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return peer_doit(info, spirecovery_peers_add);
}

/**
 * spirecovery_nl_peer_del_doit() - PEER_DEL: remove peers from the
 *	namespace's set
 * @skb: the request
 * @info: the request's attributes, already checked against the policy
 *
 * Return: 0 or a negative error code, with the set unchanged.
 */
int spirecovery_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return peer_doit(info, spirecovery_peers_del);
}

static int fill_peer(struct sk_buff *skb, const struct spirecovery_peer *peer)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, SPIRECOVERY_A_PEERS_PEER);
	if (!nest)
		return -EMSGSIZE;
	if ((peer->family == AF_INET ?
	     nla_put_in_addr(skb, SPIRECOVERY_A_PEER_ADDR4,
			     peer->addr.v4) :
	     nla_put_in6_addr(skb, SPIRECOVERY_A_PEER_ADDR6, &peer->addr.v6)) ||
	    nla_put_u8(skb, SPIRECOVERY_A_PEER_PREFIX_LEN, peer->prefix_len)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * spirecovery_nl_peer_get_dumpit() - PEER_GET: dump the namespace's peers
 * @skb: the message to fill
 * @cb: the dump's state; args[0] holds the index of the next peer
 *
 * Each message carries as many peers as fit.  A write between two parts
 * of the dump sets NLM_F_DUMP_INTR, as the set's generation changed.
 *
 * Return: the length of @skb, 0 once every peer has been sent.
 */
int spirecovery_nl_peer_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct spirecovery_net *sn = spirecovery_net(sock_net(cb->skb->sk));
	const struct spirecovery_peer_set *set;
	unsigned long i = cb->args[0];
	void *hdr;

	rcu_read_lock();
	set = rcu_dereference(sn->peers);
	cb->seq = set->generation;
	if (i >= set->count)
		goto out;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &spirecovery_genl_family, NLM_F_MULTI,
			  SPIRECOVERY_CMD_PEER_GET);
	if (!hdr)
		goto out;
	genl_dump_check_consistent(cb, hdr);
	for (; i < set->count; i++)
		if (fill_peer(skb, &set->peers[i]))
			break;
	genlmsg_end(skb, hdr);
	cb->args[0] = i;
out:
	rcu_read_unlock();
	return skb->len;
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
	/* Each handler locks what it changes; see Documentation/design.md. */
	.parallel_ops = true,
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
