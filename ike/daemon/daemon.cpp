// SPDX-License-Identifier: GPL-2.0-only
#include "ike/daemon/daemon.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "ike/daemon/addresses.hpp"

namespace spirecovery {

namespace {

// How often the daemon retries to reach a module that is not loaded yet.
constexpr std::chrono::seconds module_retry{2};

// The source address the kernel would use towards `peer`: connect() on a UDP socket does
// the route lookup without sending anything.
std::optional<ike::IpAddress> route_source(const ike::IpAddress& peer) {
    UniqueFd fd(::socket(address_family(peer), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd)
        return std::nullopt;
    sockaddr_storage ss;
    socklen_t len = to_sockaddr({peer, ike::ike_port}, ss);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return std::nullopt;
    len = sizeof(ss);
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0)
        return std::nullopt;
    auto local = from_sockaddr(ss);
    if (!local)
        return std::nullopt;
    return local->address;
}

} // namespace

Daemon::Daemon(const DaemonConfig& config, Logger& log)
    : config_(config), log_(log), status_(config, config.state_file, log) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    signal_fd_.reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    job_done_fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!signal_fd_ || !job_done_fd_)
        throw std::runtime_error(cat("signalfd/eventfd: ", std::strerror(errno)));
    scheduler_.emplace(config_, log_, status_, job_done_fd_.get(), random_, clock_);
}

Daemon::~Daemon() = default;

bool Daemon::connect_module() {
    try {
        link_.emplace();
        const ModuleStats stats = link_->stats();
        events_attempted_baseline_ = stats.events_attempted();
        events_received_ = 0;
        last_drained_ = clock_.now();
        log_.notice("listening for invalid-SPI events of the spirecovery module");
        if (!link_->recovery_enabled())
            log_.warning("recovery is disabled in this network namespace: no event will come "
                         "until it is enabled (spirecoveryctl enable)");
        link_warning_logged_ = false;
        return true;
    } catch (const std::runtime_error& e) {
        link_.reset();
        if (!link_warning_logged_)
            log_.warning(cat(e.what(), "; retrying every ", module_retry.count(), " s"));
        link_warning_logged_ = true;
        return false;
    }
}

int Daemon::run() {
    std::string names;
    for (const auto& peer : config_.peers) {
        std::string backends;
        for (auto kind : peer.backends)
            backends += (backends.empty() ? "" : ",") + std::string(to_string(kind));
        names += cat(names.empty() ? "" : "; ", peer.name, " ", peer.address.to_string(), " [",
                     peer.enabled ? backends : "disabled", "]");
    }
    log_.notice(cat("spirecoveryd starting: ", config_.peers.size(), " peer(s): ", names,
                    "; hold-down ", config_.hold_down.count(), " s, max-exchanges ",
                    config_.max_exchanges));

    auto next_module_try = clock_.now();
    for (;;) {
        if (!link_ && clock_.now() >= next_module_try && !connect_module())
            next_module_try = clock_.now() + module_retry;

        pollfd fds[3] = {{signal_fd_.get(), POLLIN, 0},
                         {job_done_fd_.get(), POLLIN, 0},
                         {link_ ? link_->event_fd() : -1, POLLIN, 0}};
        const int timeout =
            link_
                ? -1
                : static_cast<int>(
                      std::chrono::duration_cast<std::chrono::milliseconds>(module_retry).count());
        if (::poll(fds, 3, timeout) < 0) {
            if (errno == EINTR)
                continue;
            log_.error(cat("poll: ", std::strerror(errno)));
            return 1;
        }
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            [[maybe_unused]] auto n = ::read(signal_fd_.get(), &info, sizeof(info));
            log_.notice(cat("received signal ", info.ssi_signo, ", stopping"));
            return 0;
        }
        if (fds[1].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] auto n = ::read(job_done_fd_.get(), &count, sizeof(count));
            scheduler_->reap();
        }
        if (link_ && (fds[2].revents & (POLLIN | POLLERR)))
            read_events();
    }
}

