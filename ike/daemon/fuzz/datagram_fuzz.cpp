// SPDX-License-Identifier: GPL-2.0
// What the native backend's raw socket reads and the ICMP quotes the kernel hands back, on
// arbitrary bytes: errors, never crashes. First byte: bit 0 picks the IPv6 parser (UDP header
// first, fixed addresses) over the IPv4 one (IP header first); the rest is the packet.
#include "ike/daemon/datagram.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace spirecovery;
    if (size < 1)
        return 0;
    const ike::ByteView packet(data + 1, size - 1);
    static const auto a = *ike::IpAddress::parse("2001:db8::a");
    static const auto b = *ike::IpAddress::parse("2001:db8::b");
    auto parsed = data[0] & 1 ? parse_udp(a, b, packet) : parse_ipv4_udp(packet);
    if (parsed) {
        // The payload lies inside the packet, after a header of at least 8 bytes.
        if (parsed->payload.size() + udp_header_size > packet.size() ||
            parsed->payload.data() < packet.data() ||
            parsed->payload.data() + parsed->payload.size() > packet.data() + packet.size())
            __builtin_trap();
        // What parses, rebuilt, parses again to the same endpoints.
        auto rebuilt = build_udp(parsed->source, parsed->destination, parsed->payload);
        if (!rebuilt)
            __builtin_trap();
        auto again =
            parse_udp(parsed->source.address, parsed->destination.address, rebuilt.value());
        if (!again || again->source != parsed->source || again->destination != parsed->destination)
            __builtin_trap();
    }
    const SentIke sent{4500, 4500, (data[0] & 2) != 0, {1, 2, 3, 4, 5, 6, 7, 8}};
    (void)match_quote(packet, (data[0] & 4) != 0, sent);
    (void)describe(IcmpReport{(data[0] & 8) != 0, data[0], static_cast<std::uint8_t>(size), {}, 0});
    return 0;
}
