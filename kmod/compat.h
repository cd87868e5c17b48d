/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the module supports (6.1 and later).
 */
#ifndef _SPIRECOVERY_COMPAT_H
#define _SPIRECOVERY_COMPAT_H

#include <net/genetlink.h>

/*
 * Joining a multicast group can require CAP_NET_ADMIN since 6.7 (and
 * 6.1.68 in the stable series).  Older kernels let anyone join.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define SPIRECOVERY_MCGRP_FLAGS	GENL_MCAST_CAP_NET_ADMIN
#else
#define SPIRECOVERY_MCGRP_FLAGS	0
#endif

#endif /* _SPIRECOVERY_COMPAT_H */
