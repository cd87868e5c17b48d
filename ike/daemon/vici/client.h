// SPDX-License-Identifier: GPL-2.0
// A blocking vici client over a unix stream socket; every call ends by a deadline, or at
// once when the optional stop fd (a StopFd) becomes readable.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "ike/daemon/vici/message.h"
#include "tools/lib/unique_fd.h"

namespace spirecovery::vici {

using Clock = std::chrono::steady_clock;

class Client {
public:
    // Receives events that arrive while a command runs (streamed listings, control-log).
    using EventSink = std::function<void(const std::string& name, const Message& message)>;

    // Connects to the unix socket at `path`. The error says why (absent, refused, ...);
    // `*nobody_listens`, when given, tells whether no daemon listens there at all (no
    // socket file, connection refused), as opposed to one that does not answer.
    static ike::Result<Client> connect(const std::string& path, Clock::time_point deadline,
                                       int stop_fd = -1, bool* nobody_listens = nullptr);
    // Wraps an already connected stream socket (tests use a socketpair).
    explicit Client(UniqueFd fd, int stop_fd = -1) : fd_(std::move(fd)), stop_fd_(stop_fd) {}

    ike::Status register_event(std::string_view name, Clock::time_point deadline);
    ike::Status unregister_event(std::string_view name, Clock::time_point deadline);

    // Sends the command and returns its response; events received meanwhile go to `events`.
    ike::Result<Message> command(std::string_view name, const Message& request,
                                 const EventSink& events, Clock::time_point deadline);

private:
    ike::Status send(const Packet& packet, Clock::time_point deadline);
    ike::Result<Packet> receive(Clock::time_point deadline);
    ike::Status event_registration(PacketType type, std::string_view name,
                                   Clock::time_point deadline);
    ike::Status read_exact(uint8_t* out, size_t n, Clock::time_point deadline);

    UniqueFd fd_;
    int stop_fd_ = -1; // not owned
};

} // namespace spirecovery::vici
