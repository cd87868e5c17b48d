// SPDX-License-Identifier: GPL-2.0
/*
 * Generic-netlink API of the spirecovery module: family registration,
 * configuration defaults and validation (with extack), counters, the
 * source table, the peer set, permissions and the "events" group.
 *
 * Every test runs in its own fresh network namespace (the harness forks
 * each test; the fixture unshares), so it starts from the documented
 * defaults whatever other tests did.
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/spirecovery.h>

#include "kselftest_harness.h"

#include "attrs.h"
#include "nl.h"
#include "peers.h"

#define NOBODY 65534

struct config {
	uint8_t enabled;
	uint32_t source_rate;
	uint32_t source_burst;
	uint32_t global_rate;
	uint32_t global_burst;
	uint8_t ipv6_prefix;
};

static const struct config defaults = {
	.enabled = 0,
	.source_rate = SPIRECOVERY_DEFAULT_SOURCE_RATE,
	.source_burst = SPIRECOVERY_DEFAULT_SOURCE_BURST,
	.global_rate = SPIRECOVERY_DEFAULT_GLOBAL_RATE,
	.global_burst = SPIRECOVERY_DEFAULT_GLOBAL_BURST,
	.ipv6_prefix = SPIRECOVERY_DEFAULT_IPV6_PREFIX,
};

/* A reply, kept whole so that tests can check every attribute's presence and size. */
struct reply {
	int messages;
	char buf[NL_MSG_MAX];
	int len;
};

static int keep_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct reply *r = arg;
	const struct nlattr *attrs = genl_attrs(nlh, &r->len);

	r->messages++;
	if (r->len > (int)sizeof(r->buf))
		return -EMSGSIZE;
	memcpy(r->buf, attrs, r->len);
	return 0;
}

/* Send a request without attributes; the reply, if any, goes to @r. */
static int request(struct nl_sock *sk, uint16_t family, uint8_t cmd, uint16_t flags,
		   struct reply *r, struct nl_result *res)
{
	struct nl_msg m;

	genl_msg_init(&m, family, cmd, flags);
	if (r)
		memset(r, 0, sizeof(*r));
	return nl_request(sk, &m, r ? keep_reply : NULL, r, res);
}

/* Decode a get-config reply; every attribute must be there with its spec size. */
static int parse_config(const struct reply *r, struct config *c)
{
	const struct nlattr *tb[SPIRECOVERY_A_CONFIG_MAX + 1];

	if (r->messages != 1 || nl_parse((const struct nlattr *)r->buf, r->len, tb,
					  SPIRECOVERY_A_CONFIG_MAX))
		return -EBADMSG;
	for (int type = 1; type <= SPIRECOVERY_A_CONFIG_MAX; type++)
		if (!tb[type] ||
		    nla_payload_len(tb[type]) != config_attrs.attrs[type].len)
			return -EBADMSG;
	c->enabled = *(const uint8_t *)nla_payload(tb[SPIRECOVERY_A_CONFIG_ENABLED]);
	memcpy(&c->source_rate, nla_payload(tb[SPIRECOVERY_A_CONFIG_SOURCE_RATE]), 4);
	memcpy(&c->source_burst, nla_payload(tb[SPIRECOVERY_A_CONFIG_SOURCE_BURST]), 4);
	memcpy(&c->global_rate, nla_payload(tb[SPIRECOVERY_A_CONFIG_GLOBAL_RATE]), 4);
	memcpy(&c->global_burst, nla_payload(tb[SPIRECOVERY_A_CONFIG_GLOBAL_BURST]), 4);
	c->ipv6_prefix = *(const uint8_t *)nla_payload(tb[SPIRECOVERY_A_CONFIG_IPV6_PREFIX]);
	return 0;
}

static int get_config(struct nl_sock *sk, uint16_t family, struct config *c)
{
	struct nl_result res;
	struct reply r;
	int err = request(sk, family, SPIRECOVERY_CMD_GET_CONFIG, 0, &r, &res);

	return err ?: parse_config(&r, c);
}

#define EXPECT_CONFIG(expected, seen) do {					\
	EXPECT_EQ((expected).enabled, (seen).enabled);				\
	EXPECT_EQ((expected).source_rate, (seen).source_rate);			\
	EXPECT_EQ((expected).source_burst, (seen).source_burst);		\
	EXPECT_EQ((expected).global_rate, (seen).global_rate);			\
	EXPECT_EQ((expected).global_burst, (seen).global_burst);		\
	EXPECT_EQ((expected).ipv6_prefix, (seen).ipv6_prefix);			\
} while (0)

/* Drop CAP_NET_ADMIN from every set of this process, staying uid 0. */
static int drop_cap_net_admin(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int i = CAP_TO_INDEX(CAP_NET_ADMIN);

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[i].effective &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	data[i].permitted &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	data[i].inheritable &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* Become nobody; leaving uid 0 clears every capability. */
static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	return 0;
}

/* 0 when unprivileged users may create user namespaces, else why not. */
static const char *userns_unavailable(void)
{
	FILE *f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "r");
	int allowed = 1;

	if (f) {
		if (fscanf(f, "%d", &allowed) != 1)
			allowed = 1;
		fclose(f);
	}
	return allowed ? NULL : "kernel.unprivileged_userns_clone=0";
}

/*
 * Whether the running kernel can restrict a multicast group to
 * CAP_NET_ADMIN (GENL_MCAST_CAP_NET_ADMIN: 6.7+, 6.1.68+).  It is not in
 * the uAPI, so look at the running kernel's own headers: 1, 0, or -1 when
 * they are not installed.
 */
