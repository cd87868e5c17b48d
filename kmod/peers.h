/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-namespace set of recovery peers: the sources whose misses may
 * become events while the set is not empty.
 */
#ifndef _SPIRECOVERY_PEERS_H
#define _SPIRECOVERY_PEERS_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/siphash.h>
#include <linux/types.h>

#include "miss.h"

struct spirecovery_net;

/**
 * struct spirecovery_peer - one prefix of a peer set
 * @addr: the address, masked to @prefix_len (spirecovery_addr_prefix())
 * @family: AF_INET or AF_INET6
 * @prefix_len: 0..32 or 0..128
 * @pad: zero; the key is hashed and compared as bytes
 */
struct spirecovery_peer {
	union spirecovery_addr addr;
	u8 family;
	u8 prefix_len;
	u8 pad[2];
};

/**
 * struct spirecovery_peer_set - an immutable peer set, replaced under RCU
 * @rcu: frees the set after readers are done with it
 * @hash_key: keys the slot index, so that sources cannot aim at one run
 * @generation: changes with every write, for dumps to detect one
 * @count: number of peers
 * @mask: number of slots - 1 (a power of two, at least twice @count)
 * @nr_lens: number of entries in @lens
 * @lens: the (family, prefix length) pairs in use, longest prefix first;
 *	a lookup tries each
 * @slots: open-addressing hash table of 1 + indexes into @peers, 0 free
 * @peers: the peers, sorted by family, address and prefix length
 */
struct spirecovery_peer_set {
	struct rcu_head rcu;
	hsiphash_key_t hash_key;
	unsigned int generation;
	u32 count;
	u32 mask;
	u32 nr_lens;
	struct {
		u8 family;
		u8 prefix_len;
	} lens[33 + 129];
	u32 *slots;
	struct spirecovery_peer peers[];
};

extern unsigned int spirecovery_max_peers;

struct spirecovery_peer_set *spirecovery_peer_set_empty(void);
void spirecovery_peer_set_free(struct spirecovery_peer_set *set);

bool spirecovery_peers_admit(struct spirecovery_net *sn,
			     const struct spirecovery_miss *miss);

int spirecovery_peers_replace(struct spirecovery_net *sn,
			      const struct spirecovery_peer *peers,
			      unsigned int n, unsigned int *bad);
int spirecovery_peers_add(struct spirecovery_net *sn,
			  const struct spirecovery_peer *peers,
			  unsigned int n, unsigned int *bad);
int spirecovery_peers_del(struct spirecovery_net *sn,
			  const struct spirecovery_peer *peers,
			  unsigned int n, unsigned int *bad);

#endif /* _SPIRECOVERY_PEERS_H */
