// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/native_socket.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ike/daemon/addresses.h"
#include "ike/daemon/log.h"
#include "ike/lib/wire.h"

namespace spirecovery {

namespace {

constexpr std::uint8_t non_esp_marker[4] = {0, 0, 0, 0};

ike::Error os_error(const std::string& what) {
    return ike::Error{cat(what, ": ", std::strerror(errno))};
}

bool is_v6(const ike::IpAddress& address) {
    return address.family() == ike::IpAddress::Family::ipv6;
}

ike::Status set_recverr(int fd, bool v6) {
    const int on = 1;
    const bool set = v6 ? ::setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof(on)) == 0
                        : ::setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on)) == 0;
    if (!set)
        return os_error(v6 ? "setsockopt IPV6_RECVERR" : "setsockopt IP_RECVERR");
    return ike::success();
}

ike::Status attach(int fd, std::vector<sock_filter> program) {
    const sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
    if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) != 0)
        return os_error("setsockopt SO_ATTACH_FILTER");
    return ike::success();
}

// Accepts only `remote` -> `local` UDP with the non-ESP marker and SPIi `spi_i`. An IPv4 raw
// socket reads the IP header first (its length from the IHL), an IPv6 one the UDP header.
std::vector<sock_filter> exchange_program(bool v6, std::uint16_t remote_port,
                                          std::uint16_t local_port, const ike::Spi& spi_i) {
    const std::uint32_t spi_high = ike::wire::load32(spi_i, 0);
    const std::uint32_t spi_low = ike::wire::load32(spi_i, 4);
    constexpr std::uint8_t drop = 12; // index of the last instruction
    std::vector<sock_filter> p = {
        v6 ? sock_filter BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0)
           : sock_filter BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0), // UDP source port
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, remote_port, 0, drop - 3),
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2), // UDP destination port
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, local_port, 0, drop - 5),
        BPF_STMT(BPF_LD | BPF_W | BPF_IND, 8), // the non-ESP marker
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, drop - 7),
        BPF_STMT(BPF_LD | BPF_W | BPF_IND, 12), // the IKE header's SPIi
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, spi_high, 0, drop - 9),
        BPF_STMT(BPF_LD | BPF_W | BPF_IND, 16),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, spi_low, 0, drop - 11),
        BPF_STMT(BPF_RET | BPF_K, 0x40000),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    return p;
}

// The ICMP error in a control message of IP_RECVERR or IPV6_RECVERR, validated.
std::optional<IcmpReport> icmp_report(const cmsghdr& cmsg) {
    const bool v4 = cmsg.cmsg_level == SOL_IP && cmsg.cmsg_type == IP_RECVERR;
    const bool v6 = cmsg.cmsg_level == SOL_IPV6 && cmsg.cmsg_type == IPV6_RECVERR;
    if ((!v4 && !v6) || cmsg.cmsg_len < CMSG_LEN(sizeof(sock_extended_err)))
        return std::nullopt;
    const auto* data = CMSG_DATA(&cmsg);
    sock_extended_err err;
    std::memcpy(&err, data, sizeof(err));
    if (err.ee_origin != SO_EE_ORIGIN_ICMP && err.ee_origin != SO_EE_ORIGIN_ICMP6)
        return std::nullopt;
    IcmpReport report{
        err.ee_origin == SO_EE_ORIGIN_ICMP6, err.ee_type, err.ee_code, {}, err.ee_info};
    // SO_EE_OFFENDER: the ICMP message's sender, right after the error.
    const std::size_t room = cmsg.cmsg_len - CMSG_LEN(sizeof(err));
    sockaddr_storage offender{};
    const std::size_t size = report.ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    if (room >= size) {
        std::memcpy(&offender, data + sizeof(err), size);
        if (auto endpoint = from_sockaddr(offender))
            report.offender = endpoint->address;
    }
    return report;
}

} // namespace

ike::Result<NativeSocket> NativeSocket::open_udp(const ike::IpAddress& local) {
    UniqueFd fd(
        ::socket(address_family(local), SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP));
    if (!fd)
        return os_error("socket");
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr({local, 0}, ss);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return os_error("bind to " + local.to_string());
    socklen_t got = sizeof(ss);
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&ss), &got) != 0)
        return os_error("getsockname");
    auto bound = from_sockaddr(ss);
    if (!bound)
        return ike::Error{"getsockname: unexpected address family"};
    if (auto set = set_recverr(fd.get(), is_v6(local)); !set)
        return set.error();
    return NativeSocket(std::move(fd), *bound, false);
}

