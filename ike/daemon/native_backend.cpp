// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/native_backend.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <sys/socket.h>

#include "ike/daemon/addresses.h"
#include "ike/daemon/stop_fd.h"
#include "ike/lib/crypto.h"
#include "ike/lib/recovery_exchange.h"
#include "tools/lib/unique_fd.h"

namespace spirecovery {

namespace {

using Clock = std::chrono::steady_clock;
using Verdict = BackendOutcome::Verdict;

constexpr uint8_t non_esp_marker[4] = {0, 0, 0, 0};

LogLevel to_daemon_level(ike::LogLevel level) {
    switch (level) {
    case ike::LogLevel::debug:
        return LogLevel::debug;
    case ike::LogLevel::info:
        return LogLevel::info;
    case ike::LogLevel::warning:
        return LogLevel::warning;
    case ike::LogLevel::error:
        return LogLevel::error;
    }
    return LogLevel::info;
}

// A UDP socket bound to B's address toward the peer (the stale ESP was sent to it), so the
// peer sees us at the address it knows; the port is ephemeral because our IKE daemon owns 500
// and 4500.
ike::Result<std::pair<UniqueFd, ike::Endpoint>> open_socket(const ike::IpAddress& local) {
    UniqueFd fd(
        ::socket(address_family(local), SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP));
    if (!fd)
        return ike::Error{cat("socket: ", std::strerror(errno))};
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr({local, 0}, ss);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return ike::Error{cat("bind to ", local.to_string(), ": ", std::strerror(errno))};
    socklen_t got = sizeof(ss);
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &got) != 0)
        return ike::Error{cat("getsockname: ", std::strerror(errno))};
    auto bound = from_sockaddr(ss);
    if (!bound)
        return ike::Error{"getsockname: unexpected address family"};
    return std::pair{std::move(fd), *bound};
}

// Every group a native peer may use: the first one goes into KEi, the others may be asked
// for by INVALID_KE_PAYLOAD.
std::set<ike::DhGroup> native_dh_groups(const std::vector<PeerConfig>& peers) {
    std::set<ike::DhGroup> groups;
    for (const auto& peer : peers) {
        if (std::find(peer.backends.begin(), peer.backends.end(), BackendKind::native) ==
            peer.backends.end())
            continue;
        for (const auto& proposal : peer.proposals)
            groups.insert(proposal.dh_groups.begin(), proposal.dh_groups.end());
    }
    return groups;
}

} // namespace

NativeBackend::NativeBackend(ike::RetransmitPolicy retransmit, const std::vector<PeerConfig>& peers)
    : retransmit_(retransmit), keys_(native_dh_groups(peers)) {
    // OpenSSL seeds its random generator and fetches algorithms on first use: now, rather
    // than between the first event and its IKE_SA_INIT (the key pool did the DH part).
    uint8_t byte;
    ike::crypto::SystemRandom().fill({&byte, 1});
    (void)ike::crypto::digest(ike::crypto::Hash::sha1, {}); // the NAT detection hashes
}

