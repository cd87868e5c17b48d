// SPDX-License-Identifier: GPL-2.0
/*
 * event_listen: join the spirecovery "events" group in the current network
 * namespace and print one line per event, "name=value" for every attribute
 * (names as in the YNL spec), for the shell selftests to compare.
 *
 *   event_listen [-c COUNT] [-t TIMEOUT_MS] [-r READY_FILE] [-s]
 *
 * READY_FILE is created once the group is joined, so a test knows when it
 * may send.  Exit status: 0 after COUNT events (or at the timeout when no
 * COUNT is given), 2 when the timeout came first, 1 on an error (the
 * message on stderr names the errno, e.g. "join events: EPERM").
 *
 * -s makes a stalled listener: the smallest receive buffer, never read, so
 * that the module's sends fail once it is full.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/spirecovery.h>

#include "attrs.h"
#include "nl.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "event_listen: %s: %s (%s)\n", what, strerrorname_np(-err) ?: "?",
		strerror(-err));
	return 1;
}

/* Print the events in one datagram; returns how many there were. */
static int print_events(const char *buf, int len, uint16_t family_id)
{
	const struct nlmsghdr *nlh;
	int events = 0;

	for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		const struct genlmsghdr *g = NLMSG_DATA(nlh);
		const struct nlattr *attrs;
		int attrs_len;

		if (nlh->nlmsg_type != family_id)
			continue;
		if (g->cmd != SPIRECOVERY_CMD_MISS_NTF)
			printf("unexpected-cmd=%u ", g->cmd);
		attrs = genl_attrs(nlh, &attrs_len);
		attrs_print(stdout, &event_attrs, attrs, attrs_len);
		events++;
	}
	fflush(stdout);
	return events;
}

int main(int argc, char **argv)
{
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	long long deadline, timeout_ms = 10000;
	const char *ready_file = NULL;
	struct genl_family_info info;
	struct nl_result res;
	struct nl_sock sk;
	int count = -1, seen = 0, rcvbuf = 1 << 20, opt, err;
	bool stall = false;

	while ((opt = getopt(argc, argv, "c:t:r:s")) != -1) {
		switch (opt) {
		case 'c':
			count = atoi(optarg);
			break;
		case 't':
			timeout_ms = atoll(optarg);
			break;
		case 'r':
			ready_file = optarg;
			break;
		case 's':
			stall = true;
			rcvbuf = 0;	/* the kernel rounds it up to its minimum */
			break;
		default:
			fprintf(stderr, "usage: %s [-c COUNT] [-t TIMEOUT_MS] [-r READY_FILE] [-s]\n",
				argv[0]);
			return 1;
		}
	}

	err = nl_open(&sk);
	if (err)
		return fail("socket", err);
	err = genl_resolve(&sk, SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS, &info, &res);
	if (err)
		return fail("resolve " SPIRECOVERY_FAMILY_NAME, err);
	/* Bursts of events must not overrun the queue while the shell is busy. */
	setsockopt(sk.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	err = nl_join_group(&sk, info.group_id);
	if (err)
		return fail("join " SPIRECOVERY_MCGRP_EVENTS, err);
	if (ready_file) {
		int fd = open(ready_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return fail(ready_file, -errno);
		close(fd);
	}

	deadline = now_ms() + timeout_ms;
	if (stall) {
		poll(NULL, 0, (int)timeout_ms);
		return 0;
	}
	while (count < 0 || seen < count) {
		struct pollfd pfd = { .fd = sk.fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return count < 0 ? 0 : 2;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return fail("poll", -errno);
		}
		if (!(pfd.revents & POLLIN))
			continue;
		n = recv(sk.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Lost events: say so, the test will count it as a failure. */
				puts("overrun");
				fflush(stdout);
				continue;
			}
			return fail("recv", -errno);
		}
		seen += print_events(buf, (int)n, info.id);
	}
	nl_close(&sk);
	return 0;
}