static int kernel_has_mcast_cap(void)
{
	char path[256], line[512];
	struct utsname u;
	int found = 0;
	FILE *f;

	if (uname(&u))
		return -1;
	/* Debian keeps the kernel's own headers in the -common package ("source"). */
	snprintf(path, sizeof(path), "/lib/modules/%s/source/include/net/genetlink.h", u.release);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "GENL_MCAST_CAP_NET_ADMIN") != NULL;
	fclose(f);
	return found;
}

FIXTURE(genl) {
	struct nl_sock sk;
	struct genl_family_info info;
};

static void open_in_fresh_netns(struct __test_metadata *_metadata, struct nl_sock *sk,
				struct genl_family_info *info)
{
	struct nl_result res;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(sk));
	ASSERT_EQ(0, genl_resolve(sk, SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS,
				  info, &res)) {
		TH_LOG("family %s or its group %s not registered: %s (is the module loaded?)",
		       SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS, strerror(-res.err));
	}
}

FIXTURE_SETUP(genl)
{
	open_in_fresh_netns(_metadata, &self->sk, &self->info);
}

FIXTURE_TEARDOWN(genl)
{
	nl_close(&self->sk);
}

TEST_F(genl, family_resolves)
{
	static const struct {
		uint32_t cmd;
		uint32_t cap;
	} expected[] = {
		{ SPIRECOVERY_CMD_GET_CONFIG, GENL_CMD_CAP_DO },
		{ SPIRECOVERY_CMD_SET_CONFIG, GENL_CMD_CAP_DO },
		{ SPIRECOVERY_CMD_GET_STATS, GENL_CMD_CAP_DO },
		{ SPIRECOVERY_CMD_GET_SOURCE, GENL_CMD_CAP_DUMP },
		{ SPIRECOVERY_CMD_FLUSH_SOURCES, GENL_CMD_CAP_DO },
		{ SPIRECOVERY_CMD_PEER_SET, GENL_CMD_CAP_DO },
		{ SPIRECOVERY_CMD_PEER_ADD, GENL_CMD_CAP_DO },
		{ SPIRECOVERY_CMD_PEER_DEL, GENL_CMD_CAP_DO },
		{ SPIRECOVERY_CMD_PEER_GET, GENL_CMD_CAP_DUMP },
	};

	EXPECT_NE(0, self->info.id);
	EXPECT_NE(0, self->info.group_id);
	EXPECT_EQ(SPIRECOVERY_FAMILY_VERSION, self->info.version);
	EXPECT_EQ(sizeof(expected) / sizeof(expected[0]), self->info.n_ops);
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct genl_op_info *op = NULL;

		for (unsigned int j = 0; j < self->info.n_ops; j++)
			if (self->info.ops[j].cmd == expected[i].cmd)
				op = &self->info.ops[j];
		ASSERT_NE(NULL, op) TH_LOG("command %u not registered", expected[i].cmd);
		/* The spec's uns-admin-perm: container root manages its own netns. */
		EXPECT_TRUE(op->flags & GENL_UNS_ADMIN_PERM) TH_LOG("cmd %u", op->cmd);
		EXPECT_FALSE(op->flags & GENL_ADMIN_PERM) TH_LOG("cmd %u", op->cmd);
		EXPECT_EQ(expected[i].cap,
			  op->flags & (GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP)) TH_LOG("cmd %u", op->cmd);
	}
}

TEST_F(genl, config_defaults)
{
	struct config c;

	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(defaults, c);
}

