// SPDX-License-Identifier: GPL-2.0
/*
 * The xfrm protocol shim.
 *
 * xfrm4/xfrm6 keep, per protocol, a list of handlers ordered by priority.
 * Ours comes first: its receive handlers decline every packet (-EINVAL
 * passes it to the next handler) and its error handler declines every ICMP
 * error.  xfrm_input() calls each handler's cb_handler on its way out; when
 * it dropped the packet, err is non-zero, and when the reason was a failed
 * SA lookup it has already thrown the secpath away.  Failures after a
 * successful lookup (ICV, replay, state) keep the secpath and are ignored.
 * vti and xfrm interfaces stop the callback chain on errors, which is why
 * the shim has to run before them.
 *
 * The callback runs under rcu_read_lock() with bottom halves disabled,
 * after netfilter's LOCAL_IN and reassembly.  The skb is parsed from its
 * network header: xfrm has set the transport header to the ESP or AH
 * header it looked up, and for ESP in UDP the UDP header sits right before
 * it.
 */

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kmod.h>
#include <linux/skbuff.h>
#include <linux/spirecovery.h>
#include <linux/udp.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/xfrm.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <net/ip6_tunnel.h>
#endif

#include "hook.h"
#include "miss.h"
#include "pernet.h"

/* Above vti (100), xfrm interfaces (10) and esp/ah themselves (0). */
#define SPIRECOVERY_SHIM_PRIORITY	0x7fff0000

static int shim_decline(struct sk_buff *skb)
{
	return -EINVAL;
}

static int shim_decline_input(struct sk_buff *skb, int nexthdr, __be32 spi,
			      int encap_type)
{
	return -EINVAL;
}

static bool sa_lookup_failed(const struct sk_buff *skb, int err)
{
	return unlikely(err) && !secpath_exists(skb);
}

static bool parse_spi(const struct sk_buff *skb, int offset,
		      struct spirecovery_miss *miss)
{
	if (miss->proto == IPPROTO_ESP) {
		const struct ip_esp_hdr *esph;
		struct ip_esp_hdr esph_buf;

		esph = skb_header_pointer(skb, offset, sizeof(esph_buf),
					  &esph_buf);
		if (!esph)
			return false;
		miss->spi = esph->spi;
		miss->seq = esph->seq_no;
	} else {
		const struct ip_auth_hdr *ah;
		struct ip_auth_hdr ah_buf;

		ah = skb_header_pointer(skb, offset, sizeof(ah_buf), &ah_buf);
		if (!ah)
			return false;
		miss->spi = ah->spi;
		miss->seq = ah->seq_no;
	}
	return true;
}

static bool parse_udp(const struct sk_buff *skb, int offset,
		      struct spirecovery_miss *miss)
{
	const struct udphdr *uh;
	struct udphdr uh_buf;

	uh = skb_header_pointer(skb, offset, sizeof(uh_buf), &uh_buf);
	if (!uh)
		return false;
	miss->encap = SPIRECOVERY_ENCAP_ESPINUDP;
	miss->sport = uh->source;
	miss->dport = uh->dest;
	return true;
}

/*
 * Offsets are relative to skb->data, which the stack has already moved to
 * the ESP or AH header: the headers in front of it have negative offsets,
 * and skb_header_pointer() reads them from the linear part of the skb.
 */
static bool parse_ipv4(const struct sk_buff *skb,
		       struct spirecovery_miss *miss)
{
	int nhoff = skb_network_offset(skb);
	int thoff = skb_transport_offset(skb);
	const struct iphdr *iph;
	struct iphdr iph_buf;
	int ihl;

	iph = skb_header_pointer(skb, nhoff, sizeof(iph_buf), &iph_buf);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return false;
	ihl = iph->ihl * 4;
	miss->saddr.v4 = iph->saddr;
	miss->daddr.v4 = iph->daddr;

	/* UDP stays the protocol of an ESP-in-UDP packet (RFC 3948). */
	if (iph->protocol == IPPROTO_UDP && miss->proto == IPPROTO_ESP) {
		if (thoff - nhoff != ihl + (int)sizeof(struct udphdr) ||
		    !parse_udp(skb, nhoff + ihl, miss))
			return false;
	} else if (thoff - nhoff != ihl) {
		return false;
	}
	return parse_spi(skb, thoff, miss);
}

/* vti looks SAs up by the tunnel's ikey instead of the packet's mark. */
static u32 ipv4_lookup_mark(const struct sk_buff *skb)
{
	const struct ip_tunnel *tunnel = XFRM_TUNNEL_SKB_CB(skb)->tunnel.ip4;

	return tunnel ? be32_to_cpu(tunnel->parms.i_key) : skb->mark;
}

