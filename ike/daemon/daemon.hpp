// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <optional>

#include "ike/daemon/config.hpp"
#include "ike/daemon/module_link.hpp"
#include "ike/daemon/recovery_policy.hpp"
#include "ike/daemon/recovery_scheduler.hpp"
#include "ike/daemon/status_board.hpp"
#include "ike/daemon/unique_fd.hpp"
#include "ike/lib/crypto.h"

namespace spirecovery {

// The event loop: module events in, decisions, one thread per running recovery.
class Daemon {
public:
    Daemon(const DaemonConfig& config, Logger& log);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM or SIGINT (blocked by the caller before any thread starts).
    // Returns the process exit status.
    int run();

    // One recovery of `peer` now, as if a miss of `spi` from it had arrived, under the same
    // rules (no SA with the peer, backends in order). Returns whether it succeeded; SIGTERM
    // or SIGINT stops it.
    bool recover_now(const PeerConfig& peer, std::optional<uint32_t> spi);

private:
    bool connect_module();
    void read_events();
    void handle_event(const MissEvent& event);
    void resynchronise();

    const DaemonConfig& config_;
    Logger& log_;
    SteadyClock clock_;
    StatusBoard status_;
    ike::crypto::SystemRandom random_;

    std::optional<ModuleLink> link_;
    bool link_warning_logged_ = false;
    // ModuleStats::events_attempted() when we last synchronised, and events read since.
    uint64_t events_attempted_baseline_ = 0;
    uint64_t events_received_ = 0;
    std::chrono::steady_clock::time_point last_drained_;

    UniqueFd signal_fd_;
    UniqueFd job_done_fd_;                       // eventfd a finished recovery writes to
    std::optional<RecoveryScheduler> scheduler_; // last: its recoveries stop first
};

} // namespace spirecovery
