// SPDX-License-Identifier: GPL-2.0-only
// Owning handles for libnl objects.
#pragma once

#include <memory>

#include <netlink/msg.h>
#include <netlink/socket.h>

namespace spirecovery {

struct NlSocketFree {
    void operator()(nl_sock* sock) const { nl_socket_free(sock); }
};
using NlSocket = std::unique_ptr<nl_sock, NlSocketFree>;

struct NlMessageFree {
    void operator()(nl_msg* msg) const { nlmsg_free(msg); }
};
using NlMessage = std::unique_ptr<nl_msg, NlMessageFree>;

// A socket of `protocol` (NETLINK_GENERIC, NETLINK_XFRM) connected to the kernel, without
// automatic ACK requests; throws std::runtime_error naming `what` on failure.
NlSocket connect_netlink(int protocol, const char* what);

// Sends `msg` and feeds every reply message to `on_message` until the request is complete
// (its single reply, NLMSG_DONE of a dump, or an error). Returns 0 or a negative libnl error.
int netlink_transact(nl_sock* sock, nl_msg* msg, int (*on_message)(nl_msg*, void*), void* arg);

} // namespace spirecovery
