// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/native_backend.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <set>

#include "ike/daemon/native_socket.h"
#include "ike/daemon/stop_fd.h"
#include "ike/lib/crypto.h"
#include "ike/lib/recovery_exchange.h"

namespace spirecovery {

namespace {

using Clock = std::chrono::steady_clock;
using Verdict = BackendOutcome::Verdict;

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

    // ESP in UDP may cross a NAT whose mapping takes only B's port 4500 (where B's IKE daemon
    // listens): a raw socket sends from there. Plain ESP: a UDP socket of our own.
    const ike::Endpoint remote{peer.address, path.port};
    auto opened = path.nat_t ? NativeSocket::open_raw({path.local, ike::nat_t_port}, remote)
                             : NativeSocket::open_udp(path.local);
    if (!opened)
        return {Verdict::failed, "native: " + opened.error().message};
    NativeSocket& socket = opened.value();
    const ike::Endpoint local = socket.local();

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

    log.info(cat("native: IKE ", path.to_string(peer.address), ", local port ", local.port,
                 socket.raw() ? " (raw socket: the port a NAT's mapping expects)" : ""));

    ike::crypto::SystemRandom random;
    ike::RecoveryExchange exchange(std::move(config), random, keys_, clock_);
    std::optional<Clock::time_point> timer;
    bool first_send = true;
    bool confirm_pending = false;
    std::optional<std::string> called_off; // why IKE_AUTH was not sent

    // Runs actions; returns the outcome once a Done appears.
    auto execute = [&](ike::Actions actions) -> std::optional<BackendOutcome> {
        for (auto& action : actions) {
            if (auto* send = std::get_if<ike::Send>(&action)) {
                auto sent = socket.send({peer.address, send->destination_port}, send->message,
                                        send->non_esp_marker);
                if (sent && first_send && event.received != Clock::time_point{}) {
                    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        Clock::now() - event.received);
                    log.info(cat("native: first IKE packet sent ", us.count(),
                                 " us after the event was read"));
                }
                first_send = false;
                if (!sent)
                    // Like a lost datagram: the retransmission timer covers it.
                    log.warning("native: " + sent.error().message);
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
        pollfd pfd[2] = {{socket.fd(), POLLIN, 0}, {stop_fd.get(), POLLIN, 0}};
        const int ready = ::poll(pfd, 2, wait);
        if (ready < 0 && errno != EINTR)
            return {Verdict::failed, cat("native: poll: ", std::strerror(errno))};
        if (ready <= 0)
            continue;
        std::optional<NativeSocket::Incoming> incoming;
        if (pfd[0].revents & POLLERR)
            incoming = socket.receive_error();
        else if (pfd[0].revents & POLLIN)
            incoming = socket.receive();
        if (!incoming)
            continue;
        if (auto* dropped = std::get_if<NativeSocket::Dropped>(&*incoming)) {
            log.debug("native: dropped: " + dropped->why);
        } else if (auto* icmp = std::get_if<NativeSocket::Icmp>(&*incoming)) {
            const std::string seen = "ICMP " + describe(icmp->report);
            if (icmp->match == QuoteMatch::other)
                log.debug("native: " + seen + ", about another datagram");
            else if (!is_hard(icmp->report))
                log.info("native: " + seen + " in answer to IKE to " + remote.to_string());
            else if (icmp->match == QuoteMatch::too_short)
                // Anyone can send that: without our SPI in the quote it cannot end the attempt.
                log.warning("native: " + seen + " in answer to IKE to " + remote.to_string() +
                            ", quoting too little to show our IKE SPI: retransmitting");
            else
                return {Verdict::failed, "native: " + seen + " in answer to IKE to " +
                                             remote.to_string() + ": the peer cannot be " +
                                             "reached there, no retransmission"};
        } else {
            const auto& datagram = std::get<NativeSocket::Datagram>(*incoming);
            if (auto outcome = drive(exchange.on_datagram(datagram.message, datagram.from)))
                return *outcome;
        }
    }
}

} // namespace spirecovery