TEST_F(genl, set_config_changes_only_given_values)
{
	struct config want = defaults, c;
	struct nl_result res;
	struct nl_msg m;

	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_RATE, 7);
	ASSERT_EQ(0, nl_request(&self->sk, &m, NULL, NULL, &res));
	want.source_rate = 7;
	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(want, c);

	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_ENABLED, 1);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_GLOBAL_BURST, SPIRECOVERY_BURST_MAX);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 128);
	ASSERT_EQ(0, nl_request(&self->sk, &m, NULL, NULL, &res));
	want.enabled = 1;
	want.global_burst = SPIRECOVERY_BURST_MAX;
	want.ipv6_prefix = 128;
	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(want, c);

	/* An empty request is valid and changes nothing. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	ASSERT_EQ(0, nl_request(&self->sk, &m, NULL, NULL, &res));
	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(want, c);

	/* Boundary values are accepted. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_ENABLED, 0);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_RATE, SPIRECOVERY_RATE_MAX);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_BURST, 1);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_GLOBAL_RATE, 1);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 1);
	ASSERT_EQ(0, nl_request(&self->sk, &m, NULL, NULL, &res)) TH_LOG("%s", res.msg);
	want = (struct config){ 0, SPIRECOVERY_RATE_MAX, 1, 1, SPIRECOVERY_BURST_MAX, 1 };
	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(want, c);

	/* ... and the other end of each range. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_RATE, 1);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_BURST, SPIRECOVERY_BURST_MAX);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_GLOBAL_RATE, SPIRECOVERY_RATE_MAX);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_GLOBAL_BURST, 1);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 128);
	ASSERT_EQ(0, nl_request(&self->sk, &m, NULL, NULL, &res)) TH_LOG("%s", res.msg);
	want = (struct config){ 0, 1, SPIRECOVERY_BURST_MAX, SPIRECOVERY_RATE_MAX, 1, 128 };
	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(want, c);
}

TEST_F(genl, set_config_is_all_or_nothing)
{
	struct nl_result res;
	struct config c;
	struct nl_msg m;

	/* A valid value next to an invalid one must not be applied. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_ENABLED, 1);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_RATE, 9);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_IPV6_PREFIX, 0);
	EXPECT_NE(0, nl_request(&self->sk, &m, NULL, NULL, &res));
	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(defaults, c);
}

TEST_F(genl, unknown_attribute_rejected)
{
	struct nl_result res;
	struct config c;
	struct nl_msg m;

	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_RATE, 3);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, nl_request(&self->sk, &m, NULL, NULL, &res));
	EXPECT_STRNE("", res.msg);

	/* Type 0 is no attribute either. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_RATE, 3);
	nl_put_u32(&m, 0, 1);
	EXPECT_EQ(-EINVAL, nl_request(&self->sk, &m, NULL, NULL, &res));

	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(defaults, c);
}

TEST_F(genl, wrong_attribute_length_rejected)
{
	uint32_t four = 1;
	uint16_t two = 1;
	struct nl_result res;
	struct config c;
	struct nl_msg m;

	/* u8 sent as u32: strict validation wants the exact size. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put(&m, SPIRECOVERY_A_CONFIG_ENABLED, &four, sizeof(four));
	EXPECT_EQ(-EINVAL, nl_request(&self->sk, &m, NULL, NULL, &res));
	EXPECT_STRNE("", res.msg);

	/* u32 sent as u16: too short to read. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put(&m, SPIRECOVERY_A_CONFIG_SOURCE_BURST, &two, sizeof(two));
	res.err = nl_request(&self->sk, &m, NULL, NULL, &res);
	EXPECT_TRUE(res.err == -EINVAL || res.err == -ERANGE) TH_LOG("err %d", res.err);

	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(defaults, c);
}

TEST_F(genl, notification_and_unknown_commands_rejected)
{
	struct nl_result res;

	EXPECT_EQ(-EOPNOTSUPP, request(&self->sk, self->info.id, SPIRECOVERY_CMD_MISS_NTF, 0,
				       NULL, &res));
	EXPECT_EQ(-EOPNOTSUPP, request(&self->sk, self->info.id, SPIRECOVERY_CMD_MAX + 1, 0,
				       NULL, &res));
	/* get-source is dump-only. */
	EXPECT_EQ(-EOPNOTSUPP, request(&self->sk, self->info.id, SPIRECOVERY_CMD_GET_SOURCE, 0,
				       NULL, &res));
}

TEST_F(genl, get_stats_returns_every_counter)
{
	const struct nlattr *tb[SPIRECOVERY_A_STATS_MAX + 1];
	struct nl_result res;
	struct reply r;

	ASSERT_EQ(0, request(&self->sk, self->info.id, SPIRECOVERY_CMD_GET_STATS, 0, &r, &res));
	ASSERT_EQ(1, r.messages);
	ASSERT_EQ(0, nl_parse((const struct nlattr *)r.buf, r.len, tb, SPIRECOVERY_A_STATS_MAX));
	for (int type = SPIRECOVERY_A_STATS_PAD + 1; type <= SPIRECOVERY_A_STATS_MAX; type++) {
		uint64_t value;

		ASSERT_NE(NULL, tb[type]) TH_LOG("%s missing", stats_attrs.attrs[type].name);
		ASSERT_EQ(sizeof(uint64_t), nla_payload_len(tb[type]));
		memcpy(&value, nla_payload(tb[type]), sizeof(value));
		/* A new namespace has seen nothing. */
		EXPECT_EQ(0, value) TH_LOG("%s", stats_attrs.attrs[type].name);
	}
}

TEST_F(genl, dump_sources_on_empty_table)
{
	struct nl_result res;
	struct reply r;

	ASSERT_EQ(0, request(&self->sk, self->info.id, SPIRECOVERY_CMD_GET_SOURCE, NLM_F_DUMP,
			     &r, &res));
	EXPECT_EQ(0, r.messages);
}

TEST_F(genl, flush_sources)
{
	struct nl_result res;
	struct reply r;

	ASSERT_EQ(0, request(&self->sk, self->info.id, SPIRECOVERY_CMD_FLUSH_SOURCES, 0,
			     NULL, &res));
	ASSERT_EQ(0, request(&self->sk, self->info.id, SPIRECOVERY_CMD_GET_SOURCE, NLM_F_DUMP,
			     &r, &res));
	EXPECT_EQ(0, r.messages);
}

TEST_F(genl, privileged_join_events)
{
	EXPECT_EQ(0, nl_join_group(&self->sk, self->info.group_id));
}

/* Every command of an unprivileged caller fails with EPERM; nothing changes. */
static void expect_all_commands_denied(struct __test_metadata *_metadata, uint16_t family)
{
	static const uint8_t cmds[] = {
		SPIRECOVERY_CMD_GET_CONFIG, SPIRECOVERY_CMD_SET_CONFIG,
		SPIRECOVERY_CMD_GET_STATS, SPIRECOVERY_CMD_FLUSH_SOURCES,
		SPIRECOVERY_CMD_PEER_SET, SPIRECOVERY_CMD_PEER_ADD, SPIRECOVERY_CMD_PEER_DEL,
	};
	struct nl_result res;
	struct nl_sock sk;
	struct nl_msg m;

	ASSERT_EQ(0, nl_open(&sk));
	for (size_t i = 0; i < sizeof(cmds); i++) {
		EXPECT_EQ(-EPERM, request(&sk, family, cmds[i], 0, NULL, &res))
			TH_LOG("cmd %u", cmds[i]);
	}
	genl_msg_init(&m, family, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_ENABLED, 1);
	EXPECT_EQ(-EPERM, nl_request(&sk, &m, NULL, NULL, &res));
	EXPECT_EQ(-EPERM, request(&sk, family, SPIRECOVERY_CMD_GET_SOURCE, NLM_F_DUMP, NULL, &res));
	EXPECT_EQ(-EPERM, request(&sk, family, SPIRECOVERY_CMD_PEER_GET, NLM_F_DUMP, NULL, &res));
	nl_close(&sk);
}