void Daemon::read_events() {
    ModuleLink::ReadStatus status;
    try {
        status = link_->read_events([&](ike::Result<MissEvent> event) {
            events_received_++;
            if (!event) {
                log_.warning(cat("ignored an undecodable event: ", event.error().message));
                return;
            }
            handle_event(event.value());
        });
    } catch (const std::runtime_error& e) {
        log_.error(cat(e.what(), "; reconnecting"));
        link_.reset();
        return;
    }
    if (status == ModuleLink::ReadStatus::overrun)
        resynchronise();
    else
        last_drained_ = clock_.now();
}

void Daemon::handle_event(const MissEvent& event) {
    scheduler_->trigger(event, "invalid SPI: " + event.to_string(), event.to_string());
}

void Daemon::resynchronise() {
    // The kernel dropped notifications because our socket was full: count them from the
    // module's counter, then look for configured peers among the sources seen meanwhile.
    try {
        const ModuleStats stats = link_->stats();
        const uint64_t attempted = stats.events_attempted() - events_attempted_baseline_;
        const uint64_t lost = attempted > events_received_ ? attempted - events_received_ : 0;
        log_.warning(cat("event socket overflow (ENOBUFS): ", lost,
                         " event(s) lost (the module tried to send ", attempted,
                         " since the last synchronisation, the daemon read ", events_received_,
                         "); resynchronising from the module's source table"));
        events_attempted_baseline_ = stats.events_attempted();
        events_received_ = 0;

        const auto since_drained =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - last_drained_) +
            std::chrono::seconds(1);
        const std::vector<SourceEntry> sources = link_->sources();
        log_.debug(cat("source table: ", sources.size(),
                       " entries; looking at those seen in the last ", since_drained.count(),
                       " ms"));
        for (const SourceEntry& source : sources) {
            if (source.last_seen_msecs > static_cast<uint64_t>(since_drained.count()))
                continue;
            for (const auto& peer : config_.peers) {
                if (!source.covers(peer.address))
                    continue;
                MissEvent event;
                event.proto = IPPROTO_ESP;
                event.source = peer.address;
                auto local = route_source(peer.address);
                if (!local) {
                    log_.warning(
                        cat(peer_prefix(peer), "no route to the peer; not resynchronised"));
                    continue;
                }
                event.destination = *local;
                event.timestamp_ns = realtime_now_ns() - source.last_seen_msecs * 1000000;
                event.received = clock_.now();
                scheduler_->trigger(event,
                                    cat("missed events (", source.misses,
                                        " misses in the source table); SPI unknown"),
                                    "resynchronised after lost events (SPI unknown)");
            }
        }
        last_drained_ = clock_.now();
    } catch (const std::runtime_error& e) {
        log_.error(cat("resynchronisation failed: ", e.what()));
    }
}

bool Daemon::recover_now(const PeerConfig& peer, std::optional<uint32_t> spi) {
    MissEvent event;
    event.proto = IPPROTO_ESP;
    event.spi = spi;
    event.source = peer.address;
    event.timestamp_ns = realtime_now_ns();
    event.received = clock_.now();
    auto local = route_source(peer.address);
    if (!local) {
        log_.error(cat(peer_prefix(peer), "no route to the peer"));
        return false;
    }
    event.destination = *local;
    if (!scheduler_->trigger(event, "recovery requested on the command line: " + event.to_string(),
                             "requested on the command line"))
        return false;
    // The recovery runs in its thread; this one answers SIGTERM and SIGINT meanwhile.
    for (;;) {
        pollfd fds[2] = {{signal_fd_.get(), POLLIN, 0}, {job_done_fd_.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_.error(cat("poll: ", std::strerror(errno)));
            return false;
        }
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            [[maybe_unused]] auto n = ::read(signal_fd_.get(), &info, sizeof(info));
            log_.notice(cat("received signal ", info.ssi_signo, ", stopping the recovery"));
            return false; // the scheduler's destructor stops and joins it
        }
        if (fds[1].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] auto n = ::read(job_done_fd_.get(), &count, sizeof(count));
            for (const auto& [ended, recovered] : scheduler_->reap())
                if (ended == &peer)
                    return recovered;
        }
    }
}

} // namespace spirecovery
