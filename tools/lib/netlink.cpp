// SPDX-License-Identifier: GPL-2.0
#include "tools/lib/netlink.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <linux/netlink.h>
#include <linux/spirecovery.h>
#include <optional>
#include <string>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "tools/lib/address.h"
#include "tools/lib/errors.h"
#include "tools/lib/extack.h"
#include "tools/lib/request.h"
#include "tools/lib/spec.h"

namespace spirecovery::ctl {

namespace {

MessageBytes bytes_of(const nlmsghdr* nlh) {
    return {reinterpret_cast<const std::uint8_t*>(nlh), nlh->nlmsg_len};
}

int resolve_family(nl_sock* socket, Autoload autoload) {
    const auto family = find_family(socket, autoload);
    if (!family)
        throw Failure(module_not_loaded_message());
    return *family;
}

// State of one request while its answer comes in.
struct Transaction {
    int family;
    const std::function<void(MessageBytes)>* on_reply;
    bool done = false;
    bool interrupted = false;
    std::optional<KernelAck> refusal;
    std::exception_ptr reply_error;
};

int on_reply(nl_msg* msg, void* arg) {
    auto& t = *static_cast<Transaction*>(arg);
    const nlmsghdr* nlh = nlmsg_hdr(msg);
    if (nlh->nlmsg_type != t.family)
        return NL_SKIP;
    try {
        (*t.on_reply)(bytes_of(nlh));
    } catch (...) {
        t.reply_error = std::current_exception();
        return NL_STOP;
    }
    return NL_OK;
}

// Called before the reply is handled as a valid one.
int on_dump_interrupted(nl_msg*, void* arg) {
    static_cast<Transaction*>(arg)->interrupted = true;
    return NL_OK;
}

int on_ack(nl_msg*, void* arg) {
    static_cast<Transaction*>(arg)->done = true;
    return NL_STOP;
}

// The end of a dump carries the dump's own error, if it failed half way.
int on_dump_done(nl_msg* msg, void* arg) {
    auto& t = *static_cast<Transaction*>(arg);
    const nlmsghdr* nlh = nlmsg_hdr(msg);
    int error = 0;
    if (nlmsg_datalen(nlh) >= static_cast<int>(sizeof error))
        std::memcpy(&error, nlmsg_data(nlh), sizeof error);
    if (error < 0) {
        t.refusal.emplace();
        t.refusal->error = -error;
    }
    t.done = true;
    return NL_STOP;
}

int on_error(sockaddr_nl*, nlmsgerr* err, void* arg) {
    auto& t = *static_cast<Transaction*>(arg);
    // libnl hands over the payload of the NLMSG_ERROR message, which starts right after its
    // netlink header; the extended ACK needs the whole message (libnl 3.7 does not parse it).
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const std::uint8_t*>(err) -
                                                        NLMSG_HDRLEN);
    try {
        t.refusal = decode_ack(bytes_of(nlh));
    } catch (const DecodeError&) {
        t.refusal.emplace();
        t.refusal->error = -err->error;
    }
    return NL_STOP;
}

// Set on every socket: the kernel then explains a refusal (NETLINK_EXT_ACK) and does not echo
// the whole request back (NETLINK_CAP_ACK). libnl 3.7 has no call for either; kernels without
// them just send less, so failures are ignored.
void request_extended_acks(nl_sock* socket) {
    const int one = 1;
    const int fd = nl_socket_get_fd(socket);
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
}

} // namespace

SocketPtr connect_socket(int protocol, std::string_view what) {
    SocketPtr socket(nl_socket_alloc());
    if (!socket)
        throw Failure("out of memory");
    if (const int err = nl_connect(socket.get(), protocol); err < 0)
        throw Failure(netlink_error_message("cannot open " + std::string(what), err));
    return socket;
}

std::optional<int> find_family(nl_sock* socket, Autoload autoload) {
    if (autoload == Autoload::no) {
        nl_cache* families = nullptr;
        if (const int err = genl_ctrl_alloc_cache(socket, &families); err < 0)
            throw Failure(netlink_error_message("cannot list the generic netlink families", err));
        const CachePtr owner(families);
        const FamilyPtr family(genl_ctrl_search_by_name(families, SPIRECOVERY_FAMILY_NAME));
        if (!family)
            return std::nullopt;
        return genl_family_get_id(family.get());
    }
    const int family = genl_ctrl_resolve(socket, SPIRECOVERY_FAMILY_NAME);
    if (family == -NLE_OBJ_NOTFOUND)
        return std::nullopt;
    if (family < 0)
        throw Failure(
            netlink_error_message("cannot look up the spirecovery netlink family", family));
    return family;
}

