/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state: configuration, the namespace-wide bucket,
 * the peer set and the counters.
 */
#ifndef _SPIRECOVERY_PERNET_H
#define _SPIRECOVERY_PERNET_H

#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/spirecovery.h>
#include <linux/u64_stats_sync.h>
#include <net/netns/generic.h>

#include "peers.h"
#include "ratelimit.h"

/* Counters are identified by their SPIRECOVERY_A_STATS_* attribute. */
#define SPIRECOVERY_FIRST_COUNTER	SPIRECOVERY_A_STATS_MISS_IPV4_ESP
#define SPIRECOVERY_NR_COUNTERS \
	(SPIRECOVERY_A_STATS_MAX - SPIRECOVERY_FIRST_COUNTER + 1)

/**
 * struct spirecovery_settings - configuration as userspace sees it
 * @source_rate: events per second per source
 * @source_burst: events a source may send at once
 * @global_rate: events per second in the namespace
 * @global_burst: events the namespace may send at once
 * @enabled: report misses at all
 * @ipv6_prefix: IPv6 sources sharing this many leading bits share a bucket
 */
struct spirecovery_settings {
	u32 source_rate;
	u32 source_burst;
	u32 global_rate;
	u32 global_burst;
	u8 enabled;
	u8 ipv6_prefix;
};

/**
 * struct spirecovery_config - configuration published to the packet path
 * @settings: the values userspace set
 * @source_limit: @settings' per-source rate and burst in bucket units
 * @global_limit: @settings' namespace rate and burst in bucket units
 * @rcu: frees a replaced configuration after readers are done with it
 */
struct spirecovery_config {
	struct spirecovery_settings settings;
	struct spirecovery_limit source_limit;
	struct spirecovery_limit global_limit;
	struct rcu_head rcu;
};

/**
 * struct spirecovery_stats - one CPU's counters
 * @counters: indexed by SPIRECOVERY_A_STATS_* - SPIRECOVERY_FIRST_COUNTER
 * @syncp: makes 64-bit reads consistent on 32-bit machines
 */
struct spirecovery_stats {
	u64_stats_t counters[SPIRECOVERY_NR_COUNTERS];
	struct u64_stats_sync syncp;
};

/**
 * struct spirecovery_net - the module's state in one network namespace
 * @config: current configuration, replaced as a whole under RCU
 * @config_lock: serialises configuration changes
 * @global_lock: protects @global_bucket
 * @global_bucket: the namespace-wide event bucket
 * @stats: counters, one set per CPU
 * @peers: the recovery peers, replaced as a whole under RCU; never NULL
 * @peers_lock: serialises writers of @peers
 * @sources: entries of the namespace in the source table, so that flush
 *	and exit skip the table walk when there are none
 * @exiting: set when the namespace goes away, for the batched flush
 */
struct spirecovery_net {
	struct spirecovery_config __rcu *config;
	struct mutex config_lock;	/* serialises writers of config */
	spinlock_t global_lock;		/* protects global_bucket */
	struct spirecovery_bucket global_bucket;
	struct spirecovery_stats __percpu *stats;
	struct spirecovery_peer_set __rcu *peers;
	struct mutex peers_lock;	/* serialises writers of peers */
	atomic_t sources;
	bool exiting;
};

extern unsigned int spirecovery_net_id;

static inline struct spirecovery_net *spirecovery_net(const struct net *net)
{
	return net_generic(net, spirecovery_net_id);
}

/* Callers run with bottom halves disabled, as the xfrm receive path does. */
static inline void spirecovery_count(struct spirecovery_net *sn, int counter)
{
	struct spirecovery_stats *stats = this_cpu_ptr(sn->stats);

	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->counters[counter - SPIRECOVERY_FIRST_COUNTER]);
	u64_stats_update_end(&stats->syncp);
}

void spirecovery_stats_read(struct spirecovery_net *sn,
			    u64 counters[SPIRECOVERY_NR_COUNTERS]);
void spirecovery_settings_get(struct spirecovery_net *sn,
			      struct spirecovery_settings *settings);
int spirecovery_settings_set(struct spirecovery_net *sn,
			     const struct spirecovery_settings *settings);

int spirecovery_pernet_init(void);
void spirecovery_pernet_exit(void);

#endif /* _SPIRECOVERY_PERNET_H */
