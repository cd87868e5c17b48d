/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A packet the kernel dropped because no SA matched it, and what the module
 * does with it: count, rate-limit, log and notify.
 */
#ifndef _SPIRECOVERY_MISS_H
#define _SPIRECOVERY_MISS_H

#include <linux/in6.h>
#include <linux/types.h>

struct net;

/**
 * union spirecovery_addr - an IPv4 or IPv6 address
 * @v4: IPv4 address
 * @v6: IPv6 address
 */
union spirecovery_addr {
	__be32 v4;
	struct in6_addr v6;
};

void spirecovery_addr_prefix(union spirecovery_addr *dst, u8 family,
			     const union spirecovery_addr *src, u8 len);

/**
 * struct spirecovery_miss - an ESP or AH packet that matched no SA
 * @saddr: outer source address
 * @daddr: outer destination address, the one the SA lookup used
 * @spi: security parameter index, as on the wire
 * @seq: sequence number, as on the wire
 * @sport: UDP source port, as on the wire (only with @encap)
 * @dport: UDP destination port, as on the wire (only with @encap)
 * @ifindex: receiving interface
 * @mark: mark the SA lookup used
 * @family: AF_INET or AF_INET6 (outer header)
 * @proto: IPPROTO_ESP or IPPROTO_AH
 * @encap: SPIRECOVERY_ENCAP_NONE or SPIRECOVERY_ENCAP_ESPINUDP
 */
struct spirecovery_miss {
	union spirecovery_addr saddr;
	union spirecovery_addr daddr;
	__be32 spi;
	__be32 seq;
	__be16 sport;
	__be16 dport;
	u32 ifindex;
	u32 mark;
	u8 family;
	u8 proto;
	u8 encap;
};

void spirecovery_miss_report(struct net *net,
			     const struct spirecovery_miss *miss);

#endif /* _SPIRECOVERY_MISS_H */