Client::Client(Autoload autoload)
    : socket_(connect_socket(NETLINK_GENERIC, "a generic netlink socket")),
      family_(resolve_family(socket_.get(), autoload)) {
    request_extended_acks(socket_.get());
}

Client::Client(int family)
    : socket_(connect_socket(NETLINK_GENERIC, "a generic netlink socket")), family_(family) {
    request_extended_acks(socket_.get());
}

MessagePtr Client::new_request(std::uint8_t cmd, int flags, std::size_t size) const {
    MessagePtr msg(size ? nlmsg_alloc_size(size) : nlmsg_alloc());
    if (!msg || !genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, flags, cmd,
                             SPIRECOVERY_FAMILY_VERSION))
        throw Failure("out of memory");
    return msg;
}

bool Client::exchange(nl_msg* msg, const ReplyHandler& handle_reply, const RefusalText& refusal) {
    const MessageBytes request = bytes_of(nlmsg_hdr(msg));
    const std::string operation(spec::operation_name(genlmsg_hdr(nlmsg_hdr(msg))->cmd));
    Transaction t{family_, &handle_reply, false, false, std::nullopt, nullptr};
    CallbacksPtr callbacks(nl_cb_alloc(NL_CB_DEFAULT));
    if (!callbacks)
        throw Failure("out of memory");
    nl_cb_set(callbacks.get(), NL_CB_VALID, NL_CB_CUSTOM, on_reply, &t);
    nl_cb_set(callbacks.get(), NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_interrupted, &t);
    nl_cb_set(callbacks.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
    nl_cb_set(callbacks.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_dump_done, &t);
    nl_cb_err(callbacks.get(), NL_CB_CUSTOM, on_error, &t);

    if (const int err = nl_send_auto(socket_.get(), msg); err < 0) {
        if (err == -NLE_MSGSIZE)
            throw Failure("cannot send " + operation + ": its " + std::to_string(request.size()) +
                          " bytes do not fit the socket's send buffer (run with CAP_NET_ADMIN, "
                          "or raise net.core.wmem_max)");
        throw Failure(netlink_error_message("cannot send " + operation, err));
    }
    while (!t.done) {
        const int err = nl_recvmsgs(socket_.get(), callbacks.get());
        if (t.reply_error) {
            try {
                std::rethrow_exception(t.reply_error);
            } catch (const DecodeError& e) {
                throw Failure("the kernel sent a malformed " + operation + " reply: " + e.what());
            }
        }
        if (t.refusal)
            throw Failure(refusal ? refusal(*t.refusal, request)
                                  : kernel_error_message(operation, *t.refusal, std::nullopt));
        if (err < 0)
            throw Failure(netlink_error_message("no answer to " + operation, err));
    }
    return !t.interrupted;
}

void Client::request(std::uint8_t cmd, int flags, const ReplyHandler& on_reply) {
    const MessagePtr msg = new_request(cmd, flags);
    exchange(msg.get(), on_reply, nullptr);
}

Config Client::get_config() {
    Config config;
    request(SPIRECOVERY_CMD_GET_CONFIG, 0,
            [&](MessageBytes reply) { config = decode_config(reply); });
    return config;
}

void Client::set_config(const ConfigChange& change) {
    const MessagePtr msg = new_request(SPIRECOVERY_CMD_SET_CONFIG, 0);
    const std::string operation(spec::operation_name(SPIRECOVERY_CMD_SET_CONFIG));
    for (const auto& [type, value] : change) {
        const int err = spec::config_attrs[type].size == 1
                            ? nla_put_u8(msg.get(), type, static_cast<std::uint8_t>(value))
                            : nla_put_u32(msg.get(), type, value);
        if (err < 0)
            throw Failure(netlink_error_message("cannot build " + operation, err));
    }
    exchange(
        msg.get(), [](MessageBytes) {},
        [&](const KernelAck& refusal, MessageBytes request) {
            std::optional<std::string_view> attribute;
            if (refusal.offset) {
                const auto type = attribute_at(request, *refusal.offset);
                if (type && *type > 0 && *type <= SPIRECOVERY_A_CONFIG_MAX)
                    attribute = spec::config_attrs[*type].name;
            }
            return kernel_error_message(operation, refusal, attribute);
        });
}

Stats Client::get_stats() {
    Stats stats;
    request(SPIRECOVERY_CMD_GET_STATS, 0, [&](MessageBytes reply) { stats = decode_stats(reply); });
    return stats;
}

std::vector<Source> Client::get_sources() {
    std::vector<Source> sources;
    request(SPIRECOVERY_CMD_GET_SOURCE, NLM_F_DUMP,
            [&](MessageBytes reply) { sources.push_back(decode_source(reply)); });
    return sources;
}

void Client::flush_sources() {
    request(SPIRECOVERY_CMD_FLUSH_SOURCES, 0, [](MessageBytes) {});
}

std::vector<Peer> Client::get_peers() {
    // Writes are rare: a few more reads see a set that holds still.
    constexpr int attempts = 5;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        std::vector<Peer> peers;
        const MessagePtr msg = new_request(SPIRECOVERY_CMD_PEER_GET, NLM_F_DUMP);
        if (exchange(
                msg.get(),
                [&](MessageBytes reply) {
                    const std::vector<Peer> part = decode_peers(reply);
                    peers.insert(peers.end(), part.begin(), part.end());
                },
                nullptr))
            return peers;
    }
    throw Failure("peer-get: the peer set changed during each of " + std::to_string(attempts) +
                  " reads; try again when it is not being written");
}

