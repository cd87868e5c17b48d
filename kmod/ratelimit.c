// SPDX-License-Identifier: GPL-2.0
/*
 * Which misses become events.
 *
 * Each source (network namespace, family, source address masked to /32 or
 * to the namespace's IPv6 prefix) has a token bucket in one table that is
 * allocated at load time and never grows: a set-associative cache of
 * SPIRECOVERY_WAYS entries per set, indexed by a keyed hash so that remote
 * senders cannot aim at one set, and replacing the least recently seen
 * entry of the set when a new source arrives.  Memory is bounded by the
 * module parameter alone, and the packet path never allocates here.
 *
 * A miss that the source bucket allows must also pass the namespace-wide
 * bucket.  Either way a miss that is not reported is counted in its
 * source's "suppressed", which the source's next event carries.
 */

#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "pernet.h"
#include "ratelimit.h"

#define SPIRECOVERY_WAYS		8
#define SPIRECOVERY_MAX_ENTRIES		SZ_1M

/*
 * Hashed and compared as raw bytes, so it has no implicit padding.  The
 * owner's address cannot be reused while an entry names it: a namespace's
 * entries are all removed before its state is freed (struct
 * spirecovery_net counts them).
 */
struct source_key {
	struct spirecovery_net *owner;
	union spirecovery_addr addr;
	u8 family;
	u8 prefix_len;
	u8 pad[6];
};

struct source {
	struct source_key key;
	struct spirecovery_bucket bucket;
	u64 misses;
	u32 suppressed;
};

struct source_set {
	spinlock_t lock;	/* protects ways */
	struct source ways[SPIRECOVERY_WAYS];
};

static struct source_set *table;
static unsigned int table_sets;
static hsiphash_key_t table_hash_key __read_mostly;

/*
 * The limiters' clock.  The coarse clock is the time of the last tick: a
 * memory read, where a full clock read may be a device access (HPET,
 * acpi_pm) that costs more than the rest of the miss path under a flood.
 * One tick of lag does not matter to limits counted in events per second.
 */
static u64 limiter_now(void)
{
	return ktime_get_coarse_boottime_ns();
}

/**
 * spirecovery_limit_init() - convert a rate and burst to bucket units
 * @limit: receives the result
 * @rate: events per second, 1..SPIRECOVERY_RATE_MAX
 * @burst: events at once, 1..SPIRECOVERY_BURST_MAX
 *
 * With these bounds @limit->cap_ns stays below 2^50, so credit arithmetic
 * cannot overflow.
 */
void spirecovery_limit_init(struct spirecovery_limit *limit, u32 rate,
			    u32 burst)
{
	limit->cost_ns = div_u64(NSEC_PER_SEC, rate);
	limit->cap_ns = limit->cost_ns * burst;
}

/**
 * spirecovery_bucket_init() - fill a bucket to its burst
 * @bucket: the bucket
 * @limit: its rate and burst
 */
void spirecovery_bucket_init(struct spirecovery_bucket *bucket,
			     const struct spirecovery_limit *limit)
{
	bucket->credit_ns = limit->cap_ns;
	bucket->stamp_ns = limiter_now();
}

/* Credit the bucket would hold at @now, clamped to a possibly new burst. */
static u64 bucket_credit(const struct spirecovery_bucket *bucket,
			 const struct spirecovery_limit *limit, u64 now)
{
	u64 elapsed = now > bucket->stamp_ns ? now - bucket->stamp_ns : 0;

	return min(bucket->credit_ns + min(elapsed, limit->cap_ns),
		   limit->cap_ns);
}

static bool bucket_take(struct spirecovery_bucket *bucket,
			const struct spirecovery_limit *limit, u64 now)
{
	bucket->credit_ns = bucket_credit(bucket, limit, now);
	bucket->stamp_ns = now;
	if (bucket->credit_ns < limit->cost_ns)
		return false;
	bucket->credit_ns -= limit->cost_ns;
	return true;
}

static bool global_allow(struct spirecovery_net *sn,
			 const struct spirecovery_limit *limit, u64 now)
{
	bool allowed;

	spin_lock(&sn->global_lock);
	allowed = bucket_take(&sn->global_bucket, limit, now);
	spin_unlock(&sn->global_lock);
	return allowed;
}

