// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <optional>

#include "ike/daemon/config.h"
#include "ike/daemon/miss_event.h"
#include "ike/daemon/recovery_policy.h"
#include "ike/daemon/recovery_scheduler.h"
#include "ike/daemon/status_board.h"
#include "ike/lib/crypto.h"
#include "tools/lib/netlink.h"
#include "tools/lib/unique_fd.h"

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
    void open_events();
    // Only the lookup at start may load the module: one an operator removed stays removed.
    bool connect_module(ctl::Autoload autoload = ctl::Autoload::no);
    void check_module();
    void apply_module_settings();
    void push_peer_set();
    void read_events();
    void handle_event(const MissEvent& event);
    void resynchronise();

    const DaemonConfig& config_;
    Logger& log_;
    SteadyClock clock_;
    StatusBoard status_;
    ike::crypto::SystemRandom random_;

    // Opened by run(); follows the module through unload and reload.
    std::optional<ctl::EventStream> events_;
    bool absence_logged_ = false;
    std::chrono::steady_clock::time_point next_module_check_;
    std::chrono::steady_clock::time_point last_drained_;

    UniqueFd signal_fd_;
    UniqueFd job_done_fd_;                       // eventfd a finished recovery writes to
    std::optional<RecoveryScheduler> scheduler_; // last: its recoveries stop first
};

} // namespace spirecovery
