/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * spirecovery: generic-netlink interface of the invalid-SPI recovery module.
 *
 * Documentation/netlink/specs/spirecovery.yaml is the normative description;
 * this header must agree with it (selftests/check-uapi-spec.py checks that).
 *
 * Family "spirecovery", version 1, network-namespace aware: every request
 * and every event concerns the network namespace of the socket.  All
 * attributes are flat and fixed width.  Integers are in host byte order
 * except IPv4 addresses (network byte order, as on the wire); IPv6
 * addresses are 16 bytes in network byte order.  u64 attributes are padded
 * with the *_PAD attribute of their set.
 *
 * Commands (all need CAP_NET_ADMIN over the user namespace that owns the
 * network namespace, so container root manages its own namespace):
 *
 *   SPIRECOVERY_CMD_GET_CONFIG   do, reply: SPIRECOVERY_A_CONFIG_*
 *   SPIRECOVERY_CMD_SET_CONFIG   do, request: any subset of
 *                                SPIRECOVERY_A_CONFIG_*; only the given
 *                                values change, all are validated before
 *                                any is applied (extack names the bad one)
 *   SPIRECOVERY_CMD_GET_STATS    do, reply: SPIRECOVERY_A_STATS_*
 *   SPIRECOVERY_CMD_GET_SOURCE   dump, one message per source-table entry
 *                                of this namespace: SPIRECOVERY_A_SOURCE_*
 *   SPIRECOVERY_CMD_FLUSH_SOURCES do, empties this namespace's entries
 *
 * Notification SPIRECOVERY_CMD_MISS_NTF on multicast group "events": one
 * per ESP/AH packet the kernel dropped for lack of an SA, after the
 * per-source and per-namespace rate limits; attributes SPIRECOVERY_A_EVENT_*.
 * Joining "events" needs CAP_NET_ADMIN on kernels that can enforce it
 * (GENL_MCAST_CAP_NET_ADMIN: 6.7+, 6.1.68+).
 */
#ifndef _UAPI_LINUX_SPIRECOVERY_H
#define _UAPI_LINUX_SPIRECOVERY_H

#define SPIRECOVERY_FAMILY_NAME		"spirecovery"
#define SPIRECOVERY_FAMILY_VERSION	1

#define SPIRECOVERY_MCGRP_EVENTS	"events"

/* Value of SPIRECOVERY_A_EVENT_ENCAP; equal to the UDP_ENCAP_* socket option values. */
enum spirecovery_encap {
	SPIRECOVERY_ENCAP_NONE = 0,
	SPIRECOVERY_ENCAP_ESPINUDP = 2,
};

/* Limits of the configuration attributes, also reported in extack messages. */
#define SPIRECOVERY_RATE_MAX		1000000
#define SPIRECOVERY_BURST_MAX		1000000

/* Defaults of a new network namespace: off, per source 1/s burst 5, per netns 100/s burst 200. */
#define SPIRECOVERY_DEFAULT_SOURCE_RATE		1
#define SPIRECOVERY_DEFAULT_SOURCE_BURST	5
#define SPIRECOVERY_DEFAULT_GLOBAL_RATE		100
#define SPIRECOVERY_DEFAULT_GLOBAL_BURST	200
#define SPIRECOVERY_DEFAULT_IPV6_PREFIX		64

enum {
	SPIRECOVERY_A_CONFIG_ENABLED = 1,	/* u8: 0 or 1 */
	SPIRECOVERY_A_CONFIG_SOURCE_RATE,	/* u32: events/s per source, 1..RATE_MAX */
	SPIRECOVERY_A_CONFIG_SOURCE_BURST,	/* u32: 1..BURST_MAX */
	SPIRECOVERY_A_CONFIG_GLOBAL_RATE,	/* u32: events/s per netns, 1..RATE_MAX */
	SPIRECOVERY_A_CONFIG_GLOBAL_BURST,	/* u32: 1..BURST_MAX */
	SPIRECOVERY_A_CONFIG_IPV6_PREFIX,	/* u8: IPv6 sources grouped by this prefix, 1..128 */

	__SPIRECOVERY_A_CONFIG_MAX,
	SPIRECOVERY_A_CONFIG_MAX = (__SPIRECOVERY_A_CONFIG_MAX - 1)
};

