// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <string>
#include <string_view>

#include "ike/lib/address.h"
#include "ike/lib/result.h"
#include "tools/lib/netlink.h"

namespace spirecovery {

struct SaPresence {
    bool found = false;      // any SA with the peer
    bool inbound = false;    // among them, one the peer sends to us
    std::string description; // the first SA found (an inbound one if any), for the log;
                             // when none: why that answer holds, if not obvious
};

// A place where B may still hold SAs with a peer: the kernel's SAD, the IKE daemon's IKE SAs.
class SaInventory {
public:
    virtual ~SaInventory() = default;
    virtual std::string_view name() const = 0;
    // Whether an SA with `peer` exists; an error when the inventory could not be asked,
    // which means we cannot tell: no recovery then.
    virtual ike::Result<SaPresence> find(const ike::IpAddress& peer) = 0;
};

// The kernel SAD of this network namespace, read with XFRM_MSG_GETSA dumps filtered by the
// peer's address, over a netlink socket kept open between calls. Not thread-safe: one
// instance per thread.
class KernelSad final : public SaInventory {
public:
    std::string_view name() const override { return "kernel SAD"; }
    // Any state with `peer` as source or destination, larval (acquire) states included:
    // those mean the IKE daemon is already negotiating with the peer.
    ike::Result<SaPresence> find(const ike::IpAddress& peer) override;
    // Only the states from `peer` (one dump instead of two): whether B holds an inbound SA
    // from it.
    ike::Result<SaPresence> find_from(const ike::IpAddress& peer);

private:
    ike::Result<SaPresence> lookup(const ike::IpAddress& peer, bool to_peer_too);

    ctl::SocketPtr socket_; // opened on first use, again after a failed dump
};

} // namespace spirecovery
