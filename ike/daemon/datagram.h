// SPDX-License-Identifier: GPL-2.0
// UDP datagrams and ICMP errors as the native backend's raw socket sees them, as values: the
// header it writes, the packets it reads, the errors the kernel queues. No sockets here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ike/lib/address.h"
#include "ike/lib/bytes.h"
#include "ike/lib/message.h"
#include "ike/lib/result.h"

namespace spirecovery {

constexpr std::size_t udp_header_size = 8;

// RFC 768 checksum of `udp` (header, its checksum field zero, and payload) with the
// pseudo-header of `source` and `destination` (RFC 2460 8.1 for IPv6). Never 0: a computed
// 0 is sent as 0xffff.
std::uint16_t udp_checksum(const ike::IpAddress& source, const ike::IpAddress& destination,
                           ike::ByteView udp);

// UDP header and `payload` from `source` to `destination`, with the checksum. Error when the
// families differ or the payload does not fit a datagram.
ike::Result<ike::Bytes> build_udp(const ike::Endpoint& source, const ike::Endpoint& destination,
                                  ike::ByteView payload);

struct UdpDatagram {
    ike::Endpoint source;
    ike::Endpoint destination;
    ike::ByteView payload; // into the packet given to the parser
};

// What an IPv4 raw socket of IPPROTO_UDP reads: the IP header, then UDP. Validates the IP
// header (version, length, protocol, no fragment) and the UDP length. Not the checksum: a raw
// socket reads before UDP checks it, and a local sender's (veth, offload) is still partial.
ike::Result<UdpDatagram> parse_ipv4_udp(ike::ByteView packet);
// What an IPv6 raw socket of IPPROTO_UDP reads: the UDP header first; the addresses come
// from the socket. Validates the length.
ike::Result<UdpDatagram> parse_udp(const ike::IpAddress& source, const ike::IpAddress& destination,
                                   ike::ByteView datagram);

// An ICMP or ICMPv6 error the kernel queued for our socket (IP_RECVERR: struct
// sock_extended_err, SO_EE_OFFENDER).
struct IcmpReport {
    bool ipv6 = false;
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::optional<ike::IpAddress> offender; // who sent the ICMP message
    std::uint32_t info = 0;                 // the next-hop MTU of "fragmentation needed"
};

// "port unreachable from 203.0.113.1", "ICMP type 11 code 0 from 192.0.2.9"
std::string describe(const IcmpReport& report);
// A destination unreachable (except "fragmentation needed"): the peer cannot be reached
// this way, retransmitting will not change that.
bool is_hard(const IcmpReport& report);

// Which datagram an ICMP error quotes: `quote` is what the kernel hands back with it, our
// UDP header first when `with_udp_header` (raw sockets) or the UDP payload (UDP sockets).
struct SentIke {
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    bool non_esp_marker = false;
    ike::Spi spi_i{};
};
enum class QuoteMatch {
    ours,      // the quote shows our ports and our IKE SPI: only who saw our packet knows it
    too_short, // our ports, but too little of the datagram to see the SPI
    other,     // another datagram (other ports, no marker, another SPI)
};
QuoteMatch match_quote(ike::ByteView quote, bool with_udp_header, const SentIke& sent);

} // namespace spirecovery