static void ipv4_miss(struct sk_buff *skb, u8 proto)
{
	struct net *net = dev_net(skb->dev);
	struct spirecovery_miss miss = {
		.family = AF_INET,
		.proto = proto,
		.ifindex = skb->dev->ifindex,
		.mark = ipv4_lookup_mark(skb),
	};

	if (!parse_ipv4(skb, &miss)) {
		spirecovery_count(spirecovery_net(net),
				  SPIRECOVERY_A_STATS_MALFORMED);
		return;
	}
	spirecovery_miss_report(net, &miss);
}

static int esp4_shim_cb(struct sk_buff *skb, int err)
{
	if (sa_lookup_failed(skb, err))
		ipv4_miss(skb, IPPROTO_ESP);
	return 1;
}

static int ah4_shim_cb(struct sk_buff *skb, int err)
{
	if (sa_lookup_failed(skb, err))
		ipv4_miss(skb, IPPROTO_AH);
	return 1;
}

static int shim4_err(struct sk_buff *skb, u32 info)
{
	return -ENOENT;
}

/*
 * xfrm4_protocol_register() links the handler first and only then, for the
 * first handler of a protocol, claims the protocol's inet_protos slot.
 * When another module holds that slot the claim fails with -EAGAIN and the
 * handler stays linked: unlink it, or the list keeps pointing into the
 * module after a failed load frees it.  The deregistration's own attempt
 * to release the slot fails harmlessly (it belongs to the other module)
 * and logs "can't remove protocol".
 */
static int shim4_register(struct xfrm4_protocol *shim, unsigned char protocol)
{
	int err;

	err = xfrm4_protocol_register(shim, protocol);
	if (err == -EAGAIN) {
		pr_err("IPv4 protocol %u is taken by another handler\n",
		       protocol);
		xfrm4_protocol_deregister(shim, protocol);
	}
	return err;
}

static struct xfrm4_protocol esp4_shim = {
	.handler = shim_decline,
	.input_handler = shim_decline_input,
	.cb_handler = esp4_shim_cb,
	.err_handler = shim4_err,
	.priority = SPIRECOVERY_SHIM_PRIORITY,
};

static struct xfrm4_protocol ah4_shim = {
	.handler = shim_decline,
	.input_handler = shim_decline_input,
	.cb_handler = ah4_shim_cb,
	.err_handler = shim4_err,
	.priority = SPIRECOVERY_SHIM_PRIORITY,
};

#if IS_ENABLED(CONFIG_IPV6)
/*
 * Walks the extension headers from the fixed header to the ESP or AH
 * header xfrm looked up.  An AH before it belongs to an outer SA that
 * was already processed.
 */
static bool parse_ipv6(const struct sk_buff *skb,
		       struct spirecovery_miss *miss)
{
	int nhoff = skb_network_offset(skb);
	int thoff = skb_transport_offset(skb);
	const struct ipv6hdr *ip6h;
	struct ipv6hdr ip6h_buf;
	int offset;
	u8 nexthdr;

	ip6h = skb_header_pointer(skb, nhoff, sizeof(ip6h_buf), &ip6h_buf);
	if (!ip6h || ip6h->version != 6)
		return false;
	miss->saddr.v6 = ip6h->saddr;
	miss->daddr.v6 = ip6h->daddr;

	nexthdr = ip6h->nexthdr;
	offset = nhoff + sizeof(*ip6h);
	while (offset != thoff) {
		const struct ipv6_opt_hdr *hp;
		struct ipv6_opt_hdr hp_buf;

		if (nexthdr == IPPROTO_UDP && miss->proto == IPPROTO_ESP &&
		    offset + (int)sizeof(struct udphdr) == thoff)
			return parse_udp(skb, offset, miss) &&
			       parse_spi(skb, thoff, miss);
		if (offset > thoff)
			return false;

		hp = skb_header_pointer(skb, offset, sizeof(hp_buf), &hp_buf);
		if (!hp)
			return false;
		switch (nexthdr) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
			offset += ipv6_optlen(hp);
			break;
		case NEXTHDR_AUTH:
			offset += ipv6_authlen(hp);
			break;
		case NEXTHDR_FRAGMENT:
			offset += sizeof(struct frag_hdr);
			break;
		default:
			return false;
		}
		nexthdr = hp->nexthdr;
	}
	return parse_spi(skb, thoff, miss);
}

static u32 ipv6_lookup_mark(const struct sk_buff *skb)
{
	const struct ip6_tnl *tunnel = XFRM_TUNNEL_SKB_CB(skb)->tunnel.ip6;

	return tunnel ? be32_to_cpu(tunnel->parms.i_key) : skb->mark;
}

static void ipv6_miss(struct sk_buff *skb, u8 proto)
{
	struct net *net = dev_net(skb->dev);
	struct spirecovery_miss miss = {
		.family = AF_INET6,
		.proto = proto,
		.ifindex = skb->dev->ifindex,
		.mark = ipv6_lookup_mark(skb),
	};

	if (!parse_ipv6(skb, &miss)) {
		spirecovery_count(spirecovery_net(net),
				  SPIRECOVERY_A_STATS_MALFORMED);
		return;
	}
	spirecovery_miss_report(net, &miss);
}

