// SPDX-License-Identifier: GPL-2.0
#pragma once

#include "ike/daemon/backend.h"
#include "ike/daemon/dh_key_pool.h"
#include "ike/lib/clock.h"

namespace spirecovery {

// Runs ike/lib's recovery exchange (IKE_SA_INIT, IKE_AUTH with INITIAL_CONTACT, INVALID_SPI,
// Delete) over a socket of its own (native_socket.h): a UDP socket for plain ESP, a raw one
// from B's port 4500 for ESP in UDP, so that a NAT in front of the peer lets it through. The
// peer drops its stale SAs; an on-demand peer then re-keys with our IKE daemon on its next
// packet. A hard ICMP error about the exchange's datagrams ends the attempt at once.
class NativeBackend final : public RecoveryBackend {
public:
    // Keeps a DH key pair ready for every group the native peers' proposals name.
    NativeBackend(ike::RetransmitPolicy retransmit, const std::vector<PeerConfig>& peers);
    BackendKind kind() const override { return BackendKind::native; }
    BackendOutcome recover(const RecoveryRequest& request, PeerLog& log,
                           std::stop_token stop) override;

private:
    ike::RetransmitPolicy retransmit_;
    DhKeyPool keys_;
    ike::SteadyClock clock_;
};

} // namespace spirecovery
