// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/vici/client.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace spirecovery::vici {

namespace {

ike::Error system_error(const std::string& what, int err) {
    return ike::Error{what + ": " + std::strerror(err)};
}

// Waits until `fd` is ready for `events`, the deadline passes or `stop_fd` is readable.
ike::Status wait_for(int fd, short events, Clock::time_point deadline, int stop_fd) {
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return ike::Error{"vici: timed out"};
        pollfd pfd[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
        const int n = ::poll(pfd, 2, static_cast<int>(std::min<long long>(left.count(), 60000)));
        if (n < 0 && errno != EINTR)
            return system_error("vici: poll", errno);
        if (pfd[1].revents & POLLIN)
            return ike::Error{"vici: interrupted: daemon shutting down"};
        if (n > 0)
            return ike::success();
    }
}

} // namespace

ike::Result<Client> Client::connect(const std::string& path, Clock::time_point deadline,
                                    int stop_fd, bool* nobody_listens) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path))
        return ike::Error{"vici: socket path too long: " + path};
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

    const auto failed = [&](int err) {
        if (nobody_listens)
            *nobody_listens = err == ENOENT || err == ECONNREFUSED;
        return system_error("vici: connect to " + path, err);
    };
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd)
        return system_error("vici: socket", errno);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN)
            return failed(errno);
        if (auto st = wait_for(fd.get(), POLLOUT, deadline, stop_fd); !st)
            return st.error();
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err)
            return failed(err);
    }
    return Client(std::move(fd), stop_fd);
}

ike::Status Client::send(const Packet& packet, Clock::time_point deadline) {
    auto body = encode_packet(packet);
    if (!body)
        return body.error();
    const uint32_t len = static_cast<uint32_t>(body->size());
    ike::Bytes wire{static_cast<uint8_t>(len >> 24), static_cast<uint8_t>(len >> 16),
                    static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
    wire.insert(wire.end(), body->begin(), body->end());
    size_t sent = 0;
    while (sent < wire.size()) {
        const ssize_t n =
            ::send(fd_.get(), wire.data() + sent, wire.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            sent += static_cast<size_t>(n);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            if (auto st = wait_for(fd_.get(), POLLOUT, deadline, stop_fd_); !st)
                return st;
        } else {
            return system_error("vici: send", errno);
        }
    }
    return ike::success();
}

ike::Status Client::read_exact(uint8_t* out, size_t n, Clock::time_point deadline) {
    size_t got = 0;
    while (got < n) {
        const ssize_t r = ::recv(fd_.get(), out + got, n - got, MSG_DONTWAIT);
        if (r > 0) {
            got += static_cast<size_t>(r);
        } else if (r == 0) {
            return ike::Error{"vici: connection closed by the daemon"};
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            if (auto st = wait_for(fd_.get(), POLLIN, deadline, stop_fd_); !st)
                return st;
        } else {
            return system_error("vici: recv", errno);
        }
    }
    return ike::success();
}

ike::Result<Packet> Client::receive(Clock::time_point deadline) {
    uint8_t header[4];
    if (auto st = read_exact(header, sizeof(header), deadline); !st)
        return st.error();
    const size_t len = static_cast<size_t>(header[0]) << 24 | static_cast<size_t>(header[1]) << 16 |
                       static_cast<size_t>(header[2]) << 8 | header[3];
    if (len == 0 || len > max_segment_size)
        return ike::Error{"vici: invalid segment length " + std::to_string(len)};
    ike::Bytes segment(len);
    if (auto st = read_exact(segment.data(), len, deadline); !st)
        return st.error();
    return decode_packet(segment);
}

ike::Status Client::event_registration(PacketType type, std::string_view name,
                                       Clock::time_point deadline) {
    if (auto st = send(Packet{type, std::string(name), {}}, deadline); !st)
        return st;
    for (;;) {
        auto reply = receive(deadline);
        if (!reply)
            return reply.error();
        switch (reply->type) {
        case PacketType::event_confirm:
            return ike::success();
        case PacketType::event_unknown:
            return ike::Error{"vici: event \"" + std::string(name) + "\" unknown to the daemon"};
        case PacketType::event:
            continue; // a previously registered event still in flight
        default:
            return ike::Error{"vici: unexpected packet during event registration"};
        }
    }
}

ike::Status Client::register_event(std::string_view name, Clock::time_point deadline) {
    return event_registration(PacketType::event_register, name, deadline);
}

ike::Status Client::unregister_event(std::string_view name, Clock::time_point deadline) {
    return event_registration(PacketType::event_unregister, name, deadline);
}

ike::Result<Message> Client::command(std::string_view name, const Message& request,
                                     const EventSink& events, Clock::time_point deadline) {
    if (auto st = send(Packet{PacketType::cmd_request, std::string(name), request}, deadline); !st)
        return st.error();
    for (;;) {
        auto reply = receive(deadline);
        if (!reply)
            return reply.error();
        switch (reply->type) {
        case PacketType::cmd_response:
            return std::move(reply->message);
        case PacketType::cmd_unknown:
            return ike::Error{"vici: command \"" + std::string(name) + "\" unknown to the daemon"};
        case PacketType::event:
            if (events)
                events(reply->name, reply->message);
            continue;
        default:
            return ike::Error{"vici: unexpected packet while waiting for a response"};
        }
    }
}

} // namespace spirecovery::vici
