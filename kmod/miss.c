// SPDX-License-Identifier: GPL-2.0
/*
 * What happens to a miss the shim saw: it is counted, and when recovery is
 * enabled, the source is a peer (or no peers are set) and the rate limits
 * allow, logged and sent as an event.
 */

#include <linux/errno.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/net.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <linux/spirecovery.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "miss.h"
#include "netlink.h"
#include "peers.h"
#include "pernet.h"
#include "ratelimit.h"

/**
 * spirecovery_addr_prefix() - an address masked to a prefix
 * @dst: the masked address; the bytes past an IPv4 address are zero, so
 *	that keys holding it compare and hash as bytes
 * @family: AF_INET or AF_INET6
 * @src: the address
 * @len: the prefix length, at most 32 for IPv4 and 128 for IPv6
 *
 * Context: any.
 */
void spirecovery_addr_prefix(union spirecovery_addr *dst, u8 family,
			     const union spirecovery_addr *src, u8 len)
{
	if (family == AF_INET) {
		memset(dst, 0, sizeof(*dst));
		dst->v4 = src->v4 & inet_make_mask(len);
	} else {
		ipv6_addr_prefix(&dst->v6, &src->v6, len);
	}
}

static int miss_counter(const struct spirecovery_miss *miss)
{
	bool udp = miss->encap != SPIRECOVERY_ENCAP_NONE;

	if (miss->family == AF_INET) {
		if (miss->proto == IPPROTO_AH)
			return SPIRECOVERY_A_STATS_MISS_IPV4_AH;
		return udp ? SPIRECOVERY_A_STATS_MISS_IPV4_ESP_UDP :
			     SPIRECOVERY_A_STATS_MISS_IPV4_ESP;
	}
	if (miss->proto == IPPROTO_AH)
		return SPIRECOVERY_A_STATS_MISS_IPV6_AH;
	return udp ? SPIRECOVERY_A_STATS_MISS_IPV6_ESP_UDP :
		     SPIRECOVERY_A_STATS_MISS_IPV6_ESP;
}

/*
 * In the words of the Cisco message operators already grep for, with the SPI
 * as ip xfrm prints it (0x%08x, the form of every spirecovery tool).  The rate
 * limits bound it per source and per namespace; net_ratelimit() bounds the
 * sum over all namespaces, whose limits their own admins may raise.
 */
static void log_miss(const struct spirecovery_miss *miss)
{
	u32 spi = ntohl(miss->spi);

	if (!net_ratelimit())
		return;
	if (miss->family == AF_INET)
		pr_notice("%%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=%pI4, prot=%u, spi=0x%08x, srcaddr=%pI4\n",
			  &miss->daddr.v4, miss->proto, spi,
			  &miss->saddr.v4);
	else
		pr_notice("%%CRYPTO-4-RECV_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=%pI6c, prot=%u, spi=0x%08x, srcaddr=%pI6c\n",
			  &miss->daddr.v6, miss->proto, spi,
			  &miss->saddr.v6);
}

static int send_counter(int err)
{
	switch (err) {
	case 0:
		return SPIRECOVERY_A_STATS_EVENTS_SENT;
	case -ESRCH:
		return SPIRECOVERY_A_STATS_NO_LISTENER;
	default:
		return SPIRECOVERY_A_STATS_SEND_FAILED;
	}
}

/**
 * spirecovery_miss_report() - account for a miss and report it if allowed
 * @net: namespace the packet was received in
 * @miss: what the packet carried
 *
 * Every miss lands in exactly one of the counters disabled,
 * unknown-source, suppressed-source, suppressed-global, events-sent,
 * no-listener and send-failed, besides its miss-* counter.  A miss from
 * outside a non-empty peer set takes no lock and touches nothing shared
 * but RCU-protected reads and this CPU's counters.
 *
 * Context: softirq or bottom halves disabled; does not sleep.
 */
void spirecovery_miss_report(struct net *net,
			     const struct spirecovery_miss *miss)
{
	struct spirecovery_net *sn = spirecovery_net(net);
	const struct spirecovery_config *cfg;
	enum spirecovery_verdict verdict;
	u32 suppressed = 0;
	int err;

	spirecovery_count(sn, miss_counter(miss));

	rcu_read_lock();
	cfg = rcu_dereference(sn->config);
	if (!cfg->settings.enabled) {
		spirecovery_count(sn, SPIRECOVERY_A_STATS_DISABLED);
		goto out;
	}
	if (!spirecovery_peers_admit(sn, miss)) {
		spirecovery_count(sn, SPIRECOVERY_A_STATS_UNKNOWN_SOURCE);
		goto out;
	}

	verdict = spirecovery_ratelimit(sn, cfg, miss, &suppressed);
	switch (verdict) {
	case SPIRECOVERY_VERDICT_SUPPRESS_SOURCE:
		spirecovery_count(sn, SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE);
		goto out;
	case SPIRECOVERY_VERDICT_SUPPRESS_GLOBAL:
		spirecovery_count(sn, SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL);
		goto out;
	case SPIRECOVERY_VERDICT_EMIT:
		break;
	}

	log_miss(miss);
	err = spirecovery_nl_notify_miss(net, miss, suppressed);
	spirecovery_count(sn, send_counter(err));
out:
	rcu_read_unlock();
}
