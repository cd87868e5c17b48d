// SPDX-License-Identifier: GPL-2.0
// What can be checked without the module: the sockets' flags and the stream's state while the
// family is absent (the host running the unit tests never has the module loaded).
#include <fcntl.h>
#include <linux/netlink.h>

#include <gtest/gtest.h>
#include <netlink/socket.h>

#include "tools/lib/netlink.h"

namespace spirecovery::ctl {
namespace {

bool close_on_exec(int fd) {
    const int flags = fcntl(fd, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC);
}

TEST(Sockets, AreCloseOnExec) {
    const SocketPtr xfrm = connect_socket(NETLINK_XFRM, "an xfrm socket");
    EXPECT_TRUE(close_on_exec(nl_socket_get_fd(xfrm.get())));
    const EventStream events;
    EXPECT_TRUE(close_on_exec(events.fd()));
}

TEST(EventStream, WaitsForAnAbsentModule) {
    EventStream events;
    if (find_family(connect_socket(NETLINK_GENERIC, "a socket").get()))
        GTEST_SKIP() << "the spirecovery module is loaded on this host";
    EXPECT_FALSE(events.attach());
    EXPECT_FALSE(events.attached());
    EXPECT_FALSE(events.family_changed());
    EXPECT_EQ(events.receive({}), EventStream::Status::empty);
    EXPECT_EQ(events.newly_lost(), 0u);
}

} // namespace
} // namespace spirecovery::ctl
