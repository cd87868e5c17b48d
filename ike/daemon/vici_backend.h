// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ike/daemon/backend.h"
#include "ike/daemon/sa_inventory.h"
#include "ike/daemon/vici/client.h"
#include "ike/daemon/vici/message.h"

namespace spirecovery {

// A connection loaded in strongSwan whose remote_addrs cover the peer.
struct ViciConnection {
    std::string name;
    std::vector<std::string> children;
    bool names_only_peer = false; // remote_addrs is exactly the peer's address
    vici::Section listed;         // as list-conns showed it, to derive a connection from
};

// Whether one remote_addrs entry of swanctl.conf ("192.0.2.1", "192.0.2.0/24",
// "192.0.2.1-192.0.2.9") covers `peer`. Host names and %any do not: the daemon acts only on
// connections that name the peer (or, for a hub's prefix, on %any: is_any_address()).
bool remote_addr_covers(std::string_view entry, const ike::IpAddress& peer);
// "%any", "%any4", "%any6": a hub's connection for whichever spoke comes.
bool is_any_address(std::string_view entry);

// The connections of one list-conn event message that cover `peer`; with `any`, also those
// whose remote_addrs is %any (after the others).
std::vector<ViciConnection> matching_connections(const vici::Message& list_conn,
                                                 const ike::IpAddress& peer, bool any = false);

// Where a connection derived from a configured one must go: vici's initiate has no address or
// port of its own, so a NAT mapping or one spoke of a %any connection needs a connection that
// names them.
struct DerivedTarget {
    ike::IpAddress remote;
    uint16_t remote_port = 500; // another port: IKE from charon's NAT-T port, with the marker
    std::string proposals;      // empty: charon's default proposals
    std::string esp_proposals;
};
// The name of the derived connection: unique per configured connection, address and port.
std::string derived_name(const std::string& conn, const DerivedTarget& target);
// load-conn's message: `listed` (the connection named `conn` in a list-conn event) copied
// with remote_addrs and ports from `target`, under derived_name(). What
// list-conns does not show (proposals, start actions, marks, interface ids, updown) is left
// at charon's defaults; a connection whose remote authentication has constraints list-conns
// cannot reproduce exactly (groups, cert_policy, cacerts, or a class other than pre-shared
// key and public key) is refused, so that a derived connection never accepts more than the
// configured one.
ike::Result<vici::Message> derived_connection(const std::string& conn, const vici::Section& listed,
                                              const DerivedTarget& target);

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

    // B's kernel has no inbound SA from the peer, but charon may hold an ESTABLISHED IKE SA
    // whose child has the event's SPI as its inbound SPI: restore that child through the IKE
    // SA (terminate the child, which sends an authenticated DELETE so the peer drops its
    // outbound SA, then initiate it again in the same IKE SA). The IKE SA is never torn down.
    // No such child: called off, nothing sent.
    BackendOutcome restore_child(const RecoveryRequest& request, PeerLog& log,
                                 std::stop_token stop);

private:
    // Initiates every child of `ike`; a failure terminates the IKE SA the attempt made, and is
    // `failed` when the peer answered, `unavailable` (the next backend's turn) when it did not.
    BackendOutcome initiate(vici::Client& client, const std::string& ike,
                            const std::vector<std::string>& children, PeerLog& log,
                            std::stop_token stop);

    std::string socket_path_;
    std::chrono::seconds timeout_;
};

// The unique id of the IKE SA a control-log event is about (ikesa-uniqueid), or 0.
unsigned control_log_ike_sa(const vici::Message& control_log);
// Whether a control-log event shows a response from the peer to the IKE SA's request.
bool control_log_peer_answered(const vici::Message& control_log);

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

// A CHILD_SA of an ESTABLISHED IKE SA with the peer, as list-sas shows it.
struct ViciChild {
    std::string ike;      // the IKE SA's connection
    std::string ike_id;   // its uniqueid
    std::string ike_spis; // "initiator-spi/responder-spi"
    std::string child;    // the child's configuration name
    std::string child_id; // its uniqueid
};
// In one list-sa event message: the INSTALLED child whose inbound SPI is `spi`, in an
// ESTABLISHED IKE SA whose remote-host is `peer`.
std::optional<ViciChild> child_with_inbound_spi(const vici::Message& list_sa,
                                                const ike::IpAddress& peer, uint32_t spi);

// The IKE SAs of one list-sa event message whose remote-host is `peer`, described.
std::vector<std::string> matching_ike_sas(const vici::Message& list_sa, const ike::IpAddress& peer);

} // namespace spirecovery
