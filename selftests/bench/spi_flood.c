// SPDX-License-Identifier: GPL-2.0
/*
 * spi_flood: send IPv4 ESP packets with random, unknown SPIs from many
 * spoofed source addresses, as fast as possible, for a fixed time.
 *
 *   spi_flood -d DST [-s FIRST_SOURCE] [-n SOURCES] [-t SECONDS] [-l PAYLOAD]
 *
 * Sources are FIRST_SOURCE (default 10.128.0.0) plus 0 .. SOURCES-1
 * (default 131072), taken in turn so that every source is used once before
 * any repeats.  It sends for SECONDS (default 10), and longer if need be
 * until every source has been used, but never more than 10 x SECONDS.
 * SIGTERM or SIGINT ends it earlier, with the same output: a benchmark
 * floods for as long as a measurement takes.  Only for a network namespace
 * whose peer is a test receiver: nothing here checks where DST is.
 *
 * Output, one line on stdout once done:
 *   sent=N failed=N seconds=S.SSS sources=N
 * where failed counts packets the kernel refused (ENOBUFS) and sources the
 * distinct source addresses the packets were given.
 * Exit status: 0, or 1 when nothing could be sent or the arguments are bad.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* One sendmmsg() call: fewer syscalls per packet, so the receiver, not the
 * sender, is what limits the rate.
 */
#define BATCH		64
#define ESP_HDR_LEN	8
#define PAYLOAD_MAX	1400
/* SPIs 1..255 are reserved (RFC 4303), 0 means "none": never send those. */
#define SPI_MIN		256

struct packet {
	struct iphdr ip;
	uint32_t spi;		/* network byte order */
	uint32_t seq;		/* network byte order */
	uint8_t payload[PAYLOAD_MAX];
} __attribute__((packed));

static volatile sig_atomic_t stopped;

static void stop(int sig)
{
	(void)sig;
	stopped = 1;
}

struct options {
	struct in_addr dst;
	uint32_t first_source;	/* host byte order */
	uint32_t sources;
	double seconds;
	unsigned int payload_len;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: spi_flood -d DST [-s FIRST_SOURCE] [-n SOURCES] [-t SECONDS] [-l PAYLOAD]\n");
	exit(1);
}

/* xorshift64*: fast, and reproducible from its seed; cryptographic quality is not needed. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dULL;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long parse_number(const char *arg, unsigned long min, unsigned long max)
{
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(arg, &end, 0);
	if (errno || *end || end == arg || value < min || value > max) {
		fprintf(stderr, "spi_flood: '%s' is not a number in %lu..%lu\n", arg, min, max);
		exit(1);
	}
	return value;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	struct in_addr first;
	bool have_dst = false;
	int c;

	inet_pton(AF_INET, "10.128.0.0", &first);
	opt->first_source = ntohl(first.s_addr);
	opt->sources = 131072;
	opt->seconds = 10;
	opt->payload_len = 64;
	while ((c = getopt(argc, argv, "d:s:n:t:l:")) != -1) {
		switch (c) {
		case 'd':
			if (inet_pton(AF_INET, optarg, &opt->dst) != 1) {
				fprintf(stderr, "spi_flood: bad destination '%s'\n", optarg);
				exit(1);
			}
			have_dst = true;
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &first) != 1) {
				fprintf(stderr, "spi_flood: bad first source '%s'\n", optarg);
				exit(1);
			}
			opt->first_source = ntohl(first.s_addr);
			break;
		case 'n':
			opt->sources = parse_number(optarg, 1, 1UL << 24);
			break;
		case 't':
			opt->seconds = parse_number(optarg, 1, 3600);
			break;
		case 'l':
			opt->payload_len = parse_number(optarg, 0, PAYLOAD_MAX);
			break;
		default:
			usage();
		}
	}
	if (!have_dst || optind != argc)
		usage();
	if ((uint64_t)opt->first_source + opt->sources > UINT32_MAX + 1ULL) {
		fprintf(stderr, "spi_flood: the source range runs past 255.255.255.255\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static struct packet packets[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long long sent = 0, failed = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	uint32_t next_source = 0;
	struct options opt;
	double start, elapsed;
	size_t len;
	int fd, i;

	parse_options(argc, argv, &opt);
	/* No SA_RESTART: a signal interrupts sendmmsg(), which counts as nothing sent. */
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = stop }, NULL);
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = stop }, NULL);
	len = sizeof(struct iphdr) + ESP_HDR_LEN + opt.payload_len;
	to.sin_addr = opt.dst;

	/* IPPROTO_RAW implies IP_HDRINCL: the source address is ours to choose. */
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("spi_flood: socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
		return 1;
	}

	memset(packets, 0, sizeof(packets));
	for (i = 0; i < BATCH; i++) {
		struct packet *p = &packets[i];

		p->ip.version = 4;
		p->ip.ihl = sizeof(struct iphdr) / 4;
		p->ip.ttl = 64;
		p->ip.protocol = IPPROTO_ESP;
		p->ip.tot_len = htons(len);
		p->ip.daddr = opt.dst.s_addr;
		/* The kernel fills in the checksum and, with id 0, the id. */
		for (unsigned int j = 0; j < opt.payload_len; j++)
			p->payload[j] = next_random(&rng);
		iovs[i].iov_base = p;
		iovs[i].iov_len = len;
		msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &to,
			.msg_namelen = sizeof(to),
			.msg_iov = &iovs[i],
			.msg_iovlen = 1,
		};
	}

	start = now_seconds();
	do {
		int n;

		for (i = 0; i < BATCH; i++) {
			struct packet *p = &packets[i];
			uint32_t spi;

			p->ip.saddr = htonl(opt.first_source + next_source);
			next_source = (next_source + 1) % opt.sources;
			do
				spi = next_random(&rng) >> 32;
			while (spi < SPI_MIN);
			p->spi = htonl(spi);
			p->seq = htonl((uint32_t)next_random(&rng) | 1);
		}
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n < 0) {
			/* ENOBUFS and friends: the flood goes on, the count shows it. */
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
				perror("spi_flood: sendmmsg");
				close(fd);
				return 1;
			}
			if (errno != EINTR)
				failed += BATCH;
		} else {
			sent += n;
			failed += BATCH - n;
		}
		elapsed = now_seconds() - start;
	} while (!stopped && (elapsed < opt.seconds || sent + failed < opt.sources) &&
		 elapsed < 10 * opt.seconds);
	close(fd);

	printf("sent=%llu failed=%llu seconds=%.3f sources=%llu\n", sent, failed, elapsed,
	       sent + failed < opt.sources ? sent + failed : opt.sources);
	return sent ? 0 : 1;
}