static void source_key_init(struct source_key *key, struct spirecovery_net *sn,
			    const struct spirecovery_miss *miss,
			    u8 ipv6_prefix)
{
	memset(key, 0, sizeof(*key));
	key->owner = sn;
	key->family = miss->family;
	key->prefix_len = miss->family == AF_INET ? 32 : ipv6_prefix;
	spirecovery_addr_prefix(&key->addr, key->family, &miss->saddr,
				key->prefix_len);
}

static struct source_set *source_set_of(const struct source_key *key)
{
	u32 hash = hsiphash(key, sizeof(*key), &table_hash_key);

	return &table[hash & (table_sets - 1)];
}

static bool source_in_use(const struct source *src)
{
	return src->key.family != 0;
}

/*
 * The entry of @key in @set; if there is none, a free way or else the least
 * recently seen one becomes a fresh entry with a full bucket.
 */
static struct source *source_get(struct source_set *set,
				 const struct source_key *key,
				 const struct spirecovery_limit *limit, u64 now)
{
	struct source *victim = &set->ways[0];
	struct source *src;

	for (src = set->ways; src < set->ways + SPIRECOVERY_WAYS; src++) {
		if (!source_in_use(src)) {
			if (source_in_use(victim))
				victim = src;
			continue;
		}
		if (!memcmp(&src->key, key, sizeof(*key)))
			return src;
		if (source_in_use(victim) &&
		    src->bucket.stamp_ns < victim->bucket.stamp_ns)
			victim = src;
	}

	if (source_in_use(victim))
		atomic_dec(&victim->key.owner->sources);
	atomic_inc(&key->owner->sources);
	memset(victim, 0, sizeof(*victim));
	victim->key = *key;
	victim->bucket.credit_ns = limit->cap_ns;
	victim->bucket.stamp_ns = now;
	return victim;
}

/**
 * spirecovery_ratelimit() - decide whether a miss is reported
 * @sn: state of the namespace the miss happened in
 * @cfg: the namespace's configuration
 * @miss: the miss
 * @suppressed: on %SPIRECOVERY_VERDICT_EMIT, receives the misses of the
 *	source that were not reported since its previous event
 *
 * Return: the verdict.  A suppressed miss is added to its source's count.
 */
enum spirecovery_verdict
spirecovery_ratelimit(struct spirecovery_net *sn,
		      const struct spirecovery_config *cfg,
		      const struct spirecovery_miss *miss, u32 *suppressed)
{
	u64 now = limiter_now();
	enum spirecovery_verdict verdict;
	struct source_set *set;
	struct source_key key;
	struct source *src;

	source_key_init(&key, sn, miss, cfg->settings.ipv6_prefix);
	set = source_set_of(&key);

	spin_lock_bh(&set->lock);
	src = source_get(set, &key, &cfg->source_limit, now);
	src->misses++;
	if (!bucket_take(&src->bucket, &cfg->source_limit, now)) {
		verdict = SPIRECOVERY_VERDICT_SUPPRESS_SOURCE;
	} else if (!global_allow(sn, &cfg->global_limit, now)) {
		/* The source did not get its event, so it keeps its token. */
		src->bucket.credit_ns += cfg->source_limit.cost_ns;
		verdict = SPIRECOVERY_VERDICT_SUPPRESS_GLOBAL;
	} else {
		*suppressed = src->suppressed;
		src->suppressed = 0;
		verdict = SPIRECOVERY_VERDICT_EMIT;
	}
	if (verdict != SPIRECOVERY_VERDICT_EMIT && src->suppressed < U32_MAX)
		src->suppressed++;
	spin_unlock_bh(&set->lock);

	return verdict;
}

/* Removes the entries @match accepts. */
static void table_remove(bool (*match)(const struct source *src, void *arg),
			 void *arg)
{
	struct source_set *set;
	struct source *src;

	for (set = table; set < table + table_sets; set++) {
		spin_lock_bh(&set->lock);
		for (src = set->ways; src < set->ways + SPIRECOVERY_WAYS; src++) {
			if (!source_in_use(src) || !match(src, arg))
				continue;
			atomic_dec(&src->key.owner->sources);
			memset(src, 0, sizeof(*src));
		}
		spin_unlock_bh(&set->lock);
		cond_resched();
	}
}

static bool source_of(const struct source *src, void *sn)
{
	return src->key.owner == sn;
}

