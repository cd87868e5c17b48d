// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.  A new namespace starts disabled with the
 * uapi defaults and no peers; its table entries are flushed when it goes
 * away, in one walk of the table for a batch of namespaces.
 */

#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spirecovery.h>
#include <net/net_namespace.h>

#include "pernet.h"

unsigned int spirecovery_net_id __read_mostly;

static const struct spirecovery_settings default_settings = {
	.source_rate = SPIRECOVERY_DEFAULT_SOURCE_RATE,
	.source_burst = SPIRECOVERY_DEFAULT_SOURCE_BURST,
	.global_rate = SPIRECOVERY_DEFAULT_GLOBAL_RATE,
	.global_burst = SPIRECOVERY_DEFAULT_GLOBAL_BURST,
	.enabled = 0,
	.ipv6_prefix = SPIRECOVERY_DEFAULT_IPV6_PREFIX,
};

static struct spirecovery_config *
config_alloc(const struct spirecovery_settings *settings)
{
	struct spirecovery_config *cfg;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return NULL;
	cfg->settings = *settings;
	spirecovery_limit_init(&cfg->source_limit, settings->source_rate,
			       settings->source_burst);
	spirecovery_limit_init(&cfg->global_limit, settings->global_rate,
			       settings->global_burst);
	return cfg;
}

/**
 * spirecovery_settings_get() - read a namespace's configuration
 * @sn: the namespace's state
 * @settings: receives the current values
 */
void spirecovery_settings_get(struct spirecovery_net *sn,
			      struct spirecovery_settings *settings)
{
	rcu_read_lock();
	*settings = rcu_dereference(sn->config)->settings;
	rcu_read_unlock();
}

/**
 * spirecovery_settings_set() - replace a namespace's configuration
 * @sn: the namespace's state, with @sn->config_lock held
 * @settings: the new values, already validated
 *
 * The packet path sees either the old or the new configuration as a
 * whole, never a mix.  Sources and the namespace bucket keep their credit;
 * it is clamped to the new burst when next used.
 *
 * Return: 0, or -ENOMEM with the old configuration left in place.
 */
int spirecovery_settings_set(struct spirecovery_net *sn,
			     const struct spirecovery_settings *settings)
{
	struct spirecovery_config *cfg, *old;

	lockdep_assert_held(&sn->config_lock);

	cfg = config_alloc(settings);
	if (!cfg)
		return -ENOMEM;
	old = rcu_replace_pointer(sn->config, cfg,
				  lockdep_is_held(&sn->config_lock));
	kfree_rcu(old, rcu);
	return 0;
}

/**
 * spirecovery_stats_read() - sum a namespace's counters over all CPUs
 * @sn: the namespace's state
 * @counters: receives the sums, indexed like &struct spirecovery_stats
 */
void spirecovery_stats_read(struct spirecovery_net *sn,
			    u64 counters[SPIRECOVERY_NR_COUNTERS])
{
	u64 snapshot[SPIRECOVERY_NR_COUNTERS];
	unsigned int start, cpu, i;

	memset(counters, 0, sizeof(u64) * SPIRECOVERY_NR_COUNTERS);
	for_each_possible_cpu(cpu) {
		const struct spirecovery_stats *stats =
			per_cpu_ptr(sn->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&stats->syncp);
			for (i = 0; i < SPIRECOVERY_NR_COUNTERS; i++)
				snapshot[i] = u64_stats_read(&stats->counters[i]);
		} while (u64_stats_fetch_retry(&stats->syncp, start));

		for (i = 0; i < SPIRECOVERY_NR_COUNTERS; i++)
			counters[i] += snapshot[i];
	}
}

static int __net_init spirecovery_net_init(struct net *net)
{
	struct spirecovery_net *sn = spirecovery_net(net);
	struct spirecovery_peer_set *peers;
	struct spirecovery_config *cfg;
	unsigned int cpu;

	sn->stats = alloc_percpu(struct spirecovery_stats);
	if (!sn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(sn->stats, cpu)->syncp);

	peers = spirecovery_peer_set_empty();
	if (!peers)
		goto free_stats;
	cfg = config_alloc(&default_settings);
	if (!cfg)
		goto free_peers;

	mutex_init(&sn->config_lock);
	mutex_init(&sn->peers_lock);
	spin_lock_init(&sn->global_lock);
	spirecovery_bucket_init(&sn->global_bucket, &cfg->global_limit);
	atomic_set(&sn->sources, 0);
	sn->exiting = false;
	RCU_INIT_POINTER(sn->peers, peers);
	RCU_INIT_POINTER(sn->config, cfg);
	return 0;

free_peers:
	spirecovery_peer_set_free(peers);
free_stats:
	free_percpu(sn->stats);
	return -ENOMEM;
}

/*
 * The namespaces' devices are gone by now, so no packet of theirs can
 * reach the shim any more, and no socket of theirs is left to ask.
 */
static void __net_exit spirecovery_net_exit_batch(struct list_head *net_list)
{
	struct spirecovery_net *sn;
	bool any = false;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list) {
		sn = spirecovery_net(net);
		sn->exiting = true;
		any |= atomic_read(&sn->sources) != 0;
	}
	spirecovery_table_flush_exiting(any);

	list_for_each_entry(net, net_list, exit_list) {
		sn = spirecovery_net(net);
		spirecovery_peer_set_free(rcu_dereference_protected(sn->peers,
								    true));
		kfree(rcu_dereference_protected(sn->config, true));
		free_percpu(sn->stats);
	}
}

static struct pernet_operations spirecovery_net_ops = {
	.init = spirecovery_net_init,
	.exit_batch = spirecovery_net_exit_batch,
	.id = &spirecovery_net_id,
	.size = sizeof(struct spirecovery_net),
};

/**
 * spirecovery_pernet_init() - set up every existing and future namespace
 *
 * Return: 0 or a negative error code.
 */
int spirecovery_pernet_init(void)
{
	return register_pernet_subsys(&spirecovery_net_ops);
}

/**
 * spirecovery_pernet_exit() - tear down the state of every namespace
 */
void spirecovery_pernet_exit(void)
{
	unregister_pernet_subsys(&spirecovery_net_ops);
}
