// SPDX-License-Identifier: GPL-2.0-only
#pragma once

#include "ike/daemon/backend.hpp"

namespace spirecovery {

// Runs ike/lib's recovery exchange (IKE_SA_INIT, IKE_AUTH with INITIAL_CONTACT, INVALID_SPI,
// Delete) over a UDP socket of its own. The peer drops its stale SAs; an on-demand peer then
// re-keys with our IKE daemon on its next packet.
class NativeBackend final : public RecoveryBackend {
public:
    // Generates one throwaway key per DH group the peers offer first: OpenSSL initialises
    // lazily, and the first recovery must not pay for it between event and first packet.
    NativeBackend(ike::RetransmitPolicy retransmit, const std::vector<PeerConfig>& peers);
    BackendKind kind() const override { return BackendKind::native; }
    BackendOutcome recover(const RecoveryRequest& request, PeerLog& log,
                           std::stop_token stop) override;

private:
    ike::RetransmitPolicy retransmit_;
};

} // namespace spirecovery