static bool source_exiting(const struct source *src, void *unused)
{
	return src->key.owner->exiting;
}

/**
 * spirecovery_table_flush() - remove a namespace's entries
 * @sn: the namespace's state
 *
 * Context: process context.
 */
void spirecovery_table_flush(struct spirecovery_net *sn)
{
	if (atomic_read(&sn->sources))
		table_remove(source_of, sn);
}

/**
 * spirecovery_table_flush_exiting() - remove the entries of every
 *	namespace marked as exiting, in one walk of the table
 * @any: whether any exiting namespace has entries at all
 *
 * Context: process context.
 */
void spirecovery_table_flush_exiting(bool any)
{
	if (any)
		table_remove(source_exiting, NULL);
}

static void source_info(const struct source *src,
			const struct spirecovery_limit *limit, u64 now,
			struct spirecovery_source_info *info)
{
	u64 tokens = div64_u64(bucket_credit(&src->bucket, limit, now),
			       limit->cost_ns);

	memset(info, 0, sizeof(*info));
	info->family = src->key.family;
	info->prefix_len = src->key.prefix_len;
	info->addr = src->key.addr;
	info->misses = src->misses;
	info->idle_ns = now > src->bucket.stamp_ns ?
			now - src->bucket.stamp_ns : 0;
	info->tokens = min_t(u64, tokens, U32_MAX);
	info->suppressed = src->suppressed;
}

/**
 * spirecovery_table_walk() - report a namespace's entries one by one
 * @sn: the namespace's state
 * @limit: the namespace's per-source limit, to count tokens
 * @cursor: where to start; on return, where to resume
 * @fn: called for each entry under the entry's set lock; must not sleep
 * @arg: passed to @fn
 *
 * Entries may move between calls, so a resumed walk is not a snapshot.
 *
 * Context: process context; may sleep between sets.
 * Return: 0 when the walk is complete, or the first error @fn returned;
 * the entry @fn failed on is visited again on resumption.
 */
int spirecovery_table_walk(struct spirecovery_net *sn,
			   const struct spirecovery_limit *limit,
			   struct spirecovery_table_cursor *cursor,
			   int (*fn)(const struct spirecovery_source_info *info,
				     void *arg),
			   void *arg)
{
	u64 now = limiter_now();
	struct spirecovery_source_info info;
	int err = 0;

	if (!atomic_read(&sn->sources))
		return 0;
	for (; cursor->set < table_sets; cursor->set++, cursor->way = 0) {
		struct source_set *set = &table[cursor->set];

		spin_lock_bh(&set->lock);
		for (; cursor->way < SPIRECOVERY_WAYS; cursor->way++) {
			const struct source *src = &set->ways[cursor->way];

			if (!source_in_use(src) || src->key.owner != sn)
				continue;
			source_info(src, limit, now, &info);
			err = fn(&info, arg);
			if (err)
				break;
		}
		spin_unlock_bh(&set->lock);
		if (err)
			return err;
		cond_resched();
	}
	return 0;
}

/**
 * spirecovery_table_init() - allocate the source table
 * @entries: requested number of entries; on success, the number allocated
 *	(rounded up to whole sets, with a power-of-two number of sets)
 *
 * Return: 0, -EINVAL for a size out of range, or -ENOMEM.
 */
int spirecovery_table_init(unsigned int *entries)
{
	unsigned int i;

	if (*entries < SPIRECOVERY_WAYS || *entries > SPIRECOVERY_MAX_ENTRIES) {
		pr_err("sources=%u is out of range %u..%u\n", *entries,
		       SPIRECOVERY_WAYS, SPIRECOVERY_MAX_ENTRIES);
		return -EINVAL;
	}

	table_sets = roundup_pow_of_two(DIV_ROUND_UP(*entries,
						     SPIRECOVERY_WAYS));
	table = kvcalloc(table_sets, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < table_sets; i++)
		spin_lock_init(&table[i].lock);
	get_random_bytes(&table_hash_key, sizeof(table_hash_key));

	*entries = table_sets * SPIRECOVERY_WAYS;
	return 0;
}

/**
 * spirecovery_table_exit() - free the source table
 */
void spirecovery_table_exit(void)
{
	kvfree(table);
	table = NULL;
	table_sets = 0;
}
