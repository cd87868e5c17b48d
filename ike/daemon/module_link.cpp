// SPDX-License-Identifier: GPL-2.0-only
#include "ike/daemon/module_link.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "ike/daemon/addresses.hpp"
#include "ike/daemon/log.hpp"
#include "uapi/linux/spirecovery.h"

namespace spirecovery {

namespace {

// Large enough that a burst of events from many sources fits while the daemon is busy.
constexpr int event_socket_buffer = 1 << 20;

std::runtime_error failure(const std::string& what, int nl_err) {
    return std::runtime_error(what + ": " + nl_geterror(nl_err));
}

NlMessage request(int family, uint8_t cmd, int flags) {
    NlMessage msg(nlmsg_alloc());
    if (!msg || !genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
                             SPIRECOVERY_FAMILY_VERSION))
        throw std::runtime_error("spirecovery: cannot build a netlink request");
    return msg;
}

template <int Max>
bool parse_reply(nl_msg* msg, std::array<nlattr*, Max + 1>& tb) {
    return genlmsg_parse(nlmsg_hdr(msg), 0, tb.data(), Max, nullptr) == 0;
}

uint64_t get_u64(nlattr* attr) {
    return attr && nla_len(attr) >= 8 ? nla_get_u64(attr) : 0;
}

} // namespace

bool SourceEntry::covers(const ike::IpAddress& peer) const {
    return prefix_covers(address, prefix_len, peer);
}

ModuleLink::ModuleLink()
    : events_(connect_netlink(NETLINK_GENERIC, "spirecovery events")),
      requests_(connect_netlink(NETLINK_GENERIC, "spirecovery requests")), buffer_(65536) {
    family_ = genl_ctrl_resolve(requests_.get(), SPIRECOVERY_FAMILY_NAME);
    if (family_ < 0)
        throw std::runtime_error(
            "generic netlink family \"spirecovery\" not found: is the module loaded "
            "(modprobe spirecovery)?");
    const int group =
        genl_ctrl_resolve_grp(requests_.get(), SPIRECOVERY_FAMILY_NAME, SPIRECOVERY_MCGRP_EVENTS);
    if (group < 0)
        throw failure("spirecovery: multicast group \"events\"", group);
    if (int err = nl_socket_add_membership(events_.get(), group); err < 0)
        throw failure("spirecovery: joining the \"events\" group (needs CAP_NET_ADMIN)", err);
    nl_socket_disable_seq_check(events_.get());
    // SO_RCVBUFFORCE passes net.core.rmem_max, which would cap the buffer at a few hundred
    // events; with CAP_NET_ADMIN it is allowed, and SO_RCVBUF remains the fallback.
    if (setsockopt(event_fd(), SOL_SOCKET, SO_RCVBUFFORCE, &event_socket_buffer,
                   sizeof(event_socket_buffer)) != 0)
        if (int err = nl_socket_set_buffer_size(events_.get(), event_socket_buffer, 0); err < 0)
            throw failure("spirecovery: event socket buffer", err);
    if (int err = nl_socket_set_nonblocking(events_.get()); err < 0)
        throw failure("spirecovery: event socket", err);
}

int ModuleLink::event_fd() const {
    return nl_socket_get_fd(events_.get());
}

ModuleLink::ReadStatus
ModuleLink::read_events(const std::function<void(ike::Result<MissEvent>)>& sink) {
    const int fd = event_fd();
    // The kernel reports ENOBUFS before the notifications still queued: keep reading them,
    // so that the caller's count of lost events only counts those really lost.
    ReadStatus status = ReadStatus::drained;
    for (;;) {
        const ssize_t n = recv(fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return status;
            if (errno == ENOBUFS) {
                status = ReadStatus::overrun;
                continue;
            }
            throw std::runtime_error(cat("spirecovery: reading events: ", std::strerror(errno)));
        }
        // The daemon's latency is measured from here, before any decoding or deciding.
        const auto received = std::chrono::steady_clock::now();
        int remaining = static_cast<int>(n);
        for (auto* hdr = reinterpret_cast<nlmsghdr*>(buffer_.data()); nlmsg_ok(hdr, remaining);
             hdr = nlmsg_next(hdr, &remaining)) {
            if (hdr->nlmsg_type != family_)
                continue;
            if (!genlmsg_valid_hdr(hdr, 0)) {
                sink(ike::Error{"truncated generic netlink header"});
                continue;
            }
            const auto* gnl = static_cast<const genlmsghdr*>(nlmsg_data(hdr));
            if (gnl->cmd != SPIRECOVERY_CMD_MISS_NTF)
                continue;
            const auto* attrs = reinterpret_cast<const uint8_t*>(genlmsg_attrdata(gnl, 0));
            auto event = decode_miss_event({attrs, static_cast<size_t>(genlmsg_attrlen(gnl, 0))});
            if (event)
                event.value().received = received;
            sink(std::move(event));
        }
    }
}