void Client::set_peers(std::span<const Peer> peers) {
    change_peers(SPIRECOVERY_CMD_PEER_SET, peers);
}

void Client::add_peers(std::span<const Peer> peers) {
    change_peers(SPIRECOVERY_CMD_PEER_ADD, peers);
}

void Client::del_peers(std::span<const Peer> peers) {
    change_peers(SPIRECOVERY_CMD_PEER_DEL, peers);
}

void Client::change_peers(std::uint8_t cmd, std::span<const Peer> peers) {
    const std::string operation(spec::operation_name(cmd));
    const std::size_t size = peers_request_size(peers);
    const MessagePtr msg = new_request(cmd, 0, size);
    if (const int err = put_peers(msg.get(), peers); err < 0)
        throw Failure(netlink_error_message("cannot build " + operation, err));
    make_send_room(size);
    exchange(
        msg.get(), [](MessageBytes) {},
        [&](const KernelAck& refusal, MessageBytes request) {
            // Every top-level attribute is a peer, in the order given.
            const auto index =
                refusal.offset ? top_level_index_at(request, *refusal.offset) : std::nullopt;
            if (!index || *index >= peers.size())
                return kernel_error_message(operation, refusal, std::nullopt);
            return peer_refusal_message(operation, refusal, to_string(peers[*index]));
        });
}

// A message longer than the socket's send buffer fails (EMSGSIZE), and a big peer set is
// longer than the default. SO_SNDBUFFORCE (CAP_NET_ADMIN) may exceed net.core.wmem_max, which
// caps SO_SNDBUF; if neither gives room enough, the send says so.
void Client::make_send_room(std::size_t bytes) {
    // The kernel keeps some of the buffer for itself: netlink wants 32 bytes besides the message.
    constexpr std::size_t reserved = 32;
    const int fd = nl_socket_get_fd(socket_.get());
    int current = 0;
    socklen_t len = sizeof current;
    if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &current, &len) == 0 &&
        bytes + reserved <= static_cast<std::size_t>(current))
        return;
    // The kernel doubles what it is given; asking for the message's size leaves that margin.
    const int wanted = static_cast<int>(std::min<std::size_t>(bytes + reserved, INT_MAX / 2));
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &wanted, sizeof wanted) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &wanted, sizeof wanted);
}

namespace {

struct Reception {
    int family; // -1 when detached
    const EventStream::Handlers* handlers;
    LossTracker* losses;
    std::uint64_t* foreign;
    std::exception_ptr handler_error;
    bool removed = false;
    bool added = false;
};

int on_notification(nl_msg* msg, void* arg) {
    auto& r = *static_cast<Reception*>(arg);
    const nlmsghdr* nlh = nlmsg_hdr(msg);
    try {
        // Any local socket may send to our port; only the kernel (port 0) speaks for the module.
        if (const std::uint32_t port = nlmsg_get_src(msg)->nl_pid; port != 0) {
            ++*r.foreign;
            r.handlers->foreign_message(port);
            return NL_OK;
        }
        if (nlh->nlmsg_type == GENL_ID_CTRL) {
            try {
                if (r.family >= 0 && is_family_removal(bytes_of(nlh), r.family)) {
                    r.removed = true;
                    r.family = -1; // what follows is not from the family we knew
                } else if (is_family_arrival(bytes_of(nlh), SPIRECOVERY_FAMILY_NAME)) {
                    r.added = true;
                }
            } catch (const DecodeError&) {
                // Some other family's notice that we cannot read: not ours.
            }
            return NL_OK;
        }
        if (r.family < 0 || nlh->nlmsg_type != r.family)
            return NL_SKIP;
        r.losses->received();
        Event event;
        try {
            event = decode_event(bytes_of(nlh));
        } catch (const DecodeError& e) {
            r.handlers->malformed(e);
            return NL_OK;
        }
        r.handlers->event(event);
    } catch (...) {
        r.handler_error = std::current_exception();
        return NL_STOP;
    }
    return NL_OK;
}

int accept_any_sequence(nl_msg*, void*) {
    return NL_OK;
}

// Resolves on `resolver`, which sees no notifications, and joins on `member`.
void join_group(nl_sock* member, nl_sock* resolver, const char* family, const char* group,
                std::string_view what) {
    const int id = genl_ctrl_resolve_grp(resolver, family, group);
    if (id < 0)
        throw Failure(netlink_error_message("cannot find the " + std::string(what), id));
    if (const int err = nl_socket_add_membership(member, id); err < 0)
        throw Failure(netlink_error_message("cannot join the " + std::string(what), err));
}

} // namespace