TEST_F(genl, eperm_for_nobody)
{
	struct config c;

	ASSERT_EQ(0, become_nobody());
	expect_all_commands_denied(_metadata, self->info.id);
	/* A socket opened while privileged does not help: the caller is checked too. */
	EXPECT_EQ(-EPERM, get_config(&self->sk, self->info.id, &c));
}

TEST_F(genl, eperm_without_cap_net_admin)
{
	struct config c;

	ASSERT_EQ(0, drop_cap_net_admin());
	expect_all_commands_denied(_metadata, self->info.id);
	EXPECT_EQ(-EPERM, get_config(&self->sk, self->info.id, &c));
}

TEST_F(genl, events_join_needs_cap_net_admin)
{
	struct genl_family_info info;
	struct nl_result res;
	struct nl_sock sk;
	int enforced = kernel_has_mcast_cap();

	if (enforced < 0)
		SKIP(return, "headers of the running kernel not installed");
	ASSERT_EQ(0, become_nobody());
	ASSERT_EQ(0, nl_open(&sk));
	/* Resolving the family is open to everyone. */
	ASSERT_EQ(0, genl_resolve(&sk, SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS,
				  &info, &res));
	/* Documented: kernels before 6.1.68/6.7 let anyone join. */
	EXPECT_EQ(enforced ? -EPERM : 0, nl_join_group(&sk, info.group_id));
	nl_close(&sk);
}

