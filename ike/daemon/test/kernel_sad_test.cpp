// SPDX-License-Identifier: GPL-2.0
// KernelSad against a real kernel SAD, in a network namespace of its own (needs root and
// iproute2). States come from ACQUIRE: an outbound policy without SA makes the kernel create
// a larval state per destination once someone listens for acquires, which works on kernels
// built without ESP (the development host), where `ip xfrm state add` cannot.
#include <cstdio>
#include <cstdlib>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "ike/daemon/addresses.h"
#include "ike/daemon/sa_inventory.h"

using namespace spirecovery;

namespace {

bool sh(const char* command) {
    return std::system(command) == 0;
}

// Makes the kernel create larval states to each of `destinations` (UDP datagrams under an
// ESP policy): the kernel keeps them only while a key manager listens for acquires.
bool acquire_states(const std::vector<const char*>& destinations) {
    ctl::SocketPtr listener = ctl::connect_socket(NETLINK_XFRM, "an XFRM acquire listener");
    if (nl_socket_add_membership(listener.get(), XFRMNLGRP_ACQUIRE) < 0) {
        std::fprintf(stderr, "cannot listen for acquires\n");
        return false;
    }
    for (const char* destination : destinations) {
        auto address = ike::IpAddress::parse(destination);
        int fd = ::socket(address_family(*address), SOCK_DGRAM, 0);
        sockaddr_storage ss;
        const socklen_t len = to_sockaddr({*address, 9}, ss);
        // Fails with EAGAIN while the state is larval; the acquire is what counts.
        (void)::sendto(fd, "x", 1, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), len);
        ::close(fd);
    }
    return true;
}

// Runs in a child in its own network namespace; returns the number of failed checks.
int check_in_namespace() {
    if (::unshare(CLONE_NEWNET) != 0) {
        std::perror("unshare(CLONE_NEWNET)");
        return 100;
    }
    if (!sh("ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && "
            "ip link set v1 up && ip addr add 10.99.0.2/24 dev v0 && "
            "ip addr add 2001:db8:99::2/64 dev v0 nodad && "
            "ip xfrm policy add src 10.99.0.2 dst 10.99.0.0/24 dir out "
            "tmpl proto esp mode transport level required && "
            "ip xfrm policy add src 2001:db8:99::2 dst 2001:db8:99::/64 dir out "
            "tmpl proto esp mode transport level required && "
            // An inbound state as charon's SPI allocation makes it (needs no esp4).
            "ip xfrm state allocspi src 10.99.0.7 dst 10.99.0.2 proto esp mode transport"))
        return 100;
    if (!acquire_states({"10.99.0.1", "10.99.0.3", "10.99.0.4", "2001:db8:99::1"}))
        return 100;
    int failures = 0;
    auto expect = [&](const char* peer, bool found, const char* fragment) {
        KernelSad sad;
        auto presence = sad.find(*ike::IpAddress::parse(peer));
        if (!presence) {
            std::fprintf(stderr, "%s: %s\n", peer, presence.error().message.c_str());
            failures++;
        } else if (presence->found != found || presence->inbound ||
                   presence->description.find(fragment) == std::string::npos) {
            std::fprintf(stderr, "%s: found %d inbound %d description '%s'\n", peer,
                         presence->found, presence->inbound, presence->description.c_str());
            failures++;
        }
    };
    expect("10.99.0.1", true, "10.99.0.2 -> 10.99.0.1 (outbound) larval");
    expect("10.99.0.3", true, "-> 10.99.0.3 (outbound)");
    expect("10.99.0.5", false, ""); // others' states do not count
    expect("2001:db8:99::1", true, "2001:db8:99::2 -> 2001:db8:99::1 (outbound) larval");
    expect("2001:db8:99::5", false, "");
    expect("10.99.0.0", false, ""); // a prefix of the others is not a match

    // find_from() sees only the states from the peer: the outbound ones above are not.
    for (const char* peer : {"10.99.0.1", "2001:db8:99::1"}) {
        KernelSad sad;
        auto presence = sad.find_from(*ike::IpAddress::parse(peer));
        if (!presence || presence->found) {
            std::fprintf(stderr, "find_from %s: %s\n", peer,
                         presence ? presence->description.c_str()
                                  : presence.error().message.c_str());
            failures++;
        }
    }

    if (auto in = KernelSad().find_from(*ike::IpAddress::parse("10.99.0.7"));
        !in || !in->found || !in->inbound ||
        in->description.find("10.99.0.7 -> 10.99.0.2 (inbound)") == std::string::npos) {
        std::fprintf(stderr, "find_from 10.99.0.7: no inbound SA found\n");
        failures++;
    }

    // One instance, several lookups: the socket it keeps serves each dump completely.
    KernelSad sad;
    for (int i = 0; i < 3; i++) {
        auto a = sad.find(*ike::IpAddress::parse("10.99.0.4"));
        auto b = sad.find(*ike::IpAddress::parse("10.99.0.6"));
        if (!a || !a->found || !b || b->found) {
            std::fprintf(stderr, "repeated lookup %d went wrong\n", i);
            failures++;
        }
    }
    return failures;
}

} // namespace

TEST(KernelSad, FindsTheStatesWithThePeerOnly) {
    if (geteuid() != 0)
        GTEST_SKIP() << "needs root for a network namespace";
    EXPECT_EXIT(std::exit(check_in_namespace()), ::testing::ExitedWithCode(0), "");
}
