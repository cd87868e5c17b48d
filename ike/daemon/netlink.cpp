// SPDX-License-Identifier: GPL-2.0-only
#include "ike/daemon/netlink.hpp"

#include <stdexcept>
#include <string>

#include <netlink/errno.h>
#include <netlink/netlink.h>

namespace spirecovery {

NlSocket connect_netlink(int protocol, const char* what) {
    NlSocket sock(nl_socket_alloc());
    if (!sock)
        throw std::runtime_error(std::string(what) + ": cannot allocate a netlink socket");
    if (int err = nl_connect(sock.get(), protocol); err < 0)
        throw std::runtime_error(std::string(what) + ": " + nl_geterror(err));
    // Requests here are dumps or "do" commands answered by one message: no ACK to wait for.
    nl_socket_disable_auto_ack(sock.get());
    return sock;
}

int netlink_transact(nl_sock* sock, nl_msg* msg, int (*on_message)(nl_msg*, void*), void* arg) {
    // A private callback set, so concurrent users of other sockets are unaffected.
    nl_cb* socket_cb = nl_socket_get_cb(sock);
    std::unique_ptr<nl_cb, decltype(&nl_cb_put)> cb(nl_cb_clone(socket_cb), &nl_cb_put);
    nl_cb_put(socket_cb);
    if (!cb)
        return -NLE_NOMEM;
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_message, arg);
    int err = nl_send_auto(sock, msg);
    if (err < 0)
        return err;
    err = nl_recvmsgs(sock, cb.get());
    return err < 0 ? err : 0;
}

} // namespace spirecovery