TEST_F(genl, userns_root_manages_own_netns)
{
	const char *why_not = userns_unavailable();
	struct genl_family_info info;
	struct config c, want = defaults;
	struct nl_result res;
	struct nl_sock sk;
	struct nl_msg m;
	struct reply r;

	if (why_not)
		SKIP(return, "%s", why_not);
	/* Container root: a user namespace owned by nobody, and a netns inside it. */
	ASSERT_EQ(0, become_nobody());
	ASSERT_EQ(0, unshare(CLONE_NEWUSER | CLONE_NEWNET)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, nl_open(&sk));
	ASSERT_EQ(0, genl_resolve(&sk, SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS,
				  &info, &res));

	ASSERT_EQ(0, get_config(&sk, info.id, &c));
	EXPECT_CONFIG(defaults, c);
	genl_msg_init(&m, info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	nl_put_u8(&m, SPIRECOVERY_A_CONFIG_ENABLED, 1);
	nl_put_u32(&m, SPIRECOVERY_A_CONFIG_SOURCE_BURST, 11);
	EXPECT_EQ(0, nl_request(&sk, &m, NULL, NULL, &res)) TH_LOG("%s", res.msg);
	want.enabled = 1;
	want.source_burst = 11;
	ASSERT_EQ(0, get_config(&sk, info.id, &c));
	EXPECT_CONFIG(want, c);
	EXPECT_EQ(0, request(&sk, info.id, SPIRECOVERY_CMD_GET_STATS, 0, &r, &res));
	EXPECT_EQ(0, request(&sk, info.id, SPIRECOVERY_CMD_GET_SOURCE, NLM_F_DUMP, &r, &res));
	EXPECT_EQ(0, request(&sk, info.id, SPIRECOVERY_CMD_FLUSH_SOURCES, 0, NULL, &res));
	EXPECT_EQ(0, request(&sk, info.id, SPIRECOVERY_CMD_PEER_SET, 0, NULL, &res));
	EXPECT_EQ(0, request(&sk, info.id, SPIRECOVERY_CMD_PEER_GET, NLM_F_DUMP, &r, &res));
	EXPECT_EQ(0, nl_join_group(&sk, info.group_id));
	nl_close(&sk);
}

TEST_F(genl, userns_root_denied_in_foreign_netns)
{
	const char *why_not = userns_unavailable();
	struct genl_family_info info;
	struct nl_result res;
	struct nl_sock sk;

	if (why_not)
		SKIP(return, "%s", why_not);
	/* All capabilities, but in a user namespace that does not own this netns. */
	ASSERT_EQ(0, become_nobody());
	ASSERT_EQ(0, unshare(CLONE_NEWUSER)) TH_LOG("%s", strerror(errno));
	expect_all_commands_denied(_metadata, self->info.id);
	ASSERT_EQ(0, nl_open(&sk));
	ASSERT_EQ(0, genl_resolve(&sk, SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS,
				  &info, &res));
	if (kernel_has_mcast_cap() == 1)
		EXPECT_EQ(-EPERM, nl_join_group(&sk, info.group_id));
	nl_close(&sk);
}

/*
 * Each out-of-range value is rejected with the kernel's reason, and the
 * extack names the attribute (its offset in the request) and the range of
 * the spec (the policy's minimum and maximum).
 */
FIXTURE(bad_value) {
	struct nl_sock sk;
	struct genl_family_info info;
};

FIXTURE_VARIANT(bad_value) {
	uint16_t type;
	bool is_u8;
	uint32_t value;
	uint64_t max;		/* the valid range, from the spec */
	uint64_t min;
};

FIXTURE_VARIANT_ADD(bad_value, enabled_2) {
	SPIRECOVERY_A_CONFIG_ENABLED, true, 2, 1, 0 };
FIXTURE_VARIANT_ADD(bad_value, source_rate_0) {
	SPIRECOVERY_A_CONFIG_SOURCE_RATE, false, 0, SPIRECOVERY_RATE_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, source_rate_max_plus_1) {
	SPIRECOVERY_A_CONFIG_SOURCE_RATE, false, SPIRECOVERY_RATE_MAX + 1, SPIRECOVERY_RATE_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, source_burst_0) {
	SPIRECOVERY_A_CONFIG_SOURCE_BURST, false, 0, SPIRECOVERY_BURST_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, source_burst_max_plus_1) {
	SPIRECOVERY_A_CONFIG_SOURCE_BURST, false, SPIRECOVERY_BURST_MAX + 1,
	SPIRECOVERY_BURST_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, global_rate_0) {
	SPIRECOVERY_A_CONFIG_GLOBAL_RATE, false, 0, SPIRECOVERY_RATE_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, global_rate_max_plus_1) {
	SPIRECOVERY_A_CONFIG_GLOBAL_RATE, false, SPIRECOVERY_RATE_MAX + 1, SPIRECOVERY_RATE_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, global_burst_0) {
	SPIRECOVERY_A_CONFIG_GLOBAL_BURST, false, 0, SPIRECOVERY_BURST_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, global_burst_max_plus_1) {
	SPIRECOVERY_A_CONFIG_GLOBAL_BURST, false, SPIRECOVERY_BURST_MAX + 1,
	SPIRECOVERY_BURST_MAX, 1 };
FIXTURE_VARIANT_ADD(bad_value, ipv6_prefix_0) {
	SPIRECOVERY_A_CONFIG_IPV6_PREFIX, true, 0, 128, 1 };
FIXTURE_VARIANT_ADD(bad_value, ipv6_prefix_129) {
	SPIRECOVERY_A_CONFIG_IPV6_PREFIX, true, 129, 128, 1 };

FIXTURE_SETUP(bad_value)
{
	open_in_fresh_netns(_metadata, &self->sk, &self->info);
}

FIXTURE_TEARDOWN(bad_value)
{
	nl_close(&self->sk);
}

TEST_F(bad_value, rejected_with_extack)
{
	const char *name = config_attrs.attrs[variant->type].name;
	struct nl_result res;
	struct config c;
	struct nl_msg m;
	uint32_t offs;

	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_SET_CONFIG, 0);
	offs = m.nlh->nlmsg_len;
	if (variant->is_u8)
		nl_put_u8(&m, variant->type, variant->value);
	else
		nl_put_u32(&m, variant->type, variant->value);
	res.err = nl_request(&self->sk, &m, NULL, NULL, &res);
	EXPECT_TRUE(res.err == -EINVAL || res.err == -ERANGE)
		TH_LOG("%s=%u: err %d", name, variant->value, res.err);
	EXPECT_STRNE("", res.msg) TH_LOG("%s=%u: no extack message", name, variant->value);
	EXPECT_TRUE(res.has_offs) TH_LOG("%s=%u: extack does not point at the attribute",
					 name, variant->value);
	EXPECT_EQ(offs, res.offs) TH_LOG("%s=%u: extack points at the wrong attribute",
					 name, variant->value);
	EXPECT_TRUE(res.has_range) TH_LOG("%s=%u: extack carries no range (\"%s\")",
					  name, variant->value, res.msg);
	EXPECT_EQ(variant->min, res.min) TH_LOG("%s: policy minimum", name);
	EXPECT_EQ(variant->max, res.max) TH_LOG("%s: policy maximum", name);

	ASSERT_EQ(0, get_config(&self->sk, self->info.id, &c));
	EXPECT_CONFIG(defaults, c);
}

/*
 * The peer set.  Peers are written as text, "ADDR" or "ADDR/LEN", and a
 * dump is read back into the same form, in the set's order.
 */

/* A PEER_SET, PEER_ADD or PEER_DEL of @n peers; *@offs[i] receives where peer i starts. */
static int peers_request(struct nl_sock *sk, uint16_t family, uint8_t cmd,
			 const char *const *peers, int n, uint32_t *offs, struct nl_result *res)
{
	struct nl_msg m;
	int err;

	genl_msg_init(&m, family, cmd, 0);
	for (int i = 0; i < n; i++) {
		if (offs)
			offs[i] = m.nlh->nlmsg_len;
		err = peer_put_text(&m, peers[i]);
		if (err)
			return err;
	}
	return nl_request(sk, &m, NULL, NULL, res);
}

/* A PEER_SET or PEER_ADD of @n distinct IPv4 /32s, from 10.0.0.0 + @first. */
static int peers_request_many(struct nl_sock *sk, uint16_t family, uint8_t cmd,
			      uint32_t first, uint32_t n, struct nl_result *res)
{
	struct nl_msg m;
	int err;

	err = genl_msg_init_size(&m, family, cmd, 0, NLMSG_HDRLEN + GENL_HDRLEN + n * 20);
	if (err)
		return err;
	for (uint32_t i = 0; i < n && !err; i++) {
		uint32_t addr = htonl(0x0a000000 + first + i);

		err = peer_put(&m, AF_INET, &addr, -1);
	}
	if (!err)
		err = nl_request(sk, &m, NULL, NULL, res);
	nl_msg_free(&m);
	return err;
}

