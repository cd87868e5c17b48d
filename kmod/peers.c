// SPDX-License-Identifier: GPL-2.0
/*
 * The recovery peers of a namespace.
 *
 * While a namespace's set is not empty, only misses from a source inside
 * one of its prefixes go on to the rate limiter; any other miss is counted
 * as unknown-source and nothing else, so that a flood of spoofed sources
 * can neither drain the namespace's event budget nor cost more than a few
 * hash probes.  The packet path only reads: the set is immutable and a
 * write builds a new one in process context and publishes it with RCU.
 * Writes are rare (the daemon pushes its configuration) and cost O(n),
 * which keeps lookups free of locks and of per-entry pointers.
 *
 * A lookup masks the source to each prefix length in use, longest first,
 * and probes an open-addressing table keyed with hsiphash.  The table is
 * at most half full, so a probe run ends early at a free slot.
 */

#include <linux/bitmap.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "peers.h"
#include "pernet.h"

unsigned int spirecovery_max_peers = 65536;

static u32 peer_slot(const struct spirecovery_peer_set *set,
		     const struct spirecovery_peer *key)
{
	return hsiphash(key, sizeof(*key), &set->hash_key) & set->mask;
}

/* Index of the peer equal to @key, or -1. */
static long peer_find(const struct spirecovery_peer_set *set,
		      const struct spirecovery_peer *key)
{
	u32 slot = peer_slot(set, key);
	u32 index;

	while ((index = set->slots[slot])) {
		if (!memcmp(&set->peers[index - 1], key, sizeof(*key)))
			return index - 1;
		slot = (slot + 1) & set->mask;
	}
	return -1;
}

static int peer_cmp(const void *a, const void *b)
{
	const struct spirecovery_peer *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x, y, sizeof(*x));
}

/*
 * Fills the slots from @set->peers; returns the index of the first peer
 * that equals an earlier one, or -1.
 */
static long peer_set_index(struct spirecovery_peer_set *set)
{
	u32 i;

	memset(set->slots, 0, (set->mask + 1) * sizeof(*set->slots));
	for (i = 0; i < set->count; i++) {
		u32 slot = peer_slot(set, &set->peers[i]);

		while (set->slots[slot]) {
			if (!memcmp(&set->peers[set->slots[slot] - 1],
				    &set->peers[i], sizeof(set->peers[i])))
				return i;
			slot = (slot + 1) & set->mask;
		}
		set->slots[slot] = i + 1;
	}
	return -1;
}

static void peer_set_lens(struct spirecovery_peer_set *set)
{
	DECLARE_BITMAP(used4, 33) = {};
	DECLARE_BITMAP(used6, 129) = {};
	int len;
	u32 i;

	for (i = 0; i < set->count; i++)
		__set_bit(set->peers[i].prefix_len,
			  set->peers[i].family == AF_INET ? used4 : used6);

	set->nr_lens = 0;
	for (len = 128; len >= 0; len--) {
		if (len <= 32 && test_bit(len, used4)) {
			set->lens[set->nr_lens].family = AF_INET;
			set->lens[set->nr_lens++].prefix_len = len;
		}
		if (test_bit(len, used6)) {
			set->lens[set->nr_lens].family = AF_INET6;
			set->lens[set->nr_lens++].prefix_len = len;
		}
	}
}

/* A set for @count peers, which the caller fills in before indexing it. */
static struct spirecovery_peer_set *peer_set_alloc(u32 count)
{
	u32 slots = count ? roundup_pow_of_two(2 * count) : 1;
	struct spirecovery_peer_set *set;
	size_t size;

	size = size_add(struct_size(set, peers, count),
			array_size(slots, sizeof(*set->slots)));
	set = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!set)
		return NULL;
	set->count = count;
	set->mask = slots - 1;
	set->slots = (u32 *)&set->peers[count];
	get_random_bytes(&set->hash_key, sizeof(set->hash_key));
	return set;
}

/**
 * spirecovery_peer_set_empty() - allocate a set with no peers
 *
 * Return: the set, or NULL.
 */
struct spirecovery_peer_set *spirecovery_peer_set_empty(void)
{
	return peer_set_alloc(0);
}

/**
 * spirecovery_peer_set_free() - free a set no reader can see any more
 * @set: the set
 */
void spirecovery_peer_set_free(struct spirecovery_peer_set *set)
{
	kvfree(set);
}

/**
 * spirecovery_peers_admit() - whether a miss's source may be reported
 * @sn: state of the namespace the miss happened in
 * @miss: the miss
 *
 * Context: RCU read side; takes no lock and allocates nothing.
 * Return: true when the namespace's set is empty or holds the source.
 */
bool spirecovery_peers_admit(struct spirecovery_net *sn,
			     const struct spirecovery_miss *miss)
{
	const struct spirecovery_peer_set *set = rcu_dereference(sn->peers);
	struct spirecovery_peer key;
	u32 i;

	if (!set->count)
		return true;

	for (i = 0; i < set->nr_lens; i++) {
		if (set->lens[i].family != miss->family)
			continue;
		memset(&key, 0, sizeof(key));
		key.family = miss->family;
		key.prefix_len = set->lens[i].prefix_len;
		spirecovery_addr_prefix(&key.addr, key.family, &miss->saddr,
					key.prefix_len);
		if (peer_find(set, &key) >= 0)
			return true;
	}
	return false;
}

/*
 * Sorts, indexes and publishes @set, which holds @set->count peers; on a
 * duplicate, frees it and reports the index the duplicate had before the
 * sort in *@bad.
 */
