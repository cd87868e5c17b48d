// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/datagram.h"

#include <algorithm>
#include <netinet/in.h>

#include "ike/daemon/log.h"
#include "ike/lib/wire.h"

namespace spirecovery {

namespace {

using ike::wire::load16;

// The 16-bit one's complement sum of `data` (odd length: padded with a zero byte), added to
// `sum` with its carries folded.
std::uint32_t add_ones(std::uint32_t sum, ike::ByteView data) {
    for (std::size_t i = 0; i + 1 < data.size(); i += 2)
        sum += load16(data, i);
    if (data.size() % 2)
        sum += std::uint32_t(data.back()) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

// The folded sum of the pseudo-header and `udp`.
std::uint16_t udp_sum(const ike::IpAddress& source, const ike::IpAddress& destination,
                      ike::ByteView udp) {
    const auto length = static_cast<std::uint32_t>(udp.size());
    std::uint32_t sum = add_ones(0, source.bytes());
    sum = add_ones(sum, destination.bytes());
    // IPv4: zero, protocol, 16-bit length; IPv6: 32-bit length, three zeros, next header.
    // Summed as 16-bit words both come to the same: length (split in halves) plus protocol.
    sum += (length >> 16) + (length & 0xffff) + IPPROTO_UDP;
    sum = add_ones(sum, udp);
    return static_cast<std::uint16_t>(sum);
}

// The checksum is not verified: a raw socket reads packets before UDP checks them, and one
// from a local sender (a veth peer, checksum offload) still carries a partial checksum. The
// exchange does not rely on it: IKE checks what it needs itself.
ike::Result<UdpDatagram> parse_udp_segment(const ike::IpAddress& source,
                                           const ike::IpAddress& destination,
                                           ike::ByteView segment) {
    if (segment.size() < udp_header_size)
        return ike::Error{
            cat("UDP datagram of ", segment.size(), " bytes, shorter than its header")};
    const std::uint16_t length = load16(segment, 4);
    if (length < udp_header_size || length > segment.size())
        return ike::Error{
            cat("UDP length ", length, " does not fit the ", segment.size(), " bytes received")};
    segment = segment.first(length);
    return UdpDatagram{{source, load16(segment, 0)},
                       {destination, load16(segment, 2)},
                       segment.subspan(udp_header_size)};
}

constexpr std::size_t ipv4_min_header = 20;

} // namespace

std::uint16_t udp_checksum(const ike::IpAddress& source, const ike::IpAddress& destination,
                           ike::ByteView udp) {
    const auto checksum = static_cast<std::uint16_t>(~udp_sum(source, destination, udp));
    return checksum == 0 ? 0xffff : checksum;
}

ike::Result<ike::Bytes> build_udp(const ike::Endpoint& source, const ike::Endpoint& destination,
                                  ike::ByteView payload) {
    if (source.address.family() != destination.address.family())
        return ike::Error{"UDP from and to addresses of different families"};
    if (payload.size() > 0xffff - udp_header_size)
        return ike::Error{cat("UDP payload of ", payload.size(), " bytes")};
    ike::wire::Writer out;
    out.u16(source.port);
    out.u16(destination.port);
    out.u16(static_cast<std::uint16_t>(udp_header_size + payload.size()));
    out.u16(0);
    out.bytes(payload);
    out.patch16(6, udp_checksum(source.address, destination.address, out.data()));
    return out.take();
}

ike::Result<UdpDatagram> parse_ipv4_udp(ike::ByteView packet) {
    if (packet.size() < ipv4_min_header)
        return ike::Error{cat("IPv4 packet of ", packet.size(), " bytes, shorter than its header")};
    if (packet[0] >> 4 != 4)
        return ike::Error{cat("IP version ", unsigned(packet[0] >> 4), ", not 4")};
    const std::size_t header = std::size_t(packet[0] & 0x0f) * 4;
    const std::uint16_t total = load16(packet, 2);
    if (header < ipv4_min_header || header > total || total > packet.size())
        return ike::Error{cat("IPv4 header length ", header, " or total length ", total,
                              " does not fit the ", packet.size(), " bytes received")};
    if (load16(packet, 6) & 0x3fff) // more fragments, or a fragment offset
        return ike::Error{"an IPv4 fragment"};
    if (packet[9] != IPPROTO_UDP)
        return ike::Error{cat("IP protocol ", unsigned(packet[9]), ", not UDP")};
    std::array<std::uint8_t, 4> source, destination;
    std::copy_n(packet.begin() + 12, 4, source.begin());
    std::copy_n(packet.begin() + 16, 4, destination.begin());
    return parse_udp_segment(ike::IpAddress::v4(source), ike::IpAddress::v4(destination),
                             packet.subspan(header, total - header));
}

ike::Result<UdpDatagram> parse_udp(const ike::IpAddress& source, const ike::IpAddress& destination,
                                   ike::ByteView datagram) {
    if (source.family() != destination.family())
        return ike::Error{"UDP from and to addresses of different families"};
    return parse_udp_segment(source, destination, datagram);
}

std::string describe(const IcmpReport& report) {
    static constexpr const char* unreachable_v4[] = {
        "network unreachable",      "host unreachable",
        "protocol unreachable",     "port unreachable",
        "fragmentation needed",     "source route failed",
        "network unknown",          "host unknown",
        "source host isolated",     "network prohibited",
        "host prohibited",          "network unreachable for TOS",
        "host unreachable for TOS", "communication administratively prohibited"};
    static constexpr const char* unreachable_v6[] = {"no route to destination",
                                                     "communication administratively prohibited",
                                                     "beyond scope of source address",
                                                     "address unreachable",
                                                     "port unreachable",
                                                     "source address failed policy",
                                                     "reject route to destination"};
    std::string what;
    if (!report.ipv6 && report.type == 3 && report.code < std::size(unreachable_v4))
        what = unreachable_v4[report.code];
    else if (report.ipv6 && report.type == 1 && report.code < std::size(unreachable_v6))
        what = unreachable_v6[report.code];
    else if (report.ipv6 && report.type == 2)
        what = "packet too big";
    else if (report.type == (report.ipv6 ? 3 : 11))
        what = "time exceeded";
    else
        what = cat(report.ipv6 ? "ICMPv6" : "ICMP", " type ", unsigned(report.type), " code ",
                   unsigned(report.code));
    if (!report.ipv6 && report.type == 3 && report.code == 4)
        what += cat(" (MTU ", report.info, ")");
    else if (report.ipv6 && report.type == 2)
        what += cat(" (MTU ", report.info, ")");
    return what + " from " + (report.offender ? report.offender->to_string() : "an unknown sender");
}

bool is_hard(const IcmpReport& report) {
    return report.ipv6 ? report.type == 1 : report.type == 3 && report.code != 4;
}

QuoteMatch match_quote(ike::ByteView quote, bool with_udp_header, const SentIke& sent) {
    if (with_udp_header) {
        // The UDP header's ports tell our datagram from charon's on the same addresses.
        if (quote.size() < 4)
            return QuoteMatch::too_short;
        if (load16(quote, 0) != sent.source_port || load16(quote, 2) != sent.destination_port)
            return QuoteMatch::other;
        quote = quote.size() < udp_header_size ? ike::ByteView{} : quote.subspan(udp_header_size);
    }
    const std::size_t marker = sent.non_esp_marker ? 4 : 0;
    if (quote.size() < marker + sent.spi_i.size())
        return QuoteMatch::too_short;
    if (std::any_of(quote.begin(), quote.begin() + marker, [](std::uint8_t b) { return b != 0; }))
        return QuoteMatch::other;
    return std::equal(sent.spi_i.begin(), sent.spi_i.end(), quote.begin() + marker)
               ? QuoteMatch::ours
               : QuoteMatch::other;
}

} // namespace spirecovery