struct peer_dump {
	int messages;
	int n;
	int cap;
	char (*text)[PEER_TEXT_MAX];
	bool malformed;
};

static int keep_peers(const struct nlmsghdr *nlh, void *arg)
{
	struct peer_dump *d = arg;
	const struct nlattr *attrs, *a;
	int len, rem;

	d->messages++;
	attrs = genl_attrs(nlh, &len);
	nla_for_each(a, attrs, len, rem) {
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 16;
			d->text = realloc(d->text, d->cap * sizeof(*d->text));
			if (!d->text)
				return -ENOMEM;
		}
		if (peer_text(a, d->text[d->n], sizeof(d->text[d->n])))
			d->malformed = true;
		else
			d->n++;
	}
	return rem == 0 ? 0 : -EBADMSG;
}

static int dump_peers(struct nl_sock *sk, uint16_t family, struct peer_dump *d)
{
	struct nl_result res;
	struct nl_msg m;

	free(d->text);
	memset(d, 0, sizeof(*d));
	genl_msg_init(&m, family, SPIRECOVERY_CMD_PEER_GET, NLM_F_DUMP);
	return nl_request(sk, &m, keep_peers, d, &res);
}

#define EXPECT_PEERS(d, ...) do {						\
	static const char *const want_[] = { __VA_ARGS__ };			\
	int n_ = sizeof(want_) / sizeof(want_[0]);				\
	EXPECT_FALSE((d).malformed);						\
	ASSERT_EQ(n_, (d).n);							\
	for (int i_ = 0; i_ < n_; i_++)						\
		EXPECT_STREQ(want_[i_], (d).text[i_]);				\
} while (0)

TEST_F(genl, peers_empty_by_default)
{
	struct peer_dump d = { 0 };

	ASSERT_EQ(0, dump_peers(&self->sk, self->info.id, &d));
	EXPECT_EQ(0, d.n);
	free(d.text);
}

TEST_F(genl, peers_replace_add_del)
{
	static const char *const set1[] = { "2001:db8::/64", "192.0.2.1", "10.1.0.0/16" };
	static const char *const add[] = { "198.51.100.7/32", "2001:db8:1::1" };
	static const char *const del[] = { "10.1.0.0/16", "2001:db8::/64" };
	static const char *const set2[] = { "203.0.113.0/24" };
	struct peer_dump d = { 0 };
	struct nl_result res;
	uint16_t id = self->info.id;

	ASSERT_EQ(0, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_SET, set1, 3, NULL, &res))
		TH_LOG("%s", res.msg);
	ASSERT_EQ(0, dump_peers(&self->sk, id, &d));
	/* Sorted: IPv4 before IPv6, then by address; an absent prefix-len is the whole address. */
	EXPECT_PEERS(d, "10.1.0.0/16", "192.0.2.1/32", "2001:db8::/64");

	ASSERT_EQ(0, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_ADD, add, 2, NULL, &res))
		TH_LOG("%s", res.msg);
	ASSERT_EQ(0, dump_peers(&self->sk, id, &d));
	EXPECT_PEERS(d, "10.1.0.0/16", "192.0.2.1/32", "198.51.100.7/32", "2001:db8::/64",
		     "2001:db8:1::1/128");

	ASSERT_EQ(0, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_DEL, del, 2, NULL, &res))
		TH_LOG("%s", res.msg);
	ASSERT_EQ(0, dump_peers(&self->sk, id, &d));
	EXPECT_PEERS(d, "192.0.2.1/32", "198.51.100.7/32", "2001:db8:1::1/128");

	/* A replace leaves nothing of the old set. */
	ASSERT_EQ(0, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_SET, set2, 1, NULL, &res))
		TH_LOG("%s", res.msg);
	ASSERT_EQ(0, dump_peers(&self->sk, id, &d));
	EXPECT_PEERS(d, "203.0.113.0/24");

	ASSERT_EQ(0, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_SET, NULL, 0, NULL, &res));
	ASSERT_EQ(0, dump_peers(&self->sk, id, &d));
	EXPECT_EQ(0, d.n);
	free(d.text);
}

/* A rejected write changes nothing, and the extack points at the peer at fault. */
TEST_F(genl, peers_writes_are_all_or_nothing)
{
	static const char *const base[] = { "192.0.2.1" };
	static const char *const bad_set[] = { "192.0.2.2", "192.0.2.3", "192.0.2.2" };
	static const char *const bad_add[] = { "192.0.2.4", "192.0.2.1" };
	static const char *const bad_del[] = { "192.0.2.1", "192.0.2.9" };
	static const char *const twice_del[] = { "192.0.2.1", "192.0.2.1" };
	struct peer_dump d = { 0 };
	struct nl_result res;
	uint16_t id = self->info.id;
	uint32_t offs[3];

	ASSERT_EQ(0, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_SET, base, 1, NULL, &res));

	EXPECT_EQ(-EEXIST, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_SET, bad_set, 3,
					 offs, &res));
	EXPECT_STRNE("", res.msg);
	EXPECT_TRUE(res.has_offs);
	EXPECT_EQ(offs[2], res.offs) TH_LOG("the duplicate is the third peer");

	EXPECT_EQ(-EEXIST, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_ADD, bad_add, 2,
					 offs, &res));
	EXPECT_STRNE("", res.msg);
	EXPECT_EQ(offs[1], res.offs) TH_LOG("192.0.2.1 is in the set already");

	EXPECT_EQ(-ENOENT, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_DEL, bad_del, 2,
					 offs, &res));
	EXPECT_STRNE("", res.msg);
	EXPECT_EQ(offs[1], res.offs) TH_LOG("192.0.2.9 is not in the set");

	EXPECT_EQ(-ENOENT, peers_request(&self->sk, id, SPIRECOVERY_CMD_PEER_DEL, twice_del, 2,
					 offs, &res));
	EXPECT_EQ(offs[1], res.offs) TH_LOG("the second delete of 192.0.2.1");

	ASSERT_EQ(0, dump_peers(&self->sk, id, &d));
	EXPECT_PEERS(d, "192.0.2.1/32");
	free(d.text);
}

