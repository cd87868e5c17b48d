// SPDX-License-Identifier: GPL-2.0
/*
 * genl_request: one spirecovery request from the shell selftests, in the
 * current network namespace, with the answer printed as "name=value" pairs
 * (names as in the YNL spec), one line per message:
 *
 *   genl_request get-config
 *   genl_request set-config NAME=VALUE...   (NAME: a config attribute)
 *   genl_request get-stats
 *   genl_request dump-sources               (one line per table entry)
 *   genl_request flush-sources
 *   genl_request peer-set|peer-add|peer-del [ADDR[/LEN]...]
 *   genl_request dump-peers                 (peer=ADDR/LEN, one line per peer)
 *
 * A rejected request exits 1 with "genl_request: <op>: <ERRNO> (<text>):
 * <extack message>" on stderr.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/spirecovery.h>

#include "attrs.h"
#include "nl.h"
#include "peers.h"

struct op {
	const char *name;
	uint8_t cmd;
	uint16_t flags;
	const struct attr_set *reply;
};

static const struct op ops[] = {
	{ "get-config", SPIRECOVERY_CMD_GET_CONFIG, 0, &config_attrs },
	{ "set-config", SPIRECOVERY_CMD_SET_CONFIG, 0, NULL },
	{ "get-stats", SPIRECOVERY_CMD_GET_STATS, 0, &stats_attrs },
	{ "dump-sources", SPIRECOVERY_CMD_GET_SOURCE, NLM_F_DUMP, &source_attrs },
	{ "flush-sources", SPIRECOVERY_CMD_FLUSH_SOURCES, 0, NULL },
	{ "peer-set", SPIRECOVERY_CMD_PEER_SET, 0, NULL },
	{ "peer-add", SPIRECOVERY_CMD_PEER_ADD, 0, NULL },
	{ "peer-del", SPIRECOVERY_CMD_PEER_DEL, 0, NULL },
	{ "dump-peers", SPIRECOVERY_CMD_PEER_GET, NLM_F_DUMP, NULL },
};

static bool takes_peers(const struct op *op)
{
	return op->cmd == SPIRECOVERY_CMD_PEER_SET || op->cmd == SPIRECOVERY_CMD_PEER_ADD ||
	       op->cmd == SPIRECOVERY_CMD_PEER_DEL;
}

static int print_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct attr_set *set = arg;
	const struct nlattr *attrs;
	int len;

	attrs = genl_attrs(nlh, &len);
	attrs_print(stdout, set, attrs, len);
	return 0;
}

static int print_peers(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *attrs, *a;
	char text[PEER_TEXT_MAX];
	int len, rem;

	(void)arg;
	attrs = genl_attrs(nlh, &len);
	nla_for_each(a, attrs, len, rem) {
		if (peer_text(a, text, sizeof(text)))
			puts("peer=malformed");
		else
			printf("peer=%s\n", text);
	}
	return rem ? -EBADMSG : 0;
}

/* Add "name=value" as the config attribute of that name, sized as the spec says. */
static int put_config(struct nl_msg *m, const char *arg)
{
	const char *eq = strchr(arg, '=');
	unsigned long long value;
	char *end;

	if (!eq)
		return -EINVAL;
	errno = 0;
	value = strtoull(eq + 1, &end, 0);
	if (errno || *end || end == eq + 1)
		return -EINVAL;
	for (int type = 1; type <= config_attrs.max; type++) {
		const struct attr_desc *d = &config_attrs.attrs[type];

		if (strlen(d->name) != (size_t)(eq - arg) || strncmp(d->name, arg, eq - arg))
			continue;
		if (d->kind == ATTR_U8)
			return value > UINT8_MAX ? -ERANGE : nl_put_u8(m, type, value);
		return value > UINT32_MAX ? -ERANGE : nl_put_u32(m, type, value);
	}
	return -ENOENT;
}

static int usage(void)
{
	fputs("usage: genl_request get-config | set-config NAME=VALUE... | get-stats |\n"
	      "                    dump-sources | flush-sources |\n"
	      "                    peer-set|peer-add|peer-del [ADDR[/LEN]...] | dump-peers\n",
	      stderr);
	return 1;
}

int main(int argc, char **argv)
{
	struct genl_family_info info;
	const struct op *op = NULL;
	struct nl_result res;
	struct nl_sock sk;
	struct nl_msg m;
	int err;

	if (argc < 2)
		return usage();
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(argv[1], ops[i].name))
			op = &ops[i];
	if (!op || (op->cmd != SPIRECOVERY_CMD_SET_CONFIG && !takes_peers(op) && argc != 2))
		return usage();

	err = nl_open(&sk);
	if (!err)
		err = genl_resolve(&sk, SPIRECOVERY_FAMILY_NAME, NULL, &info, &res);
	if (err) {
		fprintf(stderr, "genl_request: resolve %s: %s (%s)\n", SPIRECOVERY_FAMILY_NAME,
			strerrorname_np(-err) ?: "?", strerror(-err));
		return 1;
	}

	/* 20 bytes per IPv4 peer, 32 per IPv6 one. */
	if (genl_msg_init_size(&m, info.id, op->cmd, op->flags,
			       NLMSG_HDRLEN + GENL_HDRLEN + 32 * (size_t)argc)) {
		fputs("genl_request: out of memory\n", stderr);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		err = takes_peers(op) ? peer_put_text(&m, argv[i]) : put_config(&m, argv[i]);
		if (err) {
			fprintf(stderr, "genl_request: bad %s '%s'\n",
				takes_peers(op) ? "peer" : "setting", argv[i]);
			return 1;
		}
	}
	if (op->cmd == SPIRECOVERY_CMD_PEER_GET)
		err = nl_request(&sk, &m, print_peers, NULL, &res);
	else
		err = nl_request(&sk, &m, op->reply ? print_reply : NULL, (void *)op->reply, &res);
	nl_msg_free(&m);
	if (err) {
		fprintf(stderr, "genl_request: %s: %s (%s): %s\n", op->name,
			strerrorname_np(-err) ?: "?", strerror(-err), res.msg);
		return 1;
	}
	nl_close(&sk);
	return 0;
}
