// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "ike/lib/crypto.h"

namespace spirecovery {

// Ephemeral DH key pairs generated ahead of time, one ready per group, so that the native
// backend's IKE_SA_INIT does not wait for a key generation (milliseconds for MODP-2048, far
// more under emulation). take() hands the ready key pair over, keeping nothing, and a
// background thread generates its replacement: a key pair is never handed out twice. When a
// group's slot is empty (two recoveries in quick succession, a group first asked for by a
// peer's INVALID_KE_PAYLOAD) the caller generates one itself, and the group gets a slot.
// Thread-safe: recoveries of different peers take keys concurrently.
class DhKeyPool final : public ike::crypto::DhKeySource {
public:
    using Generator = std::function<ike::crypto::DhKey(ike::DhGroup)>;

    // Fills every slot before returning (this also initialises OpenSSL's algorithms, which
    // the first recovery would otherwise pay for).
    explicit DhKeyPool(const std::set<ike::DhGroup>& groups,
                       Generator generate = &ike::crypto::DhKey::generate);
    ~DhKeyPool() override;
    DhKeyPool(const DhKeyPool&) = delete;
    DhKeyPool& operator=(const DhKeyPool&) = delete;

    ike::crypto::DhKey take(ike::DhGroup group) override;

    // Blocks until every slot holds a key pair again.
    void wait_full();

private:
    void refill(std::stop_token stop);
    bool full() const;

    Generator generate_;
    std::mutex mutex_;
    std::condition_variable_any changed_;
    std::map<ike::DhGroup, std::optional<ike::crypto::DhKey>> ready_;
    std::jthread refiller_; // last: stops and joins before the slots go
};

} // namespace spirecovery
