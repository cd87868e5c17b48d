/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peers of the spirecovery peer set as the selftests write and read them:
 * "ADDR" or "ADDR/LEN", IPv4 or IPv6.
 */
#ifndef SPIRECOVERY_SELFTESTS_PEERS_H
#define SPIRECOVERY_SELFTESTS_PEERS_H

#include <stddef.h>

#include <arpa/inet.h>
#include <linux/netlink.h>

#include "nl.h"

#define PEER_TEXT_MAX	(INET6_ADDRSTRLEN + 4)

/* Add one PEERS_PEER nest; @prefix_len < 0 leaves prefix-len out. */
int peer_put(struct nl_msg *m, int family, const void *addr, int prefix_len);
/* The same from text; -EINVAL when it is not an address. */
int peer_put_text(struct nl_msg *m, const char *text);
/* A PEERS_PEER nest of a dump as "ADDR/LEN"; -EBADMSG when malformed. */
int peer_text(const struct nlattr *nest, char *buf, size_t size);

#endif /* SPIRECOVERY_SELFTESTS_PEERS_H */
