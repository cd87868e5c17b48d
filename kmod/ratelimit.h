/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token buckets and the bounded per-source table that decide which misses
 * become events.
 */
#ifndef _SPIRECOVERY_RATELIMIT_H
#define _SPIRECOVERY_RATELIMIT_H

#include <linux/types.h>

#include "miss.h"

struct spirecovery_config;
struct spirecovery_net;

/**
 * struct spirecovery_limit - a rate and burst in bucket units
 * @cost_ns: credit one event takes, NSEC_PER_SEC / rate
 * @cap_ns: most credit a bucket holds, @cost_ns * burst
 */
struct spirecovery_limit {
	u64 cost_ns;
	u64 cap_ns;
};

/**
 * struct spirecovery_bucket - token bucket counted in nanoseconds of credit
 * @credit_ns: credit left after the last update
 * @stamp_ns: time of the last update (CLOCK_BOOTTIME)
 */
struct spirecovery_bucket {
	u64 credit_ns;
	u64 stamp_ns;
};

/**
 * enum spirecovery_verdict - what becomes of a miss
 * @SPIRECOVERY_VERDICT_EMIT: report it
 * @SPIRECOVERY_VERDICT_SUPPRESS_SOURCE: its source is over its limit
 * @SPIRECOVERY_VERDICT_SUPPRESS_GLOBAL: its network namespace is over its
 *	limit
 */
enum spirecovery_verdict {
	SPIRECOVERY_VERDICT_EMIT,
	SPIRECOVERY_VERDICT_SUPPRESS_SOURCE,
	SPIRECOVERY_VERDICT_SUPPRESS_GLOBAL,
};

/**
 * struct spirecovery_source_info - one table entry as reported to userspace
 * @addr: source address, masked to @prefix_len
 * @misses: misses since the entry was made
 * @idle_ns: time since the last miss
 * @tokens: whole events the source may send now
 * @suppressed: misses since the source's last event
 * @family: AF_INET or AF_INET6
 * @prefix_len: 32 for IPv4, the namespace's IPv6 prefix for IPv6
 */
struct spirecovery_source_info {
	union spirecovery_addr addr;
	u64 misses;
	u64 idle_ns;
	u32 tokens;
	u32 suppressed;
	u8 family;
	u8 prefix_len;
};

/**
 * struct spirecovery_table_cursor - where a walk of the table resumes
 * @set: next set to visit
 * @way: next way to visit in @set
 */
struct spirecovery_table_cursor {
	unsigned long set;
	unsigned long way;
};

void spirecovery_limit_init(struct spirecovery_limit *limit, u32 rate,
			    u32 burst);
void spirecovery_bucket_init(struct spirecovery_bucket *bucket,
			     const struct spirecovery_limit *limit);

int spirecovery_table_init(unsigned int *entries);
void spirecovery_table_exit(void);
enum spirecovery_verdict
spirecovery_ratelimit(struct spirecovery_net *sn,
		      const struct spirecovery_config *cfg,
		      const struct spirecovery_miss *miss, u32 *suppressed);
void spirecovery_table_flush(struct spirecovery_net *sn);
void spirecovery_table_flush_exiting(bool any);
int spirecovery_table_walk(struct spirecovery_net *sn,
			   const struct spirecovery_limit *limit,
			   struct spirecovery_table_cursor *cursor,
			   int (*fn)(const struct spirecovery_source_info *info,
				     void *arg),
			   void *arg);

#endif /* _SPIRECOVERY_RATELIMIT_H */