static int esp6_shim_cb(struct sk_buff *skb, int err)
{
	if (sa_lookup_failed(skb, err))
		ipv6_miss(skb, IPPROTO_ESP);
	return 1;
}

static int ah6_shim_cb(struct sk_buff *skb, int err)
{
	if (sa_lookup_failed(skb, err))
		ipv6_miss(skb, IPPROTO_AH);
	return 1;
}

static int shim6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		     u8 type, u8 code, int offset, __be32 info)
{
	return -ENOENT;
}

static struct xfrm6_protocol esp6_shim = {
	.handler = shim_decline,
	.input_handler = shim_decline_input,
	.cb_handler = esp6_shim_cb,
	.err_handler = shim6_err,
	.priority = SPIRECOVERY_SHIM_PRIORITY,
};

static struct xfrm6_protocol ah6_shim = {
	.handler = shim_decline,
	.input_handler = shim_decline_input,
	.cb_handler = ah6_shim_cb,
	.err_handler = shim6_err,
	.priority = SPIRECOVERY_SHIM_PRIORITY,
};

/* As shim4_register(), for IPv6. */
static int shim6_register(struct xfrm6_protocol *shim, unsigned char protocol)
{
	int err;

	err = xfrm6_protocol_register(shim, protocol);
	if (err == -EAGAIN) {
		pr_err("IPv6 protocol %u is taken by another handler\n",
		       protocol);
		xfrm6_protocol_deregister(shim, protocol);
	}
	return err;
}

static int hook_ipv6_init(void)
{
	int err;

	err = shim6_register(&esp6_shim, IPPROTO_ESP);
	if (err)
		return err;
	err = shim6_register(&ah6_shim, IPPROTO_AH);
	if (err)
		goto unregister_esp6;
	return 0;

unregister_esp6:
	xfrm6_protocol_deregister(&esp6_shim, IPPROTO_ESP);
	return err;
}

static void hook_ipv6_exit(void)
{
	xfrm6_protocol_deregister(&ah6_shim, IPPROTO_AH);
	xfrm6_protocol_deregister(&esp6_shim, IPPROTO_ESP);
}
#else
static int hook_ipv6_init(void)
{
	return 0;
}

static void hook_ipv6_exit(void)
{
}
#endif

/*
 * The first handler registered for a protocol claims its inet_protos slot;
 * a shim alone there would take packets nobody decapsulates, which then get
 * ICMP port instead of protocol unreachable.  So the real handlers go first,
 * requested as the kernel requests them for an SA (esp4, ah4, esp6 and ah6
 * carry MODULE_ALIAS_XFRM_TYPE).  Unlike a soft dependency this leaves them
 * loaded when spirecovery is removed.  A protocol whose slot is taken gets
 * no request: a handler is there already, or another module holds the slot
 * and the real handler could not register (esp4 and the others then leave
 * theirs linked in the list, see Documentation/design.md).  A failed request
 * is no error: the kernel requests the handler again for the first SA.
 */
static void request_real_handlers(void)
{
	static const u8 protos[] = { IPPROTO_ESP, IPPROTO_AH };
	int failed = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		if (!rcu_access_pointer(inet_protos[protos[i]]) &&
		    request_module("xfrm-type-%d-%d", AF_INET, protos[i]))
			failed++;
#if IS_ENABLED(CONFIG_IPV6)
		if (!rcu_access_pointer(inet6_protos[protos[i]]) &&
		    request_module("xfrm-type-%d-%d", AF_INET6, protos[i]))
			failed++;
#endif
	}
	if (failed)
		pr_info("%d of esp4, ah4, esp6 and ah6 could not be loaded; their protocols get ICMP port unreachable until an SA loads them\n",
			failed);
}

/**
 * spirecovery_hook_init() - insert the shim in front of the ESP and AH
 *	handlers of both families
 *
 * Return: 0 or a negative error code; nothing stays registered on error.
 */
int spirecovery_hook_init(void)
{
	int err;

	request_real_handlers();
	err = shim4_register(&esp4_shim, IPPROTO_ESP);
	if (err)
		return err;
	err = shim4_register(&ah4_shim, IPPROTO_AH);
	if (err)
		goto unregister_esp4;
	err = hook_ipv6_init();
	if (err)
		goto unregister_ah4;
	return 0;

unregister_ah4:
	xfrm4_protocol_deregister(&ah4_shim, IPPROTO_AH);
unregister_esp4:
	xfrm4_protocol_deregister(&esp4_shim, IPPROTO_ESP);
	return err;
}

/**
 * spirecovery_hook_exit() - remove the shim
 *
 * Each deregistration waits for an RCU grace period, so no callback is
 * running or will run once this returns.
 */
void spirecovery_hook_exit(void)
{
	hook_ipv6_exit();
	xfrm4_protocol_deregister(&ah4_shim, IPPROTO_AH);
	xfrm4_protocol_deregister(&esp4_shim, IPPROTO_ESP);
}
