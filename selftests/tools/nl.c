// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal raw generic-netlink client for the spirecovery selftests.
 */
#include "nl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NL_RECV_MAX	65536

int nl_open(struct nl_sock *sk)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int one = 1;

	sk->seq = 1;
	sk->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sk->fd < 0)
		return -errno;
	/* Extended ACKs carry the module's messages; capped ACKs keep them short. */
	if (setsockopt(sk->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(sk->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    bind(sk->fd, (struct sockaddr *)&local, sizeof(local))) {
		int err = -errno;

		close(sk->fd);
		sk->fd = -1;
		return err;
	}
	return 0;
}

void nl_close(struct nl_sock *sk)
{
	if (sk->fd >= 0)
		close(sk->fd);
	sk->fd = -1;
}

static void genl_msg_start(struct nl_msg *m, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(m->nlh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh->nlmsg_type = family;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = (struct genlmsghdr *)((char *)m->nlh + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = 1;
}

void genl_msg_init(struct nl_msg *m, uint16_t family, uint8_t cmd, uint16_t flags)
{
	m->nlh = &m->hdr;
	m->cap = sizeof(m->small);
	genl_msg_start(m, family, cmd, flags);
}

int genl_msg_init_size(struct nl_msg *m, uint16_t family, uint8_t cmd, uint16_t flags,
		       size_t size)
{
	if (size <= sizeof(m->small)) {
		genl_msg_init(m, family, cmd, flags);
		return 0;
	}
	m->nlh = malloc(size);
	if (!m->nlh)
		return -ENOMEM;
	m->cap = size;
	genl_msg_start(m, family, cmd, flags);
	return 0;
}

void nl_msg_free(struct nl_msg *m)
{
	if (m->nlh != &m->hdr)
		free(m->nlh);
	m->nlh = &m->hdr;
	m->cap = sizeof(m->small);
}

static char *nl_tail(struct nl_msg *m)
{
	return (char *)m->nlh + NLMSG_ALIGN(m->nlh->nlmsg_len);
}

int nl_put(struct nl_msg *m, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)nl_tail(m);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (NLMSG_ALIGN(m->nlh->nlmsg_len) + total > m->cap)
		return -EMSGSIZE;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	m->nlh->nlmsg_len = NLMSG_ALIGN(m->nlh->nlmsg_len) + total;
	return 0;
}

struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type)
{
	struct nlattr *nest = (struct nlattr *)nl_tail(m);

	if (nl_put(m, type | NLA_F_NESTED, NULL, 0))
		return NULL;
	return nest;
}

void nl_nest_end(struct nl_msg *m, struct nlattr *nest)
{
	nest->nla_len = nl_tail(m) - (char *)nest;
}

int nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t value)
{
	return nl_put(m, type, &value, sizeof(value));
}

int nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t value)
{
	return nl_put(m, type, &value, sizeof(value));
}

int nl_put_str(struct nl_msg *m, uint16_t type, const char *s)
{
	return nl_put(m, type, s, strlen(s) + 1);
}

const struct nlattr *genl_attrs(const struct nlmsghdr *nlh, int *len)
{
	*len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	if (*len < 0)
		*len = 0;
	return (const struct nlattr *)((const char *)nlh + NLMSG_HDRLEN + GENL_HDRLEN);
}

int nl_parse(const struct nlattr *attrs, int len, const struct nlattr **tb, int max)
{
	const struct nlattr *a;
	int rem;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	nla_for_each(a, attrs, len, rem) {
		if (nla_type_of(a) > max)
			return -EINVAL;
		tb[nla_type_of(a)] = a;
	}
	return rem == 0 ? 0 : -EINVAL;
}

/* The unsigned range of the policy the kernel reports for a rejected attribute. */
static void parse_policy(const struct nlattr *policy, struct nl_result *res)
{
	bool has_min = false, has_max = false;
	const struct nlattr *a;
	int rem;

	nla_for_each(a, (const struct nlattr *)nla_payload(policy), nla_payload_len(policy), rem) {
		if (nla_payload_len(a) != sizeof(uint64_t))
			continue;
		if (nla_type_of(a) == NL_POLICY_TYPE_ATTR_MIN_VALUE_U) {
			memcpy(&res->min, nla_payload(a), sizeof(uint64_t));
			has_min = true;
		} else if (nla_type_of(a) == NL_POLICY_TYPE_ATTR_MAX_VALUE_U) {
			memcpy(&res->max, nla_payload(a), sizeof(uint64_t));
			has_max = true;
		}
	}
	res->has_range = has_min && has_max;
}

