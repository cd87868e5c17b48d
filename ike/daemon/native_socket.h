// SPDX-License-Identifier: GPL-2.0
// The native backend's transport: where its IKE leaves B from, and what comes back, ICMP
// errors included.
//
//   udp  a UDP socket on an ephemeral port of B's address, connected to the peer's port of
//        the moment (ESP without UDP: IKE to port 500, as from any other initiator).
//   raw  a raw IPPROTO_UDP socket that writes its own UDP header from B's port 4500, where
//        B's IKE daemon listens: the only source port a NAT's mapping for the stale
//        ESP-in-UDP accepts. It reads, through a BPF filter, only the peer's datagrams to
//        B:4500 with the non-ESP marker and this exchange's IKE SPI. The kernel still
//        delivers them to B's IKE daemon too, which drops them (it has no such IKE SA).
//
// Both ask for ICMP errors (IP_RECVERR, IPV6_RECVERR) and report the ones that quote the
// exchange's own datagrams.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ike/daemon/datagram.h"
#include "ike/lib/address.h"
#include "ike/lib/result.h"
#include "tools/lib/unique_fd.h"

namespace spirecovery {

class NativeSocket {
public:
    // An IKE message from the peer, its non-ESP marker already checked and removed.
    struct Datagram {
        ike::Endpoint from;
        ike::ByteView message; // into the receive buffer
        bool had_marker = false;
    };
    struct Icmp {
        IcmpReport report;
        QuoteMatch match = QuoteMatch::other;
    };
    // Read and not for the exchange (ESP on the NAT-T port, a malformed packet...): why.
    struct Dropped {
        std::string why;
    };
    using Incoming = std::variant<Datagram, Icmp, Dropped>;

    // UDP, ephemeral port on `local`.
    static ike::Result<NativeSocket> open_udp(const ike::IpAddress& local);
    // Raw, from `local` (B's address and port 4500) to `remote` (the peer's NAT-T port or
    // its NAT's mapping). Reads nothing until the first send() names the exchange's SPI.
    static ike::Result<NativeSocket> open_raw(const ike::Endpoint& local,
                                              const ike::Endpoint& remote);

    // Where our datagrams leave from: the NAT detection hashes must cover it.
    const ike::Endpoint& local() const { return local_; }
    bool raw() const { return raw_; }
    int fd() const { return fd_.get(); }

    // Sends `message` (an IKE message, its header first) to `to`, behind the non-ESP marker
    // when `marker`. A raw socket sends only to the `remote` it was opened for.
    ike::Status send(const ike::Endpoint& to, ike::ByteView message, bool marker);
    // One datagram from the receive queue, or nothing when it is empty.
    std::optional<Incoming> receive();
    // One ICMP error from the error queue, or nothing when it is empty.
    std::optional<Incoming> receive_error();

private:
    NativeSocket(UniqueFd fd, ike::Endpoint local, bool raw)
        : fd_(std::move(fd)), local_(local), raw_(raw) {}
    ike::Status connect_to(const ike::Endpoint& to);
    ike::Status filter_exchange(const ike::Endpoint& remote, const ike::Spi& spi_i);

    UniqueFd fd_;
    ike::Endpoint local_;
    bool raw_ = false;
    std::optional<ike::Endpoint> remote_; // raw: the only destination; udp: the connected one
    std::optional<SentIke> sent_;         // the last datagram sent, to match ICMP quotes with
    std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(65536);
};

} // namespace spirecovery
