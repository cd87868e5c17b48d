// SPDX-License-Identifier: GPL-2.0
// What can be checked without the module: the sockets' flags and the stream's state while the
// family is absent (the host running the unit tests never has the module loaded).
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <gtest/gtest.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
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
    EXPECT_FALSE(find_family(connect_socket(NETLINK_GENERIC, "a socket").get(), Autoload::no));
    EXPECT_FALSE(events.attach());
    EXPECT_FALSE(events.attach(Autoload::no));
    EXPECT_FALSE(events.attached());
    EXPECT_FALSE(events.family_changed());
    EXPECT_EQ(events.receive({}), EventStream::Status::empty);
    EXPECT_EQ(events.newly_lost(), 0u);
}

// Any local socket may send to the stream's port: such a message is not an event.
TEST(EventStream, DropsMessagesNotFromTheKernel) {
    EventStream events;
    sockaddr_nl local{};
    socklen_t len = sizeof local;
    ASSERT_EQ(getsockname(events.fd(), reinterpret_cast<sockaddr*>(&local), &len), 0);

    const SocketPtr forger = connect_socket(NETLINK_GENERIC, "a socket");
    const MessagePtr msg(nlmsg_alloc());
    ASSERT_TRUE(genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
                            CTRL_CMD_NEWFAMILY, 1));
    ASSERT_EQ(nla_put_string(msg.get(), CTRL_ATTR_FAMILY_NAME, "spirecovery"), 0);
    nl_socket_set_peer_port(forger.get(), local.nl_pid);
    ASSERT_GE(nl_send_auto(forger.get(), msg.get()), 0);

    std::uint32_t sender = 0;
    const EventStream::Handlers handlers{
        .event = [](const Event&) { ADD_FAILURE() << "a forged message became an event"; },
        .malformed = [](const DecodeError&) {},
        .foreign_message = [&](std::uint32_t port) { sender = port; },
    };
    EXPECT_EQ(events.receive(handlers), EventStream::Status::read); // not module_added
    EXPECT_EQ(sender, nl_socket_get_local_port(forger.get()));
    EXPECT_EQ(events.foreign_messages(), 1u);
}

} // namespace
} // namespace spirecovery::ctl