/* Fill @res from an NLMSG_ERROR or NLMSG_DONE payload (error code + extack TLVs). */
static void parse_status(const struct nlmsghdr *nlh, struct nl_result *res)
{
	const char *payload = NLMSG_DATA(nlh);
	int payload_len = (int)nlh->nlmsg_len - NLMSG_HDRLEN;
	const struct nlattr *a;
	int tlv_off, rem;

	if (payload_len < (int)sizeof(int)) {
		res->err = -EBADMSG;
		return;
	}
	memcpy(&res->err, payload, sizeof(int));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		tlv_off = sizeof(int);
	} else {
		const struct nlmsgerr *e = (const struct nlmsgerr *)payload;

		tlv_off = sizeof(*e);
		/* Without NLM_F_CAPPED the whole request is echoed before the TLVs. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			tlv_off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	nla_for_each(a, (const struct nlattr *)(payload + tlv_off), payload_len - tlv_off, rem) {
		switch (nla_type_of(a)) {
		case NLMSGERR_ATTR_MSG:
			snprintf(res->msg, sizeof(res->msg), "%.*s",
				 nla_payload_len(a), (const char *)nla_payload(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (nla_payload_len(a) == sizeof(uint32_t)) {
				memcpy(&res->offs, nla_payload(a), sizeof(uint32_t));
				res->has_offs = true;
			}
			break;
		case NLMSGERR_ATTR_POLICY:
			parse_policy(a, res);
			break;
		}
	}
}

int nl_request(struct nl_sock *sk, struct nl_msg *m, nl_reply_cb cb, void *arg,
	       struct nl_result *res)
{
	static char buf[NL_RECV_MAX] __attribute__((aligned(NLMSG_ALIGNTO)));
	bool dump = m->nlh->nlmsg_flags & NLM_F_DUMP;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int cb_err = 0;

	memset(res, 0, sizeof(*res));
	if (!dump)
		m->nlh->nlmsg_flags |= NLM_F_ACK;
	m->nlh->nlmsg_seq = ++sk->seq;
	/* The default send buffer (about 200 KiB) is too small for a big peer set. */
	if (m->nlh->nlmsg_len > NL_MSG_MAX) {
		int size = (int)m->nlh->nlmsg_len;

		if (setsockopt(sk->fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
			return res->err = -errno;
	}
	if (sendto(sk->fd, m->nlh, m->nlh->nlmsg_len, 0,
		   (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return res->err = -errno;

	for (;;) {
		const struct nlmsghdr *nlh;
		ssize_t n = recv(sk->fd, buf, sizeof(buf), 0);
		int rem;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return res->err = -errno;
		}
		rem = (int)n;
		for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			/* Multicast notifications may share the socket; skip them. */
			if (nlh->nlmsg_seq != m->nlh->nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
				parse_status(nlh, res);
				if (!res->err && cb_err)
					res->err = cb_err;
				return res->err;
			}
			if (cb && !cb_err)
				cb_err = cb(nlh, arg);
		}
	}
}

struct resolve_ctx {
	const char *group;
	struct genl_family_info *info;
};

static void parse_ops(const struct nlattr *ops, struct genl_family_info *info)
{
	const struct nlattr *op, *a;
	int rem, rem2;

	nla_for_each(op, (const struct nlattr *)nla_payload(ops), nla_payload_len(ops), rem) {
		struct genl_op_info o = { 0 };

		nla_for_each(a, (const struct nlattr *)nla_payload(op), nla_payload_len(op), rem2) {
			if (nla_payload_len(a) != sizeof(uint32_t))
				continue;
			if (nla_type_of(a) == CTRL_ATTR_OP_ID)
				memcpy(&o.cmd, nla_payload(a), sizeof(uint32_t));
			else if (nla_type_of(a) == CTRL_ATTR_OP_FLAGS)
				memcpy(&o.flags, nla_payload(a), sizeof(uint32_t));
		}
		if (info->n_ops < GENL_OPS_MAX)
			info->ops[info->n_ops++] = o;
	}
}

static void parse_groups(const struct nlattr *groups, struct resolve_ctx *ctx)
{
	const struct nlattr *grp, *a;
	int rem, rem2;

	nla_for_each(grp, (const struct nlattr *)nla_payload(groups), nla_payload_len(groups), rem) {
		const char *name = NULL;
		uint32_t id = 0;

		nla_for_each(a, (const struct nlattr *)nla_payload(grp), nla_payload_len(grp), rem2) {
			if (nla_type_of(a) == CTRL_ATTR_MCAST_GRP_NAME)
				name = nla_payload(a);
			else if (nla_type_of(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 nla_payload_len(a) == sizeof(uint32_t))
				memcpy(&id, nla_payload(a), sizeof(uint32_t));
		}
		if (ctx->group && name && !strcmp(name, ctx->group))
			ctx->info->group_id = id;
	}
}

static int resolve_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct resolve_ctx *ctx = arg;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { 0 };
	const struct nlattr *a;
	int len, rem;

	/* Newer kernels add controller attributes; index only the known ones. */
	nla_for_each(a, genl_attrs(nlh, &len), len, rem)
		if (nla_type_of(a) <= CTRL_ATTR_MAX)
			tb[nla_type_of(a)] = a;
	if (!tb[CTRL_ATTR_FAMILY_ID] || nla_payload_len(tb[CTRL_ATTR_FAMILY_ID]) != sizeof(uint16_t))
		return -EBADMSG;
	memcpy(&ctx->info->id, nla_payload(tb[CTRL_ATTR_FAMILY_ID]), sizeof(uint16_t));
	if (tb[CTRL_ATTR_VERSION] && nla_payload_len(tb[CTRL_ATTR_VERSION]) == sizeof(uint32_t))
		memcpy(&ctx->info->version, nla_payload(tb[CTRL_ATTR_VERSION]), sizeof(uint32_t));
	if (tb[CTRL_ATTR_OPS])
		parse_ops(tb[CTRL_ATTR_OPS], ctx->info);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		parse_groups(tb[CTRL_ATTR_MCAST_GROUPS], ctx);
	return 0;
}

int genl_resolve(struct nl_sock *sk, const char *family, const char *group,
		 struct genl_family_info *info, struct nl_result *res)
{
	struct resolve_ctx ctx = { .group = group, .info = info };
	struct nl_msg m;
	int err;

	memset(info, 0, sizeof(*info));
	genl_msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	nl_put_str(&m, CTRL_ATTR_FAMILY_NAME, family);
	err = nl_request(sk, &m, resolve_reply, &ctx, res);
	if (!err && !info->id)
		err = res->err = -ENOENT;
	if (!err && group && !info->group_id)
		err = res->err = -ENOENT;
	return err;
}

int nl_join_group(struct nl_sock *sk, uint32_t group_id)
{
	if (setsockopt(sk->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group_id, sizeof(group_id)))
		return -errno;
	return 0;
}