static int peer_set_publish(struct spirecovery_net *sn,
			    struct spirecovery_peer_set *set,
			    unsigned int *bad)
{
	struct spirecovery_peer_set *old;
	long dup;

	lockdep_assert_held(&sn->peers_lock);

	dup = peer_set_index(set);
	if (dup >= 0) {
		*bad = dup;
		kvfree(set);
		return -EEXIST;
	}
	sort(set->peers, set->count, sizeof(set->peers[0]), peer_cmp, NULL);
	peer_set_index(set);
	peer_set_lens(set);

	old = rcu_dereference_protected(sn->peers,
					lockdep_is_held(&sn->peers_lock));
	set->generation = old->generation + 1;
	rcu_assign_pointer(sn->peers, set);
	kvfree_rcu(old, rcu);
	return 0;
}

/**
 * spirecovery_peers_replace() - make a list of peers the namespace's set
 * @sn: the namespace's state
 * @peers: the peers, validated and masked
 * @n: number of @peers
 * @bad: on -EEXIST or -ENOSPC, receives the index of a peer listed twice
 *	or of the first that does not fit
 *
 * The packet path sees the old set or the new one, never a mix.
 *
 * Context: process context; takes @sn->peers_lock.
 * Return: 0, -EEXIST, -ENOSPC or -ENOMEM; on error the set is unchanged.
 */
int spirecovery_peers_replace(struct spirecovery_net *sn,
			      const struct spirecovery_peer *peers,
			      unsigned int n, unsigned int *bad)
{
	struct spirecovery_peer_set *set;
	int err;

	if (n > spirecovery_max_peers) {
		*bad = spirecovery_max_peers;
		return -ENOSPC;
	}
	set = peer_set_alloc(n);
	if (!set)
		return -ENOMEM;
	memcpy(set->peers, peers, array_size(n, sizeof(*peers)));

	mutex_lock(&sn->peers_lock);
	err = peer_set_publish(sn, set, bad);
	mutex_unlock(&sn->peers_lock);
	return err;
}

/**
 * spirecovery_peers_add() - add peers to the namespace's set
 * @sn: the namespace's state
 * @peers: the peers, validated and masked
 * @n: number of @peers
 * @bad: on -EEXIST or -ENOSPC, receives the index of the peer in @peers
 *	that is already in the set or listed twice, or that does not fit
 *
 * Context: process context; takes @sn->peers_lock.
 * Return: 0, -EEXIST, -ENOSPC or -ENOMEM; on error the set is unchanged.
 */
int spirecovery_peers_add(struct spirecovery_net *sn,
			  const struct spirecovery_peer *peers,
			  unsigned int n, unsigned int *bad)
{
	const struct spirecovery_peer_set *old;
	struct spirecovery_peer_set *set;
	unsigned int i;
	int err;

	mutex_lock(&sn->peers_lock);
	old = rcu_dereference_protected(sn->peers,
					lockdep_is_held(&sn->peers_lock));
	if (n > spirecovery_max_peers - old->count) {
		*bad = spirecovery_max_peers - old->count;
		err = -ENOSPC;
		goto unlock;
	}
	for (i = 0; i < n; i++) {
		if (peer_find(old, &peers[i]) >= 0) {
			*bad = i;
			err = -EEXIST;
			goto unlock;
		}
	}

	set = peer_set_alloc(old->count + n);
	if (!set) {
		err = -ENOMEM;
		goto unlock;
	}
	memcpy(set->peers, old->peers, array_size(old->count, sizeof(*peers)));
	memcpy(set->peers + old->count, peers, array_size(n, sizeof(*peers)));
	err = peer_set_publish(sn, set, bad);
	if (err == -EEXIST)
		*bad -= old->count;
unlock:
	mutex_unlock(&sn->peers_lock);
	return err;
}

/**
 * spirecovery_peers_del() - remove peers from the namespace's set
 * @sn: the namespace's state
 * @peers: the peers, validated and masked
 * @n: number of @peers
 * @bad: on -ENOENT, receives the index of a peer in @peers that is not in
 *	the set (or listed twice)
 *
 * Context: process context; takes @sn->peers_lock.
 * Return: 0, -ENOENT or -ENOMEM; on error the set is unchanged.
 */
int spirecovery_peers_del(struct spirecovery_net *sn,
			  const struct spirecovery_peer *peers,
			  unsigned int n, unsigned int *bad)
{
	const struct spirecovery_peer_set *old;
	struct spirecovery_peer_set *set;
	unsigned long *gone;
	unsigned int i, kept;
	int err;

	mutex_lock(&sn->peers_lock);
	old = rcu_dereference_protected(sn->peers,
					lockdep_is_held(&sn->peers_lock));
	gone = bitmap_zalloc(old->count, GFP_KERNEL);
	if (!gone) {
		err = -ENOMEM;
		goto unlock;
	}
	for (i = 0; i < n; i++) {
		long index = peer_find(old, &peers[i]);

		if (index < 0 || __test_and_set_bit(index, gone)) {
			*bad = i;
			err = -ENOENT;
			goto free_gone;
		}
	}

	set = peer_set_alloc(old->count - n);
	if (!set) {
		err = -ENOMEM;
		goto free_gone;
	}
	for (i = 0, kept = 0; i < old->count; i++)
		if (!test_bit(i, gone))
			set->peers[kept++] = old->peers[i];
	err = peer_set_publish(sn, set, bad);
free_gone:
	bitmap_free(gone);
unlock:
	mutex_unlock(&sn->peers_lock);
	return err;
}
