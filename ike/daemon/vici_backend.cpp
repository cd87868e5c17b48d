// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/vici_backend.h"

#include <algorithm>
#include <charconv>

#include "ike/daemon/addresses.h"
#include "ike/daemon/stop_fd.h"
#include "ike/daemon/vici/client.h"

namespace spirecovery {

namespace {

using vici::Clock;

// Per-request deadline for the short listing commands; list-sas waits for IKE SAs that a
// thread of charon's holds (without noblock, so that none is skipped), and a charon that
// does not answer within it is one we cannot ask.
constexpr std::chrono::seconds listing_timeout{5};

bool bytes_less_equal(ike::ByteView a, ike::ByteView b) {
    return !std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end());
}

} // namespace

bool remote_addr_covers(std::string_view entry, const ike::IpAddress& peer) {
    if (auto slash = entry.find('/'); slash != std::string_view::npos) {
        auto net = ike::IpAddress::parse(entry.substr(0, slash));
        unsigned bits = 0;
        const auto text = entry.substr(slash + 1);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), bits);
        if (!net || ec != std::errc() || end != text.data() + text.size())
            return false;
        return prefix_covers(*net, bits, peer);
    }
    if (auto dash = entry.find('-'); dash != std::string_view::npos) {
        auto from = ike::IpAddress::parse(entry.substr(0, dash));
        auto to = ike::IpAddress::parse(entry.substr(dash + 1));
        if (!from || !to || from->family() != peer.family() || to->family() != peer.family())
            return false;
        return bytes_less_equal(from->bytes(), peer.bytes()) &&
               bytes_less_equal(peer.bytes(), to->bytes());
    }
    auto address = ike::IpAddress::parse(entry);
    return address && *address == peer;
}

std::vector<ViciConnection> matching_connections(const vici::Message& list_conn,
                                                 const ike::IpAddress& peer) {
    std::vector<ViciConnection> found;
    for (const auto& entry : list_conn.entries) {
        if (entry.kind != vici::Section::Entry::Kind::section)
            continue;
        const auto* remote = entry.section.list("remote_addrs");
        if (!remote || std::none_of(remote->begin(), remote->end(), [&](const std::string& r) {
                return remote_addr_covers(r, peer);
            }))
            continue;
        ViciConnection conn{entry.name, {}};
        if (const auto* children = entry.section.section("children"))
            for (const auto& child : children->entries)
                if (child.kind == vici::Section::Entry::Kind::section)
                    conn.children.push_back(child.name);
        found.push_back(std::move(conn));
    }
    return found;
}

std::vector<std::string> matching_ike_sas(const vici::Message& list_sa,
                                          const ike::IpAddress& peer) {
    std::vector<std::string> found;
    for (const auto& entry : list_sa.entries) {
        if (entry.kind != vici::Section::Entry::Kind::section)
            continue;
        const auto* host = entry.section.value("remote-host");
        const auto address = host ? ike::IpAddress::parse(*host) : std::nullopt;
        if (!address || !(*address == peer))
            continue;
        const auto* id = entry.section.value("uniqueid");
        const auto* state = entry.section.value("state");
        found.push_back(cat("IKE SA ", entry.name, "[", id ? *id : "?", "] ",
                            state ? *state : "in an unknown state"));
    }
    return found;
}

BackendOutcome ViciBackend::recover(const RecoveryRequest& request, PeerLog& log,
                                    std::stop_token stop) {
    using Verdict = BackendOutcome::Verdict;
    const auto& peer = request.peer.address; // the configuration's, not the packet's
    const StopFd stop_fd(stop);
    auto client =
        vici::Client::connect(socket_path_, Clock::now() + listing_timeout, stop_fd.get());
    if (!client)
        return {Verdict::unavailable, client.error().message};

    // list-conns streams one list-conn event per connection before its empty response.
    std::vector<ViciConnection> matches;
    auto collect = [&](const std::string& name, const vici::Message& msg) {
        if (name != "list-conn")
            return;
        auto more = matching_connections(msg, peer);
        matches.insert(matches.end(), more.begin(), more.end());
    };
    const auto list_deadline = Clock::now() + listing_timeout;
    if (auto st = client->register_event("list-conn", list_deadline); !st)
        return {Verdict::unavailable, st.error().message};
    if (auto res = client->command("list-conns", {}, collect, list_deadline); !res)
        return {Verdict::unavailable, res.error().message};
    if (auto st = client->unregister_event("list-conn", list_deadline); !st)
        return {Verdict::unavailable, st.error().message};

    if (matches.empty())
        return {Verdict::unavailable,
                cat("no strongSwan connection has remote_addrs covering ", peer.to_string())};
    if (matches.size() > 1)
        log.warning(cat("vici: ", matches.size(), " connections cover ", peer.to_string(),
                        "; using the first, ", matches.front().name));
    const ViciConnection& conn = matches.front();
    if (conn.children.empty())
        return {Verdict::unavailable, cat("vici: connection ", conn.name, " has no child")};

    // charon streams its log for the request as control-log events: relay them so the
    // operator sees the exchange in one place.
    auto relay = [&](const std::string& name, const vici::Message& msg) {
        if (name != "control-log")
            return;
        const auto* text = msg.value("msg");
        if (text)
            log.info(cat("charon: ", *text));
    };
    const auto deadline = Clock::now() + timeout_;
    if (auto st = client->register_event("control-log", deadline); !st)
        return {Verdict::unavailable, st.error().message};

    std::string done;
    for (const auto& child : conn.children) {
        if (stop.stop_requested())
            return {Verdict::failed, "daemon shutting down"};
        log.info(cat("vici: initiating child ", child, " of connection ", conn.name));
        vici::Message req;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count();
        req.add_value("child", child)
            .add_value("ike", conn.name)
            .add_value("timeout", std::to_string(ms))
            .add_value("init-limits", "no")
            .add_value("loglevel", "1");
        auto res = client->command("initiate", req, relay, deadline + std::chrono::seconds(1));
        if (!res)
            return {Verdict::failed,
                    cat("vici initiate ", conn.name, "/", child, ": ", res.error().message)};
        const auto* success = res->value("success");
        if (!success || *success != "yes") {
            const auto* err = res->value("errmsg");
            return {Verdict::failed, cat("vici initiate ", conn.name, "/", child,
                                         " failed: ", err ? *err : "no reason given")};
        }
        done += (done.empty() ? "" : ", ") + child;
    }
    return {Verdict::succeeded, cat("strongSwan established ", conn.name, " (", done, ")")};
}

ike::Result<SaPresence> ViciIkeSas::find(const ike::IpAddress& peer) {
    const auto deadline = Clock::now() + listing_timeout;
    bool nobody_listens = false;
    auto client = vici::Client::connect(socket_path_, deadline, stop_fd_, &nobody_listens);
    if (!client && nobody_listens)
        return SaPresence{false, false,
                          cat("charon is not running (", client.error().message, ")")};
    if (!client)
        return client.error();
    std::vector<std::string> found;
    auto collect = [&](const std::string& name, const vici::Message& msg) {
        if (name != "list-sa")
            return;
        auto more = matching_ike_sas(msg, peer);
        found.insert(found.end(), more.begin(), more.end());
    };
    if (auto st = client->register_event("list-sa", deadline); !st)
        return st.error();
    if (auto res = client->command("list-sas", {}, collect, deadline); !res)
        return res.error();
    SaPresence presence;
    if (!found.empty()) {
        presence.found = true;
        presence.description = found.front();
    }
    return presence;
}

} // namespace spirecovery
