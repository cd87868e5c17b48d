// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/daemon.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include "ike/daemon/addresses.h"
#include "ike/daemon/peer_set.h"
#include "tools/lib/address.h"
#include "tools/lib/errors.h"

namespace spirecovery {

namespace {

// How often the daemon asks the controller whether the module's family is still the one it
// listens to: a backstop for nlctrl notices lost with a full socket. The notices do the work.
constexpr std::chrono::seconds module_check{30};
// Large enough that a burst of events from many sources fits while the daemon is busy.
constexpr int event_socket_buffer = 1 << 20;

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

bool Daemon::connect_module(ctl::Autoload autoload) {
    try {
        if (!events_->attach(autoload)) {
            if (!absence_logged_)
                log_.warning(cat("the spirecovery module is not loaded (modprobe spirecovery); "
                                 "waiting for it (nlctrl notify, and a check every ",
                                 module_check.count(), " s)"));
            absence_logged_ = true;
            return false;
        }
        absence_logged_ = false;
        last_drained_ = clock_.now();
        log_.notice(cat("listening for invalid-SPI events of the spirecovery module (family id ",
                        events_->client().family(),
                        "): events group joined, lost-event baseline taken"));
        apply_module_settings();
        push_peer_set();
        if (!events_->client().get_config().enabled)
            log_.warning("recovery is disabled in this network namespace: no event will come "
                         "until it is enabled (spirecoveryctl enable, or enabled = yes in "
                         "[module])");
        return true;
    } catch (const ctl::Failure& e) {
        log_.error(cat("spirecovery module: ", e.what()));
        return false;
    }
}

void Daemon::apply_module_settings() {
    if (config_.module.empty())
        return;
    const std::string settings = describe_module_settings(config_.module);
    try {
        events_->client().set_config(config_.module);
        log_.notice(cat("module settings applied: ", settings));
    } catch (const ctl::Failure& e) {
        log_.error(cat("module settings (", settings, ") not applied: ", e.what()));
    }
}

// At every appearance of the module: a reloaded module starts with an empty set, which would
// let every source through again.
void Daemon::push_peer_set() {
    if (!config_.peer_filter) {
        log_.notice("peer-filter = no: the module's peer set is left as it is");
        return;
    }
    const std::vector<ctl::Peer> peers = peer_set_of(config_);
    try {
        events_->client().set_peers(peers);
        log_.notice(cat("module peer set: ", describe_peer_set(peers),
                        "; misses from other sources only count as unknown-source"));
    } catch (const ctl::Failure& e) {
        log_.error(cat("module peer set (", describe_peer_set(peers), ") not written: ", e.what(),
                       "; every source's misses reach the rate limits"));
    }
}

void Daemon::open_events() {
    events_.emplace();
    events_->set_receive_buffer(event_socket_buffer);
}

// The backstop of the nlctrl notices: whether the family we listen to is still there.
void Daemon::check_module() {
    try {
        if (!events_)
            open_events();
        if (!events_->attached()) {
            connect_module();
            return;
        }
        if (events_->family_changed()) {
            log_.warning("the spirecovery module's family changed without a notice reaching "
                         "us (unloaded or loaded again): reconnecting");
            connect_module();
        }
    } catch (const ctl::Failure& e) {
        log_.error(cat("spirecovery module: ", e.what()));
        events_.reset();
    }
}

int Daemon::run() {
    std::string names;
    for (const auto& peer : config_.peers) {
        std::string backends;
        for (auto kind : peer.backends)
            backends += (backends.empty() ? "" : ",") + std::string(to_string(kind));
        names += cat(names.empty() ? "" : "; ", peer.name, " ", peer.address_text(), " [",
                     peer.enabled ? backends : "disabled", "]");
    }
    log_.notice(cat("spirecoveryd starting: ", config_.peers.size(), " peer(s): ", names,
                    "; hold-down ", config_.hold_down.count(), " s, max-exchanges ",
                    config_.max_exchanges, ", max-queued ", config_.max_queued));

    try {
        open_events();
    } catch (const ctl::Failure& e) {
        log_.error(cat("cannot listen to the spirecovery module: ", e.what()));
        return 1;
    }
    connect_module(ctl::Autoload::yes);
    next_module_check_ = clock_.now() + module_check;
    for (;;) {
        if (clock_.now() >= next_module_check_) {
            check_module();
            next_module_check_ = clock_.now() + module_check;
        }

        // The event socket also carries the nlctrl notices: polled even without the module.
        pollfd fds[3] = {{signal_fd_.get(), POLLIN, 0},
                         {job_done_fd_.get(), POLLIN, 0},
                         {events_ ? events_->fd() : -1, POLLIN, 0}};
        const auto until_check = std::chrono::duration_cast<std::chrono::milliseconds>(
            next_module_check_ - clock_.now());
        const int timeout = static_cast<int>(std::max<long>(until_check.count(), 0) + 1);
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
        if (events_ && (fds[2].revents & (POLLIN | POLLERR)))
            read_events();
    }
}

void Daemon::read_events() {
    const ctl::EventStream::Handlers handlers{
        .event =
            [&](const ctl::Event& decoded) {
                // The daemon's latency is measured from here, before deciding.
                const auto received = clock_.now();
                auto event = to_miss_event(decoded);
                if (!event) {
                    log_.warning(cat("ignored an undecodable event: ", event.error().message));
                    return;
                }
                event.value().received = received;
                handle_event(event.value());
            },
        .malformed =
            [&](const ctl::DecodeError& e) {
                log_.warning(cat("ignored an undecodable event: ", e.what()));
            },
        .foreign_message =
            [&](uint32_t port) {
                // Any local process may send to our port; a flood must not flood the log.
                const uint64_t count = events_->foreign_messages();
                if ((count & (count - 1)) == 0)
                    log_.warning(cat("dropped a message from netlink port ", port,
                                     ": events come only from the kernel (", count,
                                     " dropped so far)"));
            },
    };
    // The kernel reports ENOBUFS before the notifications still queued: keep reading them,
    // so that the count of lost events only counts those really lost.
    bool overrun = false;
    try {
        for (;;) {
            switch (events_->receive(handlers)) {
            case ctl::EventStream::Status::read:
                continue;
            case ctl::EventStream::Status::overrun:
                overrun = true;
                continue;
            case ctl::EventStream::Status::module_removed:
                overrun = false; // the lost events were the old module's
                log_.warning("the spirecovery module was unloaded (nlctrl DELFAMILY): no events "
                             "until it is loaded again");
                continue;
            case ctl::EventStream::Status::module_added:
                // Our own family lookup at start may have loaded it (the module's genl
                // alias): then its notice comes after we joined.
                if (events_->attached() && !events_->family_changed())
                    continue;
                overrun = false;
                log_.notice("the spirecovery module was loaded (nlctrl NEWFAMILY): rejoining");
                connect_module();
                continue;
            case ctl::EventStream::Status::empty:
                break;
            }
            break;
        }
    } catch (const ctl::Failure& e) {
        log_.error(cat("reading events: ", e.what(), "; reconnecting"));
        events_.reset();
        next_module_check_ = clock_.now();
        return;
    }
    if (overrun && events_->attached())
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
        log_.warning(cat("event socket overflow (ENOBUFS): ", events_->newly_lost(),
                         " event(s) lost (the module's events-sent + send-failed + no-listener "
                         "since the baseline, minus those read); resynchronising from the "
                         "module's source table"));

        const auto since_drained =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - last_drained_) +
            std::chrono::seconds(1);
        const std::vector<ctl::Source> sources = events_->client().get_sources();
        log_.debug(cat("source table: ", sources.size(),
                       " entries; looking at those seen in the last ", since_drained.count(),
                       " ms"));
        for (const ctl::Source& source : sources) {
            if (source.last_seen_msecs > static_cast<uint64_t>(since_drained.count()))
                continue;
            // IPv6 sources are masked to the module's prefix.
            const auto network = address_from_bytes(source.addr.family, source.addr.bytes.data());
            for (const auto& peer : config_.peers) {
                if (!network)
                    break;
                // A hub's spoke is known only from a full-length entry (IPv4); an IPv6 entry is
                // masked to the module's ipv6-prefix and names no single spoke.
                const bool host_entry =
                    source.prefix_len == ctl::max_prefix_len(source.addr.family);
                ike::IpAddress remote = peer.address;
                if (peer.is_prefix()) {
                    if (!host_entry || !peer.covers(*network))
                        continue;
                    remote = *network;
                } else if (!prefix_covers(*network, source.prefix_len, peer.address)) {
                    continue;
                }
                MissEvent event;
                event.proto = IPPROTO_ESP;
                event.source = remote;
                auto local = local_address(peer, remote, route_source);
                if (!local) {
                    log_.warning(
                        cat(peer_prefix(peer, remote), "no route to the peer; not resynchronised"));
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
    if (peer.is_prefix()) {
        log_.error(cat(peer_prefix(peer), "--recover needs one address, and ", peer.address_text(),
                       " is a hub's prefix: its spokes are recovered from their own events"));
        return false;
    }
    MissEvent event;
    event.proto = IPPROTO_ESP;
    event.spi = spi;
    event.source = peer.address;
    event.timestamp_ns = realtime_now_ns();
    event.received = clock_.now();
    auto local = local_address(peer, peer.address, route_source);
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
