// SPDX-License-Identifier: GPL-2.0
// Talking to the module over generic netlink with libnl-genl-3: requests on one socket, events on
// another (an event socket must not see replies, and a request must not wait behind events).
// Every socket is opened close-on-exec (libnl passes SOCK_CLOEXEC).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <netlink/cache.h>
#include <netlink/genl/family.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "tools/lib/decode.h"
#include "tools/lib/extack.h"
#include "tools/lib/loss_tracker.h"
#include "tools/lib/model.h"

namespace spirecovery::ctl {

template <auto release>
struct LibnlDeleter {
    template <typename T>
    void operator()(T* object) const noexcept {
        release(object);
    }
};

using SocketPtr = std::unique_ptr<nl_sock, LibnlDeleter<nl_socket_free>>;
using MessagePtr = std::unique_ptr<nl_msg, LibnlDeleter<nlmsg_free>>;
using CallbacksPtr = std::unique_ptr<nl_cb, LibnlDeleter<nl_cb_put>>;
using CachePtr = std::unique_ptr<nl_cache, LibnlDeleter<nl_cache_free>>;
using FamilyPtr = std::unique_ptr<genl_family, LibnlDeleter<genl_family_put>>;

// A socket of `protocol` (NETLINK_GENERIC, NETLINK_XFRM) connected to the kernel; throws Failure
// naming `what`.
SocketPtr connect_socket(int protocol, std::string_view what);

// Whether looking the family up may load the module. The controller's lookup by name loads an
// installed module (its MODULE_ALIAS_GENL_FAMILY); a dump of the families loads nothing.
enum class Autoload { yes, no };

// The id the generic-netlink controller gives the spirecovery family now, or nothing if the
// module is not loaded. Throws Failure if the controller cannot be asked.
std::optional<int> find_family(nl_sock* socket, Autoload autoload = Autoload::yes);

// Requests to the module in the caller's network namespace. Every method throws Failure with
// the message to show (errors.h).
class Client {
public:
    // Connects and resolves the family: fails here if the module is not loaded.
    explicit Client(Autoload autoload = Autoload::yes);
    // Connects to the family of that id, as the caller has just found it.
    explicit Client(int family);

    int family() const { return family_; }

    Config get_config();
    void set_config(const ConfigChange& change);
    Stats get_stats();
    std::vector<Source> get_sources();
    void flush_sources();

    // The peer set, in the kernel's order (family, address, prefix length), read again if it
    // changed while it was being read.
    std::vector<Peer> get_peers();
    // Replace the set with `peers` in one change (none empties it), add them, remove them. Each
    // is all or nothing; a refusal names the peer the kernel points at.
    void set_peers(std::span<const Peer> peers);
    void add_peers(std::span<const Peer> peers);
    void del_peers(std::span<const Peer> peers);

private:
    using ReplyHandler = std::function<void(MessageBytes)>;
    // The message for a refusal of `request` (the whole message as sent).
    using RefusalText = std::function<std::string(const KernelAck& refusal, MessageBytes request)>;

    MessagePtr new_request(std::uint8_t cmd, int flags, std::size_t size = 0) const;
    // Sends `msg` and handles its answer. Returns false if the kernel marked a dump interrupted
    // by a change (NLM_F_DUMP_INTR): its replies may then miss or repeat entries.
    bool exchange(nl_msg* msg, const ReplyHandler& on_reply, const RefusalText& refusal);
    // A request without attributes.
    void request(std::uint8_t cmd, int flags, const ReplyHandler& on_reply);
    void change_peers(std::uint8_t cmd, std::span<const Peer> peers);
    void make_send_room(std::size_t bytes);

    SocketPtr socket_;
    int family_;
};

// The module's "events" group for a poll() loop, across unload and reload of the module: the
// socket also listens to the controller's "notify" group, which announces the family's removal
// and its registration. Counts what a full socket lost (LossTracker) and drops messages that
// do not come from the kernel.
class EventStream {
public:
    EventStream(); // joins nlctrl's notify group (the module need not be loaded); throws Failure

    int fd() const;

    // Resolves the family, joins "events" and takes the loss baseline, in that order: every
    // event sent after the baseline either reaches us or counts as lost. Returns false if the
    // module is not loaded (and, with Autoload::no, was not loaded by the lookup). Throws
    // Failure.
    bool attach(Autoload autoload = Autoload::yes);
    bool attached() const { return client_.has_value(); }
    // Requests to the attached module.
    Client& client() { return *client_; }
    // Whether the controller's id for the family differs from ours (a reload whose notices we
    // missed, or a module that came or went): the periodic check, which never loads the
    // module. Throws Failure.
    bool family_changed();

    // SO_RCVBUFFORCE (needs CAP_NET_ADMIN), else SO_RCVBUF capped by net.core.rmem_max.
    void set_receive_buffer(int bytes);

    struct Handlers {
        std::function<void(const Event&)> event;
        std::function<void(const DecodeError&)> malformed;       // the event is skipped
        std::function<void(std::uint32_t port)> foreign_message; // not from the kernel: dropped
    };
    enum class Status { read, empty, overrun, module_removed, module_added };
    // Reads what one receive call returns: `read` if it handled messages, `empty` if nothing
    // was queued, `overrun` if the kernel dropped events because the queue was full,
    // `module_removed` when the family went away (detached: no more events until attach()),
    // `module_added` when a family of that name was registered (call attach()).
    Status receive(const Handlers& handlers);

    // After an overrun, with the queue drained: the events lost since the last report.
    std::uint64_t newly_lost();
    // Messages dropped because another socket, not the kernel, sent them.
    std::uint64_t foreign_messages() const { return foreign_; }

private:
    SocketPtr socket_;
    CallbacksPtr callbacks_;
    SocketPtr control_; // asks the controller, away from the notifications
    std::optional<Client> client_;
    std::optional<LossTracker> losses_;
    bool added_pending_ = false; // a registration behind a removal in the same read
    std::uint64_t foreign_ = 0;
};

} // namespace spirecovery::ctl