ike::Result<NativeSocket> NativeSocket::open_raw(const ike::Endpoint& local,
                                                 const ike::Endpoint& remote) {
    if (local.address.family() != remote.address.family())
        return ike::Error{"raw socket: local and remote addresses of different families"};
    UniqueFd fd(::socket(address_family(local.address), SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                         IPPROTO_UDP));
    if (!fd)
        return os_error("raw socket (needs CAP_NET_RAW)");
    // Nothing is read until the exchange's SPI is known; what queued before this is drained.
    if (auto set = attach(fd.get(), {BPF_STMT(BPF_RET | BPF_K, 0)}); !set)
        return set.error();
    sockaddr_storage ss;
    socklen_t len = to_sockaddr({local.address, 0}, ss);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return os_error("bind to " + local.address.to_string());
    // Connected: the kernel hands over only the peer's packets and ICMP errors about ours.
    len = to_sockaddr({remote.address, 0}, ss);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return os_error("connect to " + remote.address.to_string());
    if (auto set = set_recverr(fd.get(), is_v6(local.address)); !set)
        return set.error();
    std::uint8_t byte;
    while (::recv(fd.get(), &byte, 1, 0) >= 0) {
    }
    NativeSocket socket(std::move(fd), local, true);
    socket.remote_ = remote;
    return socket;
}

ike::Status NativeSocket::connect_to(const ike::Endpoint& to) {
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr(to, ss);
    if (::connect(fd_.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return os_error("connect to " + to.to_string());
    remote_ = to;
    return ike::success();
}

ike::Status NativeSocket::filter_exchange(const ike::Endpoint& remote, const ike::Spi& spi_i) {
    return attach(fd_.get(),
                  exchange_program(is_v6(remote.address), remote.port, local_.port, spi_i));
}

ike::Status NativeSocket::send(const ike::Endpoint& to, ike::ByteView message, bool marker) {
    SentIke sent{local_.port, to.port, marker, {}};
    if (message.size() < sent.spi_i.size())
        return ike::Error{"not an IKE message"};
    std::copy_n(message.begin(), sent.spi_i.size(), sent.spi_i.begin());
    ike::Bytes wire;
    if (marker)
        wire.assign(std::begin(non_esp_marker), std::end(non_esp_marker));
    wire.insert(wire.end(), message.begin(), message.end());
    if (raw_) {
        if (to != *remote_)
            return ike::Error{
                cat("raw socket for ", remote_->to_string(), " asked to send to ", to.to_string())};
        if (!sent_ || sent_->spi_i != sent.spi_i)
            if (auto set = filter_exchange(to, sent.spi_i); !set)
                return set.error();
        auto datagram = build_udp(local_, to, wire);
        if (!datagram)
            return datagram.error();
        wire = std::move(datagram.value());
    } else if (remote_ != to) {
        // Connected, so that the kernel reports ICMP errors about our datagrams.
        if (auto connected = connect_to(to); !connected)
            return connected.error();
    }
    sent_ = sent;
    if (::send(fd_.get(), wire.data(), wire.size(), 0) < 0)
        return os_error("send to " + to.to_string());
    return ike::success();
}

std::optional<NativeSocket::Incoming> NativeSocket::receive() {
    sockaddr_storage from_ss{};
    socklen_t from_len = sizeof(from_ss);
    const ssize_t n = ::recvfrom(fd_.get(), buffer_.data(), buffer_.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from_ss), &from_len);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return std::nullopt;
        // A pending ICMP error (ECONNREFUSED...): its details are in the error queue.
        return Dropped{cat("recv: ", std::strerror(errno))};
    }
    const ike::ByteView packet(buffer_.data(), static_cast<std::size_t>(n));
    auto from = from_sockaddr(from_ss);
    if (!from)
        return Dropped{"a datagram from an unexpected address family"};
    Datagram datagram{*from, packet};
    if (raw_) {
        auto parsed = is_v6(local_.address) ? parse_udp(from->address, local_.address, packet)
                                            : parse_ipv4_udp(packet);
        if (!parsed)
            return Dropped{"malformed packet: " + parsed.error().message};
        if (parsed->source != *remote_ || parsed->destination != local_)
            return Dropped{cat("a datagram from ", parsed->source.to_string(), " to ",
                               parsed->destination.to_string())};
        datagram = {parsed->source, parsed->payload};
    }
    // Datagrams from a port we talk to with the marker are IKE only behind it.
    if (sent_ && sent_->non_esp_marker && datagram.from.port == sent_->destination_port) {
        if (datagram.message.size() < sizeof(non_esp_marker) ||
            !std::equal(std::begin(non_esp_marker), std::end(non_esp_marker),
                        datagram.message.begin()))
            return Dropped{"ESP on the NAT-T port, not IKE"};
        datagram.message = datagram.message.subspan(sizeof(non_esp_marker));
        datagram.had_marker = true;
    }
    return datagram;
}

std::optional<NativeSocket::Incoming> NativeSocket::receive_error() {
    alignas(cmsghdr) char control[512];
    iovec iov{buffer_.data(), buffer_.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_ERRQUEUE);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR
                   ? std::nullopt
                   : std::optional<Incoming>(
                         Dropped{cat("recvmsg MSG_ERRQUEUE: ", std::strerror(errno))});
    const ike::ByteView quote(buffer_.data(), std::min<std::size_t>(n, buffer_.size()));
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        auto report = icmp_report(*c);
        if (!report)
            continue;
        return Icmp{*report, sent_ ? match_quote(quote, raw_, *sent_) : QuoteMatch::other};
    }
    return Dropped{"an error queue entry that is no ICMP error"};
}

} // namespace spirecovery
