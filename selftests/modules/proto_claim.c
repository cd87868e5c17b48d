// SPDX-License-Identifier: GPL-2.0
/*
 * Test module for selftests/proto_taken.sh: holds the AH slot of the IPv4
 * or IPv6 protocol table (inet_protos, inet6_protos) the way a foreign
 * protocol handler would, so that xfrm cannot claim it when spirecovery
 * registers the first AH handler.  Every AH packet it gets is dropped.
 */

#include <linux/in.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/protocol.h>

static int family = 4;
module_param(family, int, 0444);
MODULE_PARM_DESC(family, "4 for inet_protos, 6 for inet6_protos");

static int claim_rcv(struct sk_buff *skb)
{
	kfree_skb(skb);
	return 0;
}

static int claim_err4(struct sk_buff *skb, u32 info)
{
	return 0;
}

static const struct net_protocol claim4 = {
	.handler = claim_rcv,
	.err_handler = claim_err4,
};

#if IS_ENABLED(CONFIG_IPV6)
static int claim_err6(struct sk_buff *skb, struct inet6_skb_parm *opt,
		      u8 type, u8 code, int offset, __be32 info)
{
	return 0;
}

static const struct inet6_protocol claim6 = {
	.handler = claim_rcv,
	.err_handler = claim_err6,
};
#endif

static int __init proto_claim_init(void)
{
	switch (family) {
	case 4:
		return inet_add_protocol(&claim4, IPPROTO_AH) ? -EBUSY : 0;
#if IS_ENABLED(CONFIG_IPV6)
	case 6:
		return inet6_add_protocol(&claim6, IPPROTO_AH) ? -EBUSY : 0;
#endif
	default:
		return -EINVAL;
	}
}

static void __exit proto_claim_exit(void)
{
	if (family == 4)
		inet_del_protocol(&claim4, IPPROTO_AH);
#if IS_ENABLED(CONFIG_IPV6)
	else
		inet6_del_protocol(&claim6, IPPROTO_AH);
#endif
	synchronize_net();
}

module_init(proto_claim_init);
module_exit(proto_claim_exit);
MODULE_DESCRIPTION("spirecovery selftest: hold the AH protocol slot");
MODULE_LICENSE("GPL");
