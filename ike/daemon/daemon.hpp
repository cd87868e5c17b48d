// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "ike/daemon/backend.hpp"
#include "ike/daemon/config.hpp"
#include "ike/daemon/miss_event.hpp"
#include "ike/daemon/recovery_policy.hpp"
#include "ike/daemon/sa_inventory.hpp"
#include "ike/daemon/status_board.hpp"
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
    // rules (no SA with the peer, backends in order). Returns whether it succeeded.
    bool recover_now(const PeerConfig& peer, std::optional<uint32_t> spi);

private:
    struct Job {
        const PeerConfig* peer = nullptr;
        std::atomic<bool> done{false};
        std::jthread thread;
    };

    void open_events();
    bool connect_module();
    void check_module();
    void apply_module_settings();
    void read_events();
    void handle_event(const MissEvent& event);
    void resynchronise();
    void start_recovery(const PeerConfig& peer, const MissEvent& event);
    bool recover(const PeerConfig& peer, const MissEvent& event, std::stop_token stop);
    bool wait_for_inbound_sa(const PeerConfig& peer, const MissEvent& event,
                             const std::string& backend, PeerLog& log, std::stop_token stop);
    void reap_jobs();

    const DaemonConfig& config_;
    Logger& log_;
    SteadyClock clock_;
    RecoveryPolicy policy_;
    StatusBoard status_;
    KernelSad kernel_sad_;
    std::unique_ptr<SaInventory> ike_sas_;
    std::vector<SaInventory*> inventories_;
    std::map<BackendKind, std::unique_ptr<RecoveryBackend>> backends_;

    // Opened by run(); follows the module through unload and reload.
    std::optional<ctl::EventStream> events_;
    bool absence_logged_ = false;
    std::chrono::steady_clock::time_point next_module_check_;
    std::chrono::steady_clock::time_point last_drained_;

    UniqueFd signal_fd_;
    UniqueFd job_done_fd_; // eventfd a finished recovery writes to
    std::list<Job> jobs_;
};

} // namespace spirecovery
