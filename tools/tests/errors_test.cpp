// SPDX-License-Identifier: GPL-2.0
#include <cerrno>

#include <gtest/gtest.h>

#include "tools/src/errors.h"

namespace spirecovery::ctl {
namespace {

TEST(ErrorMessages, NetnsFailuresNameTheNamespace) {
    EXPECT_EQ(netns_error_message("blue", ENOENT),
              "network namespace \"blue\" not found (there is no /run/netns/blue; list them "
              "with: ip netns list)");
    EXPECT_EQ(netns_error_message("blue", EPERM),
              "not permitted to enter network namespace \"blue\": this needs CAP_SYS_ADMIN (run "
              "as root)");
    EXPECT_EQ(netns_error_message("blue", EINVAL), "/run/netns/blue is not a network namespace");
    EXPECT_EQ(netns_error_message("blue", EMFILE),
              "cannot enter network namespace \"blue\": Too many open files");
}

} // namespace
} // namespace spirecovery::ctl
