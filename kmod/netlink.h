/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink family "spirecovery": configuration, counters, the source
 * table and miss events.
 */
#ifndef _SPIRECOVERY_NETLINK_H
#define _SPIRECOVERY_NETLINK_H

#include <linux/types.h>

struct net;
struct spirecovery_miss;

int spirecovery_nl_init(void);
void spirecovery_nl_exit(void);
int spirecovery_nl_notify_miss(struct net *net,
			       const struct spirecovery_miss *miss,
			       u32 suppressed);

#endif /* _SPIRECOVERY_NETLINK_H */