TEST_F(genl, peers_dump_of_ten_thousand)
{
	struct peer_dump d = { 0 };
	struct nl_result res;

	ASSERT_EQ(0, peers_request_many(&self->sk, self->info.id, SPIRECOVERY_CMD_PEER_SET, 0,
					10000, &res)) TH_LOG("%s", res.msg);
	ASSERT_EQ(0, dump_peers(&self->sk, self->info.id, &d));
	EXPECT_FALSE(d.malformed);
	ASSERT_EQ(10000, d.n);
	EXPECT_LT(1, d.messages) TH_LOG("a dump this long spans several messages");
	for (int i = 0; i < d.n; i++) {
		char want[PEER_TEXT_MAX];

		snprintf(want, sizeof(want), "10.0.%d.%d/32", i >> 8, i & 0xff);
		ASSERT_STREQ(want, d.text[i]);
	}
	free(d.text);
}

static unsigned int max_peers(void)
{
	FILE *f = fopen("/sys/module/spirecovery/parameters/peers", "r");
	unsigned int max = 0;

	if (f) {
		if (fscanf(f, "%u", &max) != 1)
			max = 0;
		fclose(f);
	}
	return max;
}

TEST_F(genl, peers_set_size_is_limited)
{
	unsigned int max = max_peers();
	struct peer_dump d = { 0 };
	struct nl_result res;

	ASSERT_LE(65536, max) TH_LOG("the peers module parameter is below 65536: %u", max);
	EXPECT_EQ(-ENOSPC, peers_request_many(&self->sk, self->info.id, SPIRECOVERY_CMD_PEER_SET,
					      0, max + 1, &res));
	EXPECT_STRNE("", res.msg);
	EXPECT_TRUE(res.has_offs);

	ASSERT_EQ(0, peers_request_many(&self->sk, self->info.id, SPIRECOVERY_CMD_PEER_SET, 0,
					max, &res)) TH_LOG("%s", res.msg);
	EXPECT_EQ(-ENOSPC, peers_request_many(&self->sk, self->info.id, SPIRECOVERY_CMD_PEER_ADD,
					      max, 1, &res));
	EXPECT_STRNE("", res.msg);
	ASSERT_EQ(0, dump_peers(&self->sk, self->info.id, &d));
	EXPECT_EQ((int)max, d.n);
	free(d.text);
}

