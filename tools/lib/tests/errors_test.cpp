// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>
#include <netlink/errno.h>

#include "tools/lib/errors.h"

namespace spirecovery::ctl {
namespace {

KernelAck ack(int error, std::string message = {}) {
    KernelAck a;
    a.error = error;
    a.message = std::move(message);
    return a;
}

TEST(ErrorMessages, ModuleNotLoadedSaysHowToLoadIt) {
    EXPECT_EQ(module_not_loaded_message(),
              "the spirecovery kernel module is not loaded (run: modprobe spirecovery)");
}

TEST(ErrorMessages, PermissionSaysWhatIsNeeded) {
    const std::string expected =
        "not permitted: this needs CAP_NET_ADMIN in the network namespace (run as root)";
    EXPECT_EQ(kernel_error_message("get-config", ack(EPERM), std::nullopt), expected);
    EXPECT_EQ(kernel_error_message("get-stats", ack(EACCES), std::nullopt), expected);
    EXPECT_EQ(netlink_error_message("cannot join the spirecovery events group", -NLE_PERM),
              expected);
}

TEST(ErrorMessages, ExtendedAckIsQuotedWithTheAttributeAndTheRange) {
    KernelAck a = ack(ERANGE, "integer out of range");
    a.min = 1;
    a.max = 1000000;
    EXPECT_EQ(kernel_error_message("set-config", a, "source-rate"),
              "the kernel rejected set-config: source-rate: integer out of range "
              "(allowed 1..1000000)");
    EXPECT_EQ(
        kernel_error_message("set-config", ack(EINVAL, "ipv6-prefix must be 1..128"), std::nullopt),
        "the kernel rejected set-config: ipv6-prefix must be 1..128");
}

TEST(ErrorMessages, WhatTheKernelAlreadySaysIsNotRepeated) {
    KernelAck a = ack(ERANGE, "source-rate out of range, allowed 1..1000000 events/s");
    a.min = 1;
    a.max = 1000000;
    EXPECT_EQ(kernel_error_message("set-config", a, "source-rate"),
              "the kernel rejected set-config: source-rate out of range, allowed 1..1000000 "
              "events/s");
}

TEST(ErrorMessages, WithoutExtendedAckTheErrnoIsNamed) {
    EXPECT_EQ(kernel_error_message("set-config", ack(ERANGE), "global-burst"),
              "the kernel rejected set-config: global-burst: Numerical result out of range");
    EXPECT_EQ(kernel_error_message("get-source", ack(ENOMEM), std::nullopt),
              "get-source failed: Cannot allocate memory");
}

TEST(ErrorMessages, LibnlFailuresSayWhatWasBeingDone) {
    EXPECT_EQ(netlink_error_message("cannot open a generic netlink socket", -NLE_NOMEM),
              "cannot open a generic netlink socket: Out of memory");
}

TEST(ErrorMessages, PeerRefusalsNameThePeerAndTheErrno) {
    EXPECT_EQ(peer_refusal_message("peer-add",
                                   ack(EEXIST, "peer is already in the set or listed twice"),
                                   "192.0.2.1/32"),
              "peer-add: the kernel refused 192.0.2.1/32: peer is already in the set or listed "
              "twice (EEXIST)");
    EXPECT_EQ(peer_refusal_message("peer-del", ack(ENOENT), "2001:db8::/32"),
              "peer-del: the kernel refused 2001:db8::/32: No such file or directory (ENOENT)");
    EXPECT_EQ(peer_refusal_message("peer-set", ack(EPERM), "10.0.0.0/8"),
              "not permitted: this needs CAP_NET_ADMIN in the network namespace (run as root)");
    EXPECT_EQ(peer_refusal_message("peer-set", ack(4095, "odd"), "10.0.0.0/8"),
              "peer-set: the kernel refused 10.0.0.0/8: odd (errno 4095)");
}

} // namespace
} // namespace spirecovery::ctl
