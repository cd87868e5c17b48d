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
#include "ike/daemon/exec_backend.hpp"
#include "ike/daemon/native_backend.hpp"
#include "ike/daemon/vici_backend.hpp"
#include "tools/lib/errors.h"

namespace spirecovery {

namespace {

// How often the daemon asks the controller whether the module's family is still the one it
// listens to: a backstop for nlctrl notices lost with a full socket. The notices do the work.
constexpr std::chrono::seconds module_check{30};
// Large enough that a burst of events from many sources fits while the daemon is busy.
constexpr int event_socket_buffer = 1 << 20;
// How often a finished recovery looks for the peer's new inbound SA.
constexpr std::chrono::milliseconds sa_poll{100};

std::string peer_prefix(const PeerConfig& peer) {
    return cat("peer ", peer.name, " (", peer.address.to_string(), "): ");
}

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
    : config_(config), log_(log), policy_(config, clock_), status_(config, config.state_file, log) {
    inventories_.push_back(&kernel_sad_);
    if (!config_.vici_socket.empty()) {
        ike_sas_ = std::make_unique<ViciIkeSas>(config_.vici_socket);
        inventories_.push_back(ike_sas_.get());
        backends_[BackendKind::vici] =
            std::make_unique<ViciBackend>(config_.vici_socket, config_.vici_timeout);
    }
    backends_[BackendKind::native] =
        std::make_unique<NativeBackend>(config_.retransmit, config_.peers);
    backends_[BackendKind::exec] = std::make_unique<ExecBackend>(config_.exec_timeout);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    signal_fd_.reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    job_done_fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!signal_fd_ || !job_done_fd_)
        throw std::runtime_error(cat("signalfd/eventfd: ", std::strerror(errno)));
}

Daemon::~Daemon() {
    for (auto& job : jobs_)
        job.thread.request_stop();
    jobs_.clear(); // joins
}

bool Daemon::connect_module() {
    try {
        if (!events_->attach()) {
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
        names += cat(names.empty() ? "" : "; ", peer.name, " ", peer.address.to_string(), " [",
                     peer.enabled ? backends : "disabled", "]");
    }
    log_.notice(cat("spirecoveryd starting: ", config_.peers.size(), " peer(s): ", names,
                    "; hold-down ", config_.hold_down.count(), " s, max-exchanges ",
                    config_.max_exchanges));

    try {
        open_events();
    } catch (const ctl::Failure& e) {
        log_.error(cat("cannot listen to the spirecovery module: ", e.what()));
        return 1;
    }
    connect_module();
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
            log_.notice(cat("received signal ", info.ssi_signo, ", stopping ", jobs_.size(),
                            " running recoveries"));
            return 0;
        }
        if (fds[1].revents & POLLIN) {
            uint64_t count;
            [[maybe_unused]] auto n = ::read(job_done_fd_.get(), &count, sizeof(count));
            reap_jobs();
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
                // Our own family lookup may have loaded it (the module's genl alias): then
                // its notice comes after we joined.
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
    const PeerConfig* peer = config_.find_peer(event.source);
    const std::string prefix = peer ? peer_prefix(*peer) : cat(event.source.to_string(), ": ");
    log_.info(cat(prefix, "invalid SPI: ", event.to_string()));
    if (peer)
        status_.event(*peer, event.to_string());

    const Decision decision = policy_.decide(event.source, inventories_, log_);
    log_.log(decision.act ? LogLevel::notice : LogLevel::info, prefix + decision.reason);
    if (!peer)
        return;
    status_.decision(*peer, decision.reason);
    if (decision.act)
        start_recovery(*peer, event);
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
                if (!network || !prefix_covers(*network, source.prefix_len, peer.address))
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
                log_.info(cat(peer_prefix(peer), "missed events (", source.misses,
                              " misses in the source table); SPI unknown"));
                status_.event(peer, "resynchronised after lost events (SPI unknown)");
                const Decision decision = policy_.decide(peer.address, inventories_, log_);
                log_.log(decision.act ? LogLevel::notice : LogLevel::info,
                         peer_prefix(peer) + decision.reason);
                status_.decision(peer, decision.reason);
                if (decision.act)
                    start_recovery(peer, event);
            }
        }
        last_drained_ = clock_.now();
    } catch (const std::runtime_error& e) {
        log_.error(cat("resynchronisation failed: ", e.what()));
    }
}

