/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal raw generic-netlink client for the spirecovery selftests.
 *
 * The tests talk to the module without libnl or the project's CLI so that a
 * bug in either cannot hide (or fake) a bug in the kernel side, and so that
 * they can send deliberately malformed requests.
 */
#ifndef SPIRECOVERY_SELFTESTS_NL_H
#define SPIRECOVERY_SELFTESTS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#define NL_MSG_MAX	4096
#define GENL_OPS_MAX	32

struct nl_sock {
	int fd;
	uint32_t seq;
};

/*
 * A request being built: netlink header, genetlink header, attributes.
 * @nlh points at @small, or at the heap for a bigger request (a peer set).
 */
struct nl_msg {
	struct nlmsghdr *nlh;
	size_t cap;
	union {
		struct nlmsghdr hdr;
		char small[NL_MSG_MAX];
	};
};

/* Outcome of a request: 0 or -errno, plus what the kernel's extack said. */
struct nl_result {
	int err;
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" when absent */
	bool has_offs;
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS: bad attribute, from nlmsghdr */
	bool has_range;		/* NLMSGERR_ATTR_POLICY gave an unsigned range: */
	uint64_t min, max;	/* NL_POLICY_TYPE_ATTR_{MIN,MAX}_VALUE_U */
};

struct genl_op_info {
	uint32_t cmd;
	uint32_t flags;		/* GENL_CMD_CAP_*, GENL_*ADMIN_PERM */
};

/* What the genetlink controller says about a family. */
struct genl_family_info {
	uint16_t id;
	uint32_t version;
	uint32_t group_id;	/* of the requested multicast group, 0 if absent */
	unsigned int n_ops;
	struct genl_op_info ops[GENL_OPS_MAX];
};

/* Called for every data message of a reply; a negative return aborts. */
typedef int (*nl_reply_cb)(const struct nlmsghdr *nlh, void *arg);

int nl_open(struct nl_sock *sk);
void nl_close(struct nl_sock *sk);

void genl_msg_init(struct nl_msg *m, uint16_t family, uint8_t cmd, uint16_t flags);
/* Room for @size bytes in all; nl_msg_free() releases it. Returns -ENOMEM or 0. */
int genl_msg_init_size(struct nl_msg *m, uint16_t family, uint8_t cmd, uint16_t flags,
		       size_t size);
void nl_msg_free(struct nl_msg *m);
int nl_put(struct nl_msg *m, uint16_t type, const void *data, uint16_t len);
/* Open a nested attribute (NULL when full); close it once its attributes are in. */
struct nlattr *nl_nest_start(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, struct nlattr *nest);
int nl_put_u8(struct nl_msg *m, uint16_t type, uint8_t value);
int nl_put_u32(struct nl_msg *m, uint16_t type, uint32_t value);
int nl_put_str(struct nl_msg *m, uint16_t type, const char *s);

/*
 * Send @m and read the answer: data messages go to @cb (may be NULL), the
 * terminating ACK, error or NLMSG_DONE fills @res.  Returns res->err, or a
 * negative errno of the socket itself.
 */
int nl_request(struct nl_sock *sk, struct nl_msg *m, nl_reply_cb cb, void *arg,
	       struct nl_result *res);

/* Resolve a family by name and, if @group is not NULL, one of its groups. */
int genl_resolve(struct nl_sock *sk, const char *family, const char *group,
		 struct genl_family_info *info, struct nl_result *res);

int nl_join_group(struct nl_sock *sk, uint32_t group_id);

/* Attributes after the genetlink header of @nlh. */
const struct nlattr *genl_attrs(const struct nlmsghdr *nlh, int *len);

/*
 * Index the attributes of a flat set by type; later duplicates win.
 * Returns -EINVAL if the stream is malformed or a type exceeds @max.
 */
int nl_parse(const struct nlattr *attrs, int len, const struct nlattr **tb, int max);

#define nla_for_each(pos, head, len, rem)					\
	for ((pos) = (head), (rem) = (len);					\
	     (rem) >= (int)sizeof(struct nlattr) &&				\
	     (pos)->nla_len >= sizeof(struct nlattr) &&				\
	     (pos)->nla_len <= (rem);						\
	     (rem) -= NLA_ALIGN((pos)->nla_len),				\
	     (pos) = (const struct nlattr *)((const char *)(pos) +		\
					     NLA_ALIGN((pos)->nla_len)))

static inline const void *nla_payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static inline int nla_payload_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline int nla_type_of(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

#endif /* SPIRECOVERY_SELFTESTS_NL_H */