TEST_F(genl, peers_are_per_netns)
{
	static const char *const mine[] = { "192.0.2.1" };
	static const char *const theirs[] = { "2001:db8::1" };
	struct genl_family_info info;
	struct peer_dump d = { 0 };
	struct nl_result res;
	struct nl_sock sk;

	ASSERT_EQ(0, peers_request(&self->sk, self->info.id, SPIRECOVERY_CMD_PEER_SET, mine, 1,
				   NULL, &res));
	/* A socket stays in the netns it was opened in. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, nl_open(&sk));
	ASSERT_EQ(0, genl_resolve(&sk, SPIRECOVERY_FAMILY_NAME, NULL, &info, &res));
	ASSERT_EQ(0, dump_peers(&sk, info.id, &d));
	EXPECT_EQ(0, d.n);
	ASSERT_EQ(0, peers_request(&sk, info.id, SPIRECOVERY_CMD_PEER_SET, theirs, 1, NULL, &res));
	ASSERT_EQ(0, dump_peers(&self->sk, self->info.id, &d));
	EXPECT_PEERS(d, "192.0.2.1/32");
	ASSERT_EQ(0, dump_peers(&sk, info.id, &d));
	EXPECT_PEERS(d, "2001:db8::1/128");
	nl_close(&sk);
	free(d.text);
}

/*
 * Each malformed peer is rejected with a message, and the extack points at
 * the attribute at fault (and carries the range where the policy has one).
 */
FIXTURE(bad_peer) {
	struct nl_sock sk;
	struct genl_family_info info;
};

enum bad_peer_at { AT_NEST, AT_ADDR, AT_PREFIX, AT_EXTRA };

FIXTURE_VARIANT(bad_peer) {
	bool v4, v6;		/* which addresses the nest carries */
	int addr_len;		/* of the one address */
	const char *addr;
	int prefix_len;		/* < 0: absent */
	uint16_t extra_type;	/* a further attribute in the nest, 0: none */
	enum bad_peer_at at;
	bool has_range;
	uint64_t max;
};

FIXTURE_VARIANT_ADD(bad_peer, no_address) {
	.prefix_len = 24, .at = AT_NEST };
FIXTURE_VARIANT_ADD(bad_peer, both_addresses) {
	.v4 = true, .v6 = true, .addr = "192.0.2.1", .prefix_len = -1, .at = AT_NEST };
FIXTURE_VARIANT_ADD(bad_peer, ipv4_prefix_33) {
	.v4 = true, .addr_len = 4, .addr = "192.0.2.1", .prefix_len = 33, .at = AT_PREFIX };
FIXTURE_VARIANT_ADD(bad_peer, prefix_129) {
	.v6 = true, .addr_len = 16, .addr = "2001:db8::", .prefix_len = 129, .at = AT_PREFIX,
	.has_range = true, .max = 128 };
FIXTURE_VARIANT_ADD(bad_peer, ipv4_host_bits) {
	.v4 = true, .addr_len = 4, .addr = "10.0.0.1", .prefix_len = 8, .at = AT_ADDR };
FIXTURE_VARIANT_ADD(bad_peer, ipv6_host_bits) {
	.v6 = true, .addr_len = 16, .addr = "2001:db8::1", .prefix_len = 64, .at = AT_ADDR };
FIXTURE_VARIANT_ADD(bad_peer, addr6_15_bytes) {
	.v6 = true, .addr_len = 15, .addr = "2001:db8::1", .prefix_len = -1, .at = AT_ADDR };
FIXTURE_VARIANT_ADD(bad_peer, addr4_2_bytes) {
	.v4 = true, .addr_len = 2, .addr = "192.0.2.1", .prefix_len = -1, .at = AT_ADDR };
FIXTURE_VARIANT_ADD(bad_peer, unknown_attribute) {
	.v4 = true, .addr_len = 4, .addr = "192.0.2.1", .prefix_len = -1,
	.extra_type = SPIRECOVERY_A_PEER_MAX + 1, .at = AT_EXTRA };

FIXTURE_SETUP(bad_peer)
{
	open_in_fresh_netns(_metadata, &self->sk, &self->info);
}

FIXTURE_TEARDOWN(bad_peer)
{
	nl_close(&self->sk);
}

TEST_F(bad_peer, rejected_with_extack)
{
	static const char *const good[] = { "198.51.100.1" };
	uint32_t at[AT_EXTRA + 1] = { 0 };
	unsigned char bytes[16] = { 0 };
	struct peer_dump d = { 0 };
	struct nl_result res;
	struct nlattr *nest;
	uint8_t cmds[] = { SPIRECOVERY_CMD_PEER_SET, SPIRECOVERY_CMD_PEER_ADD,
			   SPIRECOVERY_CMD_PEER_DEL };
	struct nl_msg m;

	ASSERT_EQ(0, peers_request(&self->sk, self->info.id, SPIRECOVERY_CMD_PEER_SET, good, 1,
				   NULL, &res));
	if (variant->addr)
		ASSERT_EQ(1, inet_pton(variant->v6 && !variant->v4 ? AF_INET6 : AF_INET,
				       variant->addr, bytes));
	for (size_t c = 0; c < sizeof(cmds); c++) {
		genl_msg_init(&m, self->info.id, cmds[c], 0);
		/* A good peer first: the bad one is not simply the first attribute. */
		ASSERT_EQ(0, peer_put_text(&m, "203.0.113.1"));
		at[AT_NEST] = m.nlh->nlmsg_len;
		nest = nl_nest_start(&m, SPIRECOVERY_A_PEERS_PEER);
		at[AT_ADDR] = m.nlh->nlmsg_len;
		if (variant->v4)
			nl_put(&m, SPIRECOVERY_A_PEER_ADDR4, bytes, variant->v6 ? 4 : variant->addr_len);
		if (variant->v6)
			nl_put(&m, SPIRECOVERY_A_PEER_ADDR6, bytes, variant->v4 ? 16 : variant->addr_len);
		at[AT_PREFIX] = m.nlh->nlmsg_len;
		if (variant->prefix_len >= 0)
			nl_put_u8(&m, SPIRECOVERY_A_PEER_PREFIX_LEN, variant->prefix_len);
		at[AT_EXTRA] = m.nlh->nlmsg_len;
		if (variant->extra_type)
			nl_put_u32(&m, variant->extra_type, 0);
		nl_nest_end(&m, nest);

		res.err = nl_request(&self->sk, &m, NULL, NULL, &res);
		EXPECT_TRUE(res.err == -EINVAL || res.err == -ERANGE)
			TH_LOG("cmd %u: err %d", cmds[c], res.err);
		EXPECT_STRNE("", res.msg) TH_LOG("cmd %u: no extack message", cmds[c]);
		EXPECT_TRUE(res.has_offs) TH_LOG("cmd %u: no attribute named (\"%s\")", cmds[c],
						 res.msg);
		EXPECT_EQ(at[variant->at], res.offs) TH_LOG("cmd %u: wrong attribute (\"%s\")",
							    cmds[c], res.msg);
		if (variant->has_range) {
			EXPECT_TRUE(res.has_range) TH_LOG("cmd %u: no range", cmds[c]);
			EXPECT_EQ(variant->max, res.max);
		}
	}
	/* A top-level attribute other than peer is refused as well. */
	genl_msg_init(&m, self->info.id, SPIRECOVERY_CMD_PEER_SET, 0);
	at[AT_EXTRA] = m.nlh->nlmsg_len;
	nl_put_u32(&m, SPIRECOVERY_A_PEERS_MAX + 1, 0);
	EXPECT_NE(0, nl_request(&self->sk, &m, NULL, NULL, &res));
	EXPECT_EQ(at[AT_EXTRA], res.offs);

	ASSERT_EQ(0, dump_peers(&self->sk, self->info.id, &d));
	EXPECT_PEERS(d, "198.51.100.1/32");
	free(d.text);
}

TEST_HARNESS_MAIN