void Daemon::start_recovery(const PeerConfig& peer, const MissEvent& event) {
    Job& job = jobs_.emplace_back();
    job.peer = &peer;
    job.thread = std::jthread([this, &peer, event, &job](std::stop_token stop) {
        recover(peer, event, stop);
        job.done = true;
        const uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(job_done_fd_.get(), &one, sizeof(one));
    });
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
    log_.info(
        cat(peer_prefix(peer), "recovery requested on the command line: ", event.to_string()));
    status_.event(peer, "requested on the command line");
    const Decision decision = policy_.decide(peer.address, inventories_, log_);
    log_.log(decision.act ? LogLevel::notice : LogLevel::info, peer_prefix(peer) + decision.reason);
    status_.decision(peer, decision.reason);
    if (!decision.act)
        return false;
    const bool ok = recover(peer, event, std::stop_token{});
    policy_.finished(peer);
    return ok;
}

bool Daemon::recover(const PeerConfig& peer, const MissEvent& event, std::stop_token stop) {
    PeerLog log(log_, peer_prefix(peer));
    const RecoveryRequest request{peer, event};
    for (size_t i = 0; i < peer.backends.size(); i++) {
        const BackendKind kind = peer.backends[i];
        const std::string name(to_string(kind));
        // The configuration guarantees it: vici needs vici-socket, the others always exist.
        RecoveryBackend& backend = *backends_.at(kind);
        log.info(cat("recovery: backend ", name));
        status_.result(peer, name, "running");
        const BackendOutcome outcome = backend.recover(request, log, stop);
        switch (outcome.verdict) {
        case BackendOutcome::Verdict::unavailable: {
            const bool last = i + 1 == peer.backends.size();
            log.warning(cat("backend ", name, " unavailable: ", outcome.detail,
                            last ? "; no backend left"
                                 : cat("; falling back to ", to_string(peer.backends[i + 1]))));
            status_.result(peer, name, "unavailable: " + outcome.detail);
            continue;
        }
        case BackendOutcome::Verdict::failed:
            log.error(cat("recovery failed (", name, "): ", outcome.detail));
            status_.result(peer, name, "failed: " + outcome.detail);
            return false;
        case BackendOutcome::Verdict::succeeded:
            log.notice(cat("recovery done (", name, "): ", outcome.detail));
            status_.result(peer, name, "done: " + outcome.detail);
            wait_for_inbound_sa(peer, event, name, log, stop);
            return true;
        }
    }
    log.error("recovery impossible: no backend was available");
    return false;
}

bool Daemon::wait_for_inbound_sa(const PeerConfig& peer, const MissEvent& event,
                                 const std::string& backend, PeerLog& log, std::stop_token stop) {
    if (config_.recovery_wait.count() == 0)
        return false;
    const auto give_up = clock_.now() + config_.recovery_wait;
    const uint64_t since = event.timestamp_ns ? event.timestamp_ns : realtime_now_ns();
    KernelSad sad;
    while (!stop.stop_requested() && clock_.now() < give_up) {
        auto presence = sad.find(peer.address);
        if (presence && presence->inbound) {
            const uint64_t now = realtime_now_ns();
            const uint64_t ms = now > since ? (now - since) / 1000000 : 0;
            log.notice(cat("recovered: ", presence->description, " installed ", ms,
                           " ms after the dropped packet"));
            status_.result(peer, backend, "recovered: " + presence->description, ms);
            return true;
        }
        std::this_thread::sleep_for(sa_poll);
    }
    if (stop.stop_requested())
        return false;
    log.warning(cat("the peer dropped its stale SAs but no inbound SA from it appeared within ",
                    config_.recovery_wait.count(),
                    " s (a peer without trap policies does not re-key by itself)"));
    status_.result(
        peer, backend,
        cat("stale SAs removed, no new SA within ", config_.recovery_wait.count(), " s"));
    return false;
}

void Daemon::reap_jobs() {
    for (auto it = jobs_.begin(); it != jobs_.end();) {
        if (!it->done) {
            ++it;
            continue;
        }
        policy_.finished(*it->peer);
        it = jobs_.erase(it); // joins the finished thread
    }
}

} // namespace spirecovery