EventStream::EventStream()
    : socket_(connect_socket(NETLINK_GENERIC, "the event socket")),
      callbacks_(nl_cb_alloc(NL_CB_DEFAULT)),
      control_(connect_socket(NETLINK_GENERIC, "a generic netlink socket")) {
    if (!callbacks_)
        throw Failure("out of memory");
    // Notifications carry no sequence numbers to check.
    nl_cb_set(callbacks_.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_sequence, nullptr);
    // The controller announces the family's removal and registration there: a listener must
    // neither wait forever for a module that is gone nor miss the one loaded again.
    join_group(socket_.get(), control_.get(), "nlctrl", "notify", "nlctrl notify group");
    // An event our full queue cannot take then fails the module's multicast, which counts it
    // as send-failed instead of no-listener. No libnl call for it; older kernels ignore it.
    const int one = 1;
    setsockopt(fd(), SOL_NETLINK, NETLINK_BROADCAST_ERROR, &one, sizeof one);
    if (const int err = nl_socket_set_nonblocking(socket_.get()); err < 0)
        throw Failure(netlink_error_message("cannot make the event socket non-blocking", err));
}

int EventStream::fd() const {
    return nl_socket_get_fd(socket_.get());
}

bool EventStream::attach(Autoload autoload) {
    client_.reset();
    losses_.reset();
    const auto family = find_family(control_.get(), autoload);
    if (!family)
        return false;
    Client client(*family);
    join_group(socket_.get(), control_.get(), SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS,
               "spirecovery events group");
    losses_.emplace(events_due(client.get_stats()));
    client_.emplace(std::move(client));
    return true;
}

bool EventStream::family_changed() {
    const auto now = find_family(control_.get(), Autoload::no);
    return now != (client_ ? std::optional<int>(client_->family()) : std::nullopt);
}

void EventStream::set_receive_buffer(int bytes) {
    if (setsockopt(fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) == 0)
        return;
    if (const int err = nl_socket_set_buffer_size(socket_.get(), bytes, 0); err < 0)
        throw Failure(netlink_error_message("cannot size the event socket's buffer", err));
}

EventStream::Status EventStream::receive(const Handlers& handlers) {
    if (added_pending_) {
        added_pending_ = false;
        return Status::module_added;
    }
    LossTracker detached(0);
    Reception r{client_ ? client_->family() : -1, &handlers, losses_ ? &*losses_ : &detached,
                &foreign_, nullptr};
    nl_cb_set(callbacks_.get(), NL_CB_VALID, NL_CB_CUSTOM, on_notification, &r);
    errno = 0;
    const int n = nl_recvmsgs_report(socket_.get(), callbacks_.get());
    if (r.removed) {
        client_.reset();
        losses_.reset();
    }
    if (r.handler_error)
        std::rethrow_exception(r.handler_error);
    if (r.removed) {
        added_pending_ = r.added;
        return Status::module_removed;
    }
    if (r.added)
        return Status::module_added;
    if (n > 0)
        return Status::read;
    if (n == 0 || n == -NLE_AGAIN)
        return Status::empty;
    // libnl reports the socket's ENOBUFS as NLE_NOMEM; errno tells it from a failed allocation.
    if (n == -NLE_NOMEM && errno == ENOBUFS)
        return Status::overrun;
    throw Failure(netlink_error_message("cannot receive events", n));
}

std::uint64_t EventStream::newly_lost() {
    return losses_ ? losses_->newly_lost(events_due(client_->get_stats())) : 0;
}

} // namespace spirecovery::ctl
