// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "ike/daemon/config.h"
#include "ike/daemon/log.h"
#include "ike/daemon/miss_event.h"
#include "ike/daemon/recovery_policy.h"

namespace spirecovery {

struct RecoveryRequest {
    const PeerConfig& peer;
    MissEvent event; // source is the peer; no SPI when resynchronising after lost events
    // Where IKE goes: the policy's, from the configuration; a backend never takes an address
    // or port from `event`, which anyone can forge.
    RecoveryPath path;
    // Asked right before something that tears down every SA with the peer, a fresh one
    // too (INITIAL_CONTACT): why not to go on (an SA with the peer appeared, charon is
    // negotiating with it or cannot tell), or nothing when it is still safe.
    std::function<std::optional<std::string>()> last_check;
};

struct BackendOutcome {
    enum class Verdict {
        succeeded,   // the peer was made to drop its stale SAs (and maybe re-keyed)
        failed,      // tried and failed: the reason says why
        unavailable, // could not try (daemon absent, no matching connection): next backend
        called_off,  // last_check said no: nothing harmful was sent, no backend follows
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