bool ModuleLink::recovery_enabled() {
    auto msg = request(family_, SPIRECOVERY_CMD_GET_CONFIG, 0);
    bool enabled = false;
    auto on_reply = [](nl_msg* reply, void* arg) -> int {
        std::array<nlattr*, SPIRECOVERY_A_CONFIG_MAX + 1> tb{};
        auto* out = static_cast<bool*>(arg);
        if (parse_reply<SPIRECOVERY_A_CONFIG_MAX>(reply, tb) && tb[SPIRECOVERY_A_CONFIG_ENABLED])
            *out = nla_get_u8(tb[SPIRECOVERY_A_CONFIG_ENABLED]) != 0;
        return NL_OK;
    };
    if (int err = netlink_transact(requests_.get(), msg.get(), on_reply, &enabled); err < 0)
        throw failure("spirecovery: GET_CONFIG", err);
    return enabled;
}

ModuleStats ModuleLink::stats() {
    auto msg = request(family_, SPIRECOVERY_CMD_GET_STATS, 0);
    ModuleStats stats;
    auto on_reply = [](nl_msg* reply, void* arg) -> int {
        std::array<nlattr*, SPIRECOVERY_A_STATS_MAX + 1> tb{};
        auto* out = static_cast<ModuleStats*>(arg);
        if (!parse_reply<SPIRECOVERY_A_STATS_MAX>(reply, tb))
            return NL_SKIP;
        out->events_sent = get_u64(tb[SPIRECOVERY_A_STATS_EVENTS_SENT]);
        out->send_failed = get_u64(tb[SPIRECOVERY_A_STATS_SEND_FAILED]);
        out->no_listener = get_u64(tb[SPIRECOVERY_A_STATS_NO_LISTENER]);
        return NL_OK;
    };
    if (int err = netlink_transact(requests_.get(), msg.get(), on_reply, &stats); err < 0)
        throw failure("spirecovery: GET_STATS", err);
    return stats;
}

std::vector<SourceEntry> ModuleLink::sources() {
    auto msg = request(family_, SPIRECOVERY_CMD_GET_SOURCE, NLM_F_DUMP);
    std::vector<SourceEntry> entries;
    auto on_reply = [](nl_msg* reply, void* arg) -> int {
        std::array<nlattr*, SPIRECOVERY_A_SOURCE_MAX + 1> tb{};
        auto* out = static_cast<std::vector<SourceEntry>*>(arg);
        if (!parse_reply<SPIRECOVERY_A_SOURCE_MAX>(reply, tb) || !tb[SPIRECOVERY_A_SOURCE_FAMILY])
            return NL_SKIP;
        SourceEntry entry;
        const uint8_t family = nla_get_u8(tb[SPIRECOVERY_A_SOURCE_FAMILY]);
        if (family == AF_INET && tb[SPIRECOVERY_A_SOURCE_ADDR4] &&
            nla_len(tb[SPIRECOVERY_A_SOURCE_ADDR4]) == 4) {
            entry.address = *address_from_bytes(AF_INET, nla_data(tb[SPIRECOVERY_A_SOURCE_ADDR4]));
            entry.prefix_len = 32;
        } else if (family == AF_INET6 && tb[SPIRECOVERY_A_SOURCE_ADDR6] &&
                   nla_len(tb[SPIRECOVERY_A_SOURCE_ADDR6]) == 16) {
            entry.address = *address_from_bytes(AF_INET6, nla_data(tb[SPIRECOVERY_A_SOURCE_ADDR6]));
            entry.prefix_len = 128;
        } else {
            return NL_SKIP;
        }
        if (tb[SPIRECOVERY_A_SOURCE_PREFIX_LEN])
            entry.prefix_len = nla_get_u8(tb[SPIRECOVERY_A_SOURCE_PREFIX_LEN]);
        entry.misses = get_u64(tb[SPIRECOVERY_A_SOURCE_MISSES]);
        entry.last_seen_msecs = get_u64(tb[SPIRECOVERY_A_SOURCE_LAST_SEEN_MSECS]);
        out->push_back(entry);
        return NL_OK;
    };
    if (int err = netlink_transact(requests_.get(), msg.get(), on_reply, &entries); err < 0)
        throw failure("spirecovery: GET_SOURCE dump", err);
    return entries;
}

} // namespace spirecovery
