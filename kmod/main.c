// SPDX-License-Identifier: GPL-2.0
/*
 * spirecovery: report ESP and AH packets that the kernel drops because no
 * SA matches them, so that an IKE daemon can resynchronise with a peer
 * that still uses SAs this host has lost (for example after a reboot).
 *
 * Reporting is off in every network namespace until enabled over generic
 * netlink, because anybody can send a packet with an unknown SPI.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/spirecovery.h>
#include <net/genetlink.h>

#include "hook.h"
#include "netlink.h"
#include "peers.h"
#include "pernet.h"
#include "ratelimit.h"

static unsigned int sources = 16384;
module_param(sources, uint, 0444);
MODULE_PARM_DESC(sources,
		 "Entries of the per-source rate-limit table shared by all network namespaces (8..1048576, rounded up to a power of two; default 16384)");

module_param_named(peers, spirecovery_max_peers, uint, 0444);
MODULE_PARM_DESC(peers,
		 "Most recovery peers in one network namespace's set (1..1048576; default 65536)");

static int __init spirecovery_init(void)
{
	int err;

	if (!spirecovery_max_peers || spirecovery_max_peers > SZ_1M) {
		pr_err("peers=%u is out of range 1..%u\n",
		       spirecovery_max_peers, SZ_1M);
		return -EINVAL;
	}

	err = spirecovery_table_init(&sources);
	if (err)
		return err;
	err = spirecovery_pernet_init();
	if (err)
		goto free_table;
	err = spirecovery_nl_init();
	if (err)
		goto unregister_pernet;
	err = spirecovery_hook_init();
	if (err)
		goto unregister_genl;
	return 0;

unregister_genl:
	spirecovery_nl_exit();
unregister_pernet:
	spirecovery_pernet_exit();
free_table:
	spirecovery_table_exit();
	return err;
}

/*
 * Removing the shim waits until no callback runs, so nothing uses the
 * family, the namespaces' state or the table once they are torn down.
 */
static void __exit spirecovery_exit(void)
{
	spirecovery_hook_exit();
	spirecovery_nl_exit();
	spirecovery_pernet_exit();
	spirecovery_table_exit();
}

module_init(spirecovery_init);
module_exit(spirecovery_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Report IPsec packets dropped for an unknown SPI");
MODULE_AUTHOR("The spirecovery authors");
MODULE_ALIAS_GENL_FAMILY(SPIRECOVERY_FAMILY_NAME);
#ifdef SPIRECOVERY_VERSION
MODULE_VERSION(SPIRECOVERY_VERSION);
#endif