BackendOutcome NativeBackend::recover(const RecoveryRequest& request, PeerLog& log,
                                      std::stop_token stop) {
    const PeerConfig& peer = request.peer;
    const MissEvent& event = request.event;
    const RecoveryPath& path = request.path;

    auto socket = open_socket(path.local);
    if (!socket)
        return {Verdict::failed, "native: " + socket.error().message};
    auto& [fd, local] = socket.value();

    ike::RecoveryConfig config;
    config.local = local;
    config.remote = {peer.address, peer.port};
    if (path.nat_t) {
        config.remote_nat_t_port = path.port;
        config.start_with_nat_t = true;
    }
    config.local_id = *peer.local_id;
    config.remote_id = peer.remote_id;
    config.psk = peer.psk;
    config.proposals = peer.proposals;
    config.stale_sa = {event.spi,
                       event.proto == IPPROTO_AH ? ike::ProtocolId::ah : ike::ProtocolId::esp};
    config.retransmit = retransmit_;
    config.confirm_before_auth = static_cast<bool>(request.last_check);

    log.info(cat("native: IKE ", path.to_string(peer.address), ", local port ", local.port));

    ike::crypto::SystemRandom random;
    ike::RecoveryExchange exchange(std::move(config), random, keys_, clock_);
    std::optional<Clock::time_point> timer;
    std::set<uint16_t> marker_ports; // peer ports we talk to with the non-ESP marker
    bool first_send = true;
    bool confirm_pending = false;
    std::optional<std::string> called_off; // why IKE_AUTH was not sent

    // Runs actions; returns the outcome once a Done appears.
    auto execute = [&](ike::Actions actions) -> std::optional<BackendOutcome> {
        for (auto& action : actions) {
            if (auto* send = std::get_if<ike::Send>(&action)) {
                ike::Bytes wire;
                if (send->non_esp_marker) {
                    marker_ports.insert(send->destination_port);
                    wire.assign(std::begin(non_esp_marker), std::end(non_esp_marker));
                }
                wire.insert(wire.end(), send->message.begin(), send->message.end());
                sockaddr_storage to;
                const socklen_t len = to_sockaddr({peer.address, send->destination_port}, to);
                const bool sent = ::sendto(fd.get(), wire.data(), wire.size(), 0,
                                           reinterpret_cast<sockaddr*>(&to), len) >= 0;
                if (sent && first_send && event.received != Clock::time_point{}) {
                    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        Clock::now() - event.received);
                    log.info(cat("native: first IKE packet sent ", us.count(),
                                 " us after the event was read"));
                }
                first_send = false;
                if (!sent)
                    // Like a lost datagram: the retransmission timer covers it.
                    log.warning(cat("native: sendto ", peer.address.to_string(), ":",
                                    send->destination_port, ": ", std::strerror(errno)));
            } else if (auto* arm = std::get_if<ike::ArmTimer>(&action)) {
                timer = arm->deadline;
            } else if (auto* line = std::get_if<ike::Log>(&action)) {
                log.log(to_daemon_level(line->level), "native: " + line->text);
            } else if (auto* done = std::get_if<ike::Done>(&action)) {
                if (called_off)
                    return BackendOutcome{Verdict::called_off, "native: " + done->reason};
                return BackendOutcome{done->success ? Verdict::succeeded : Verdict::failed,
                                      "native: " + done->reason};
            } else if (std::holds_alternative<ike::ConfirmAuth>(action)) {
                confirm_pending = true;
            }
        }
        return std::nullopt;
    };
    // Also answers the exchange's ConfirmAuth: INITIAL_CONTACT would destroy an IKE SA that
    // the peer set up with our IKE daemon since the decision, so look once more.
    auto drive = [&](ike::Actions actions) -> std::optional<BackendOutcome> {
        for (;;) {
            if (auto outcome = execute(std::move(actions)))
                return outcome;
            if (!confirm_pending)
                return std::nullopt;
            confirm_pending = false;
            called_off = request.last_check();
            if (called_off)
                log.notice("native: not sending IKE_AUTH with INITIAL_CONTACT: " + *called_off);
            actions = exchange.confirm_auth(!called_off, called_off.value_or(""));
        }
    };

    if (auto outcome = drive(exchange.start()))
        return *outcome;

    const StopFd stop_fd(stop);
    std::vector<uint8_t> buffer(65536);
    for (;;) {
        if (stop.stop_requested())
            return {Verdict::failed, "native: daemon shutting down"};
        auto now = Clock::now();
        if (timer && now >= *timer) {
            timer.reset();
            if (auto outcome = drive(exchange.on_timer()))
                return *outcome;
            continue;
        }
        const int wait =
            timer ? static_cast<int>(
                        std::chrono::ceil<std::chrono::milliseconds>(*timer - now).count())
                  : -1;
        pollfd pfd[2] = {{fd.get(), POLLIN, 0}, {stop_fd.get(), POLLIN, 0}};
        const int ready = ::poll(pfd, 2, wait);
        if (ready < 0 && errno != EINTR)
            return {Verdict::failed, cat("native: poll: ", std::strerror(errno))};
        if (ready <= 0 || !(pfd[0].revents & POLLIN))
            continue;
        sockaddr_storage from_ss;
        socklen_t from_len = sizeof(from_ss);
        const ssize_t n = ::recvfrom(fd.get(), buffer.data(), buffer.size(), 0,
                                     reinterpret_cast<sockaddr*>(&from_ss), &from_len);
        if (n < 0) {
            // ICMP errors surface here (ECONNREFUSED): the retransmission timer decides.
            if (errno != EAGAIN && errno != EINTR)
                log.debug(cat("native: recvfrom: ", std::strerror(errno)));
            continue;
        }
        auto from = from_sockaddr(from_ss);
        if (!from || !(from->address == peer.address)) {
            log.debug("native: dropped a datagram not from the peer");
            continue;
        }
        ike::ByteView message(buffer.data(), static_cast<size_t>(n));
        if (marker_ports.count(from->port)) {
            if (message.size() < 4 ||
                !std::equal(message.begin(), message.begin() + 4, std::begin(non_esp_marker)))
                continue; // ESP on the NAT-T port, not IKE
            message = message.subspan(4);
        }
        if (auto outcome = drive(exchange.on_datagram(message, *from)))
            return *outcome;
    }
}

} // namespace spirecovery
