// Talking to the module over generic netlink with libnl-genl-3: requests on one socket, events on
// another (an event socket must not see replies, and a request must not wait behind events).
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "tools/src/decode.h"
#include "tools/src/model.h"

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

// Requests to the module in the caller's network namespace. Every method throws Failure with
// the message to show (errors.h).
class Client {
public:
    Client(); // connects and resolves the family: fails here if the module is not loaded

    Config get_config();
    void set_config(const ConfigChange& change);
    Stats get_stats();
    std::vector<Source> get_sources();
    void flush_sources();

private:
    using ReplyHandler = std::function<void(MessageBytes)>;
    void request(std::uint8_t cmd, int flags, const ConfigChange& attributes,
                 const ReplyHandler& on_reply);

    SocketPtr socket_;
    int family_;
};

// Membership of the "events" group, non-blocking, for a poll() loop.
class EventSocket {
public:
    EventSocket(); // throws Failure

    int fd() const;

    struct Handlers {
        std::function<void(const Event&)> event;
        std::function<void(const DecodeError&)> malformed; // the event is skipped
    };
    enum class Status { read, empty, overrun, family_removed };
    // Reads what one receive call returns: `read` if it handled messages, `empty` if nothing
    // was queued, `overrun` if the kernel dropped events because the queue was full,
    // `family_removed` if the module went away (no more events will come).
    Status receive(const Handlers& handlers);

private:
    SocketPtr socket_;
    CallbacksPtr callbacks_;
    int family_;
};

} // namespace spirecovery::ctl
