// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include <stop_token>
#include <string>

#include "ike/daemon/config.hpp"
#include "ike/daemon/log.hpp"
#include "ike/daemon/miss_event.hpp"

namespace spirecovery {

struct RecoveryRequest {
    const PeerConfig& peer;
    MissEvent event; // source is the peer; no SPI when resynchronising after lost events
};

struct BackendOutcome {
    enum class Verdict {
        succeeded,   // the peer was made to drop its stale SAs (and maybe re-keyed)
        failed,      // tried and failed: the reason says why
        unavailable, // could not try (daemon absent, no matching connection): next backend
    };
    Verdict verdict = Verdict::failed;
    std::string detail;
};

// One way to make a peer drop the SAs it holds for our previous incarnation. Instances are
// shared by all recoveries: recover() may run concurrently for different peers.
class RecoveryBackend {
public:
    virtual ~RecoveryBackend() = default;
    virtual BackendKind kind() const = 0;
    // Blocks until done, the backend's own timeout, or `stop` (daemon shutdown).
    virtual BackendOutcome recover(const RecoveryRequest& request, PeerLog& log,
                                   std::stop_token stop) = 0;
};

} // namespace spirecovery