/* All counters are u64, per network namespace, since the module was loaded. */
enum {
	SPIRECOVERY_A_STATS_PAD = 1,
	SPIRECOVERY_A_STATS_MISS_IPV4_ESP,	/* misses seen, before rate limiting */
	SPIRECOVERY_A_STATS_MISS_IPV4_AH,
	SPIRECOVERY_A_STATS_MISS_IPV4_ESP_UDP,
	SPIRECOVERY_A_STATS_MISS_IPV6_ESP,
	SPIRECOVERY_A_STATS_MISS_IPV6_AH,
	SPIRECOVERY_A_STATS_MISS_IPV6_ESP_UDP,
	SPIRECOVERY_A_STATS_EVENTS_SENT,
	SPIRECOVERY_A_STATS_SUPPRESSED_SOURCE,	/* over the per-source limit */
	SPIRECOVERY_A_STATS_SUPPRESSED_GLOBAL,	/* over the per-netns limit */
	SPIRECOVERY_A_STATS_MALFORMED,		/* miss whose headers could not be read */
	SPIRECOVERY_A_STATS_SEND_FAILED,	/* allocation or multicast failure */
	SPIRECOVERY_A_STATS_NO_LISTENER,	/* event due but nobody in "events" */
	SPIRECOVERY_A_STATS_DISABLED,		/* misses seen while disabled */

	__SPIRECOVERY_A_STATS_MAX,
	SPIRECOVERY_A_STATS_MAX = (__SPIRECOVERY_A_STATS_MAX - 1)
};

enum {
	SPIRECOVERY_A_SOURCE_PAD = 1,
	SPIRECOVERY_A_SOURCE_FAMILY,		/* u8: AF_INET or AF_INET6 */
	SPIRECOVERY_A_SOURCE_ADDR4,		/* u32, network byte order */
	SPIRECOVERY_A_SOURCE_ADDR6,		/* 16 bytes, masked to the prefix */
	SPIRECOVERY_A_SOURCE_PREFIX_LEN,	/* u8: 32 for IPv4, the IPv6 prefix */
	SPIRECOVERY_A_SOURCE_TOKENS,		/* u32: whole events available now */
	SPIRECOVERY_A_SOURCE_SUPPRESSED,	/* u32: misses since the last event */
	SPIRECOVERY_A_SOURCE_MISSES,		/* u64: misses since the entry was made */
	SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS,	/* u64: milliseconds since the last miss */

	__SPIRECOVERY_A_SOURCE_MAX,
	SPIRECOVERY_A_SOURCE_MAX = (__SPIRECOVERY_A_SOURCE_MAX - 1)
};

enum {
	SPIRECOVERY_A_EVENT_PAD = 1,
	SPIRECOVERY_A_EVENT_FAMILY,		/* u8: AF_INET or AF_INET6 (outer header) */
	SPIRECOVERY_A_EVENT_PROTO,		/* u8: IPPROTO_ESP or IPPROTO_AH */
	SPIRECOVERY_A_EVENT_SADDR4,		/* u32, network byte order (IPv4 only) */
	SPIRECOVERY_A_EVENT_DADDR4,		/* u32, network byte order (IPv4 only) */
	SPIRECOVERY_A_EVENT_SADDR6,		/* 16 bytes (IPv6 only) */
	SPIRECOVERY_A_EVENT_DADDR6,		/* 16 bytes (IPv6 only) */
	SPIRECOVERY_A_EVENT_SPI,		/* u32, host byte order */
	SPIRECOVERY_A_EVENT_SEQ,		/* u32, host byte order */
	SPIRECOVERY_A_EVENT_ENCAP,		/* u8: enum spirecovery_encap */
	SPIRECOVERY_A_EVENT_SPORT,		/* u16, host byte order (encap only) */
	SPIRECOVERY_A_EVENT_DPORT,		/* u16, host byte order (encap only) */
	SPIRECOVERY_A_EVENT_IFINDEX,		/* u32: receiving interface */
	SPIRECOVERY_A_EVENT_MARK,		/* u32: mark the SA lookup used */
	SPIRECOVERY_A_EVENT_SUPPRESSED,		/* u32: misses from this source not reported since its last event */
	SPIRECOVERY_A_EVENT_TIMESTAMP,		/* u64: CLOCK_REALTIME, nanoseconds */

	__SPIRECOVERY_A_EVENT_MAX,
	SPIRECOVERY_A_EVENT_MAX = (__SPIRECOVERY_A_EVENT_MAX - 1)
};

enum {
	SPIRECOVERY_CMD_GET_CONFIG = 1,
	SPIRECOVERY_CMD_SET_CONFIG,
	SPIRECOVERY_CMD_GET_STATS,
	SPIRECOVERY_CMD_GET_SOURCE,
	SPIRECOVERY_CMD_FLUSH_SOURCES,
	SPIRECOVERY_CMD_MISS_NTF,

	__SPIRECOVERY_CMD_MAX,
	SPIRECOVERY_CMD_MAX = (__SPIRECOVERY_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_SPIRECOVERY_H */
