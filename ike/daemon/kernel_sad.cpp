// SPDX-License-Identifier: GPL-2.0
#include <cstring>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "ike/daemon/addresses.h"
#include "ike/daemon/log.h"
#include "ike/daemon/sa_inventory.h"
#include "tools/lib/spi_text.h"

namespace spirecovery {

namespace {

struct DumpState {
    const ike::IpAddress* peer;
    SaPresence presence;
};

bool same_address(const ike::IpAddress& peer, int family, const xfrm_address_t& addr) {
    if (family != address_family(peer))
        return false;
    const auto bytes = peer.bytes();
    return std::memcmp(&addr, bytes.data(), bytes.size()) == 0;
}

int on_state(nl_msg* msg, void* arg) {
    auto* state = static_cast<DumpState*>(arg);
    const nlmsghdr* hdr = nlmsg_hdr(msg);
    if (hdr->nlmsg_type != XFRM_MSG_NEWSA || state->presence.inbound ||
        nlmsg_datalen(hdr) < static_cast<int>(sizeof(xfrm_usersa_info)))
        return NL_SKIP;
    xfrm_usersa_info info;
    std::memcpy(&info, nlmsg_data(hdr), sizeof(info));
    const bool from_peer = same_address(*state->peer, info.family, info.saddr);
    const bool to_peer = same_address(*state->peer, info.family, info.id.daddr);
    if ((!from_peer && !to_peer) || (state->presence.found && !from_peer))
        return NL_OK;
    state->presence.found = true;
    state->presence.inbound = from_peer;
    state->presence.description =
        cat(info.id.proto == IPPROTO_AH ? "AH" : "ESP", " SA SPI ", spi_text(ntohl(info.id.spi)),
            " ", address_from_bytes(info.family, &info.saddr)->to_string(), " -> ",
            address_from_bytes(info.family, &info.id.daddr)->to_string(),
            from_peer ? " (inbound)" : " (outbound)", info.id.spi ? "" : " larval");
    return NL_OK;
}

// The kernel walks its whole SAD either way, but copies out only the states that pass the
// filter: the cost no longer grows with the SAs a busy gateway holds with other peers.
xfrm_address_filter filter_for(const ike::IpAddress& peer, bool peer_is_source) {
    xfrm_address_filter filter{};
    filter.family = static_cast<uint16_t>(address_family(peer));
    const auto bytes = peer.bytes();
    const auto bits = static_cast<uint8_t>(bytes.size() * 8);
    if (peer_is_source) {
        std::memcpy(&filter.saddr, bytes.data(), bytes.size());
        filter.splen = bits;
    } else {
        std::memcpy(&filter.daddr, bytes.data(), bytes.size());
        filter.dplen = bits;
    }
    return filter;
}

// Sends `msg` and feeds every reply message to `on_message` until the dump is complete.
// Returns 0 or a negative libnl error.
int dump(nl_sock* sock, nl_msg* msg, int (*on_message)(nl_msg*, void*), void* arg) {
    // A private callback set, so concurrent users of other sockets are unaffected.
    nl_cb* socket_cb = nl_socket_get_cb(sock);
    ctl::CallbacksPtr cb(nl_cb_clone(socket_cb));
    nl_cb_put(socket_cb);
    if (!cb)
        return -NLE_NOMEM;
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_message, arg);
    int err = nl_send_auto(sock, msg);
    if (err < 0)
        return err;
    err = nl_recvmsgs(sock, cb.get());
    return err < 0 ? err : 0;
}

} // namespace

ike::Result<SaPresence> KernelSad::find(const ike::IpAddress& peer) {
    return lookup(peer, true);
}

ike::Result<SaPresence> KernelSad::find_from(const ike::IpAddress& peer) {
    return lookup(peer, false);
}

ike::Result<SaPresence> KernelSad::lookup(const ike::IpAddress& peer, bool to_peer_too) {
    try {
        if (!socket_) {
            socket_ = ctl::connect_socket(NETLINK_XFRM, "an XFRM socket");
            // Dumps end with NLMSG_DONE: no ACK to wait for.
            nl_socket_disable_auto_ack(socket_.get());
        }
        DumpState state{&peer, {}};
        // The filter ANDs source and destination: one dump for the states from the peer (an
        // inbound one is the best description), one for those to it if there was none.
        for (const bool peer_is_source : {true, false}) {
            if (state.presence.found || (!peer_is_source && !to_peer_too))
                break;
            ctl::MessagePtr msg(nlmsg_alloc_simple(XFRM_MSG_GETSA, NLM_F_DUMP));
            const xfrm_address_filter filter = filter_for(peer, peer_is_source);
            if (!msg || nla_put(msg.get(), XFRMA_ADDRESS_FILTER, sizeof(filter), &filter) < 0)
                return ike::Error{"cannot build an XFRM request"};
            if (int err = dump(socket_.get(), msg.get(), on_state, &state); err < 0) {
                socket_.reset(); // whatever is left of the dump must not meet the next one
                return ike::Error{cat("XFRM_MSG_GETSA dump: ", nl_geterror(err))};
            }
        }
        return state.presence;
    } catch (const std::runtime_error& e) {
        return ike::Error{e.what()};
    }
}

} // namespace spirecovery
