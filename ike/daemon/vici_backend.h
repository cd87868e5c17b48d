// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ike/daemon/backend.h"
#include "ike/daemon/sa_inventory.h"
#include "ike/daemon/vici/message.h"

namespace spirecovery {

// A connection loaded in strongSwan whose remote_addrs cover the peer.
struct ViciConnection {
    std::string name;
    std::vector<std::string> children;
};

// Whether one remote_addrs entry of swanctl.conf ("192.0.2.1", "192.0.2.0/24",
// "192.0.2.1-192.0.2.9") covers `peer`. Host names and %any do not: the daemon acts only on
// connections that name the peer.
bool remote_addr_covers(std::string_view entry, const ike::IpAddress& peer);

// The connections of one list-conn event message that cover `peer`.
std::vector<ViciConnection> matching_connections(const vici::Message& list_conn,
                                                 const ike::IpAddress& peer);

// Asks the local strongSwan to initiate the connection to the peer: a restarted charon has
// no IKE SA with it and so sends INITIAL_CONTACT itself, and the one exchange also brings
// the CHILD_SAs back on both sides, with charon's own credentials.
class ViciBackend final : public RecoveryBackend {
public:
    ViciBackend(std::string socket_path, std::chrono::seconds timeout)
        : socket_path_(std::move(socket_path)), timeout_(timeout) {}
    BackendKind kind() const override { return BackendKind::vici; }
    BackendOutcome recover(const RecoveryRequest& request, PeerLog& log,
                           std::stop_token stop) override;

private:
    std::string socket_path_;
    std::chrono::seconds timeout_;
};

// The IKE SAs strongSwan holds (list-sas), in any state, half-open (CONNECTING) ones
// included. Blocks up to a few seconds: never on the event loop.
class ViciIkeSas final : public SaInventory {
public:
    // `stop_fd` (a StopFd, -1: none) interrupts a wait for charon's answer.
    explicit ViciIkeSas(std::string socket_path, int stop_fd = -1)
        : socket_path_(std::move(socket_path)), stop_fd_(stop_fd) {}
    std::string_view name() const override { return "strongSwan IKE SAs"; }
    // No daemon on the socket: no IKE SA, certainly. Anything else that keeps charon from
    // answering (hung, restarting, timed out) is an error: we cannot tell.
    ike::Result<SaPresence> find(const ike::IpAddress& peer) override;

private:
    std::string socket_path_;
    int stop_fd_;
};

// The IKE SAs of one list-sa event message whose remote-host is `peer`, described.
std::vector<std::string> matching_ike_sas(const vici::Message& list_sa, const ike::IpAddress& peer);

} // namespace spirecovery
