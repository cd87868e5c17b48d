// SPDX-License-Identifier: GPL-2.0
#include "ike/daemon/vici_backend.h"

#include <algorithm>
#include <charconv>
#include <functional>

#include "ike/daemon/addresses.h"
#include "ike/daemon/stop_fd.h"
#include "ike/daemon/vici/client.h"
#include "tools/lib/spi_text.h"

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

bool is_any_address(std::string_view entry) {
    return entry == "%any" || entry == "%any4" || entry == "%any6";
}

std::vector<ViciConnection> matching_connections(const vici::Message& list_conn,
                                                 const ike::IpAddress& peer, bool any) {
    std::vector<ViciConnection> found;
    std::vector<ViciConnection> any_found;
    for (const auto& entry : list_conn.entries) {
        if (entry.kind != vici::Section::Entry::Kind::section)
            continue;
        const auto* remote = entry.section.list("remote_addrs");
        if (!remote)
            continue;
        const bool covers = std::any_of(remote->begin(), remote->end(), [&](const std::string& r) {
            return remote_addr_covers(r, peer);
        });
        const bool is_any = any && std::any_of(remote->begin(), remote->end(), is_any_address);
        if (!covers && !is_any)
            continue;
        ViciConnection conn{entry.name, {}, false, entry.section};
        const auto exact =
            remote->size() == 1 ? ike::IpAddress::parse(remote->front()) : std::nullopt;
        conn.names_only_peer = exact && *exact == peer;
        if (const auto* children = entry.section.section("children"))
            for (const auto& child : children->entries)
                if (child.kind == vici::Section::Entry::Kind::section)
                    conn.children.push_back(child.name);
        (covers ? found : any_found).push_back(std::move(conn));
    }
    found.insert(found.end(), any_found.begin(), any_found.end());
    return found;
}

namespace {

// list-conns' spelling of a value -> load-conn's, for the values copied with a translation.
std::optional<std::string>
translate(const std::string* value,
          std::initializer_list<std::pair<std::string_view, std::string_view>> map) {
    if (!value)
        return std::nullopt;
    for (const auto& [listed, loaded] : map)
        if (*value == listed)
            return std::string(loaded);
    return std::nullopt;
}

void copy_values(const vici::Section& from, vici::Section& to,
                 std::initializer_list<std::string_view> keys) {
    for (auto key : keys)
        if (const auto* v = from.value(key))
            to.add_value(std::string(key), *v);
}

ike::Status copy_auth(const std::string& conn, const vici::Section::Entry& round, bool remote,
                      vici::Section& to) {
    const auto* cls = round.section.value("class");
    const auto auth = translate(cls, {{"pre-shared key", "psk"}, {"public key", "pubkey"}});
    if (!auth)
        return ike::Error{cat("connection ", conn, " authenticates ", round.name, " by ",
                              cls ? *cls : "an unknown class",
                              ", which a derived connection cannot copy (only pre-shared key "
                              "and public key)")};
    if (remote)
        for (const char* constraint : {"groups", "cert_policy", "cacerts", "certs"})
            if (const auto* list = round.section.list(constraint); list && !list->empty())
                return ike::Error{cat("connection ", conn, " constrains the peer by ", constraint,
                                      " in ", round.name,
                                      ", which list-conns cannot show exactly; a derived "
                                      "connection would accept more")};
    vici::Section& out = to.add_section(round.name);
    out.add_value("auth", *auth);
    copy_values(round.section, out, {"id"});
    return ike::success();
}

} // namespace

std::string derived_name(const std::string& conn, const DerivedTarget& target) {
    std::string address = target.remote.to_string();
    std::replace(address.begin(), address.end(), ':', '_');
    return cat(conn, "-spirecovery-", address, "-", target.remote_port);
}

ike::Result<vici::Message> derived_connection(const std::string& conn, const vici::Section& listed,
                                              const DerivedTarget& target) {
    vici::Message message;
    vici::Section& out = message.add_section(derived_name(conn, target));
    const auto version =
        translate(listed.value("version"), {{"IKE", "0"}, {"IKEv1", "1"}, {"IKEv2", "2"}});
    if (!version)
        return ike::Error{cat("connection ", conn, " has no IKE version list-conns shows")};
    if (const auto* local = listed.list("local_addrs"))
        out.add_list("local_addrs", *local);
    out.add_list("remote_addrs", {target.remote.to_string()});
    if (target.remote_port != ike::ike_port) {
        out.add_value("local_port", std::to_string(ike::nat_t_port));
        out.add_value("remote_port", std::to_string(target.remote_port));
    }
    // No encap: it would make charon fake its NAT detection hashes. A real NAT on the path
    // makes both ends encapsulate anyway.
    out.add_value("version", *version);
    if (!target.proposals.empty())
        out.add_value("proposals", target.proposals);
    copy_values(
        listed, out,
        {"reauth_time", "rekey_time", "dpd_delay", "dpd_timeout", "ppk_id", "ppk_required"});
    if (const auto unique = translate(listed.value("unique"), {{"UNIQUE_NO", "no"},
                                                               {"UNIQUE_NEVER", "never"},
                                                               {"UNIQUE_KEEP", "keep"},
                                                               {"UNIQUE_REPLACE", "replace"}}))
        out.add_value("unique", *unique);
    for (const auto& entry : listed.entries) {
        if (entry.kind != vici::Section::Entry::Kind::section)
            continue;
        const bool local = entry.name.rfind("local", 0) == 0;
        const bool remote = entry.name.rfind("remote", 0) == 0;
        if (!local && !remote)
            continue;
        if (auto st = copy_auth(conn, entry, remote, out); !st)
            return st.error();
    }
    vici::Section& children = out.add_section("children");
    bool any_child = false;
    if (const auto* listed_children = listed.section("children")) {
        for (const auto& child : listed_children->entries) {
            if (child.kind != vici::Section::Entry::Kind::section)
                continue;
            // PASS and DROP are shunts: nothing to initiate.
            const auto mode =
                translate(child.section.value("mode"),
                          {{"TUNNEL", "tunnel"}, {"TRANSPORT", "transport"}, {"BEET", "beet"}});
            if (!mode)
                continue;
            vici::Section& c = children.add_section(child.name);
            c.add_value("mode", *mode);
            // The same traffic selectors: the same policies as the configured child's.
            for (auto [from, to] : {std::pair{"local-ts", "local_ts"}, {"remote-ts", "remote_ts"}})
                if (const auto* ts = child.section.list(from))
                    c.add_list(to, *ts);
            if (!target.esp_proposals.empty())
                c.add_value("esp_proposals", target.esp_proposals);
            copy_values(child.section, c, {"rekey_time", "rekey_bytes", "rekey_packets"});
            any_child = true;
        }
    }
    if (!any_child)
        return ike::Error{cat("connection ", conn, " has no tunnel, transport or BEET child")};
    return message;
}

unsigned control_log_ike_sa(const vici::Message& control_log) {
    const auto* id = control_log.value("ikesa-uniqueid");
    unsigned value = 0;
    if (!id || std::from_chars(id->data(), id->data() + id->size(), value).ec != std::errc())
        return 0;
    return value;
}

bool control_log_peer_answered(const vici::Message& control_log) {
    // charon's "parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]": a response to this IKE SA's
    // request, with its SPIs, so the peer was reached on this path.
    const auto* text = control_log.value("msg");
    return text && text->starts_with("parsed ") && text->find(" response ") != std::string::npos;
}

std::optional<ViciChild> child_with_inbound_spi(const vici::Message& list_sa,
                                                const ike::IpAddress& peer, uint32_t spi) {
    for (const auto& entry : list_sa.entries) {
        if (entry.kind != vici::Section::Entry::Kind::section)
            continue;
        const vici::Section& ike = entry.section;
        const auto* host = ike.value("remote-host");
        const auto address = host ? ike::IpAddress::parse(*host) : std::nullopt;
        const auto* state = ike.value("state");
        const auto* id = ike.value("uniqueid");
        const auto* children = ike.section("child-sas");
        if (!address || !(*address == peer) || !state || *state != "ESTABLISHED" || !id ||
            !children)
            continue;
        for (const auto& c : children->entries) {
            if (c.kind != vici::Section::Entry::Kind::section)
                continue;
            const auto* name = c.section.value("name");
            const auto* child_id = c.section.value("uniqueid");
            const auto* child_state = c.section.value("state");
            const auto* spi_in = c.section.value("spi-in"); // "%.8x"
            uint32_t value = 0;
            if (!name || !child_id || !child_state || *child_state != "INSTALLED" || !spi_in ||
                std::from_chars(spi_in->data(), spi_in->data() + spi_in->size(), value, 16).ptr !=
                    spi_in->data() + spi_in->size() ||
                value != spi)
                continue;
            const auto* spi_i = ike.value("initiator-spi");
            const auto* spi_r = ike.value("responder-spi");
            return ViciChild{entry.name, *id, cat(spi_i ? *spi_i : "?", "/", spi_r ? *spi_r : "?"),
                             *name, *child_id};
        }
    }
    return std::nullopt;
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

namespace {

// One command on a connection of its own: after an initiate that timed out, charon's late
// answer may still come on the first connection.
ike::Result<vici::Message> single_command(const std::string& socket_path, std::string_view name,
                                          const vici::Message& request,
                                          std::chrono::milliseconds within) {
    const auto deadline = Clock::now() + within;
    auto client = vici::Client::connect(socket_path, deadline);
    if (!client)
        return client.error();
    return client->command(name, request, {}, deadline);
}

std::string command_error(const ike::Result<vici::Message>& res) {
    if (!res)
        return res.error().message;
    const auto* success = res->value("success");
    if (success && *success == "yes")
        return {};
    const auto* err = res->value("errmsg");
    return err ? *err : "no reason given";
}

} // namespace

BackendOutcome ViciBackend::recover(const RecoveryRequest& request, PeerLog& log,
                                    std::stop_token stop) {
    using Verdict = BackendOutcome::Verdict;
    // The configured address, or the spoke of a hub's prefix the event came from.
    const auto& peer = request.path.remote;
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
        auto more = matching_connections(msg, peer, request.peer.is_prefix());
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
                cat("no strongSwan connection has remote_addrs covering ", peer.to_string(),
                    request.peer.is_prefix() ? " or %any" : "")};
    if (matches.size() > 1)
        log.warning(cat("vici: ", matches.size(), " connections cover ", peer.to_string(),
                        "; using the first, ", matches.front().name));
    const ViciConnection& conn = matches.front();
    if (conn.children.empty())
        return {Verdict::unavailable, cat("vici: connection ", conn.name, " has no child")};

    // initiate has no address or port: a connection that does not name only this peer (a
    // hub's %any, a range), or a NAT mapping to reach on its port, needs one that does.
    if (conn.names_only_peer && !request.path.nat_t)
        return initiate(client.value(), conn.name, conn.children, log, stop);
    DerivedTarget target;
    target.remote = peer;
    target.remote_port = request.path.nat_t ? request.path.port : ike::ike_port;
    target.proposals = request.peer.vici_proposals;
    target.esp_proposals = request.peer.vici_esp_proposals;
    auto derived = derived_connection(conn.name, conn.listed, target);
    if (!derived)
        return {Verdict::unavailable, cat("vici: ", derived.error().message)};
    const std::string name = derived_name(conn.name, target);
    std::vector<std::string> children;
    for (const auto& child : derived->section(name)->section("children")->entries)
        children.push_back(child.name);
    const auto load =
        client->command("load-conn", derived.value(), {}, Clock::now() + listing_timeout);
    if (const auto err = command_error(load); !err.empty())
        return {Verdict::unavailable, cat("vici load-conn ", name, ": ", err)};
    log.info(cat("vici: loaded ", name, ", a copy of ", conn.name, " to ", peer.to_string(),
                 target.remote_port != ike::ike_port
                     ? cat(" port ", target.remote_port, " from charon's port ", ike::nat_t_port)
                     : std::string()));
    BackendOutcome outcome = initiate(client.value(), name, children, log, stop);
    // Its IKE and CHILD SAs keep the configuration they were made with; without a start
    // action, unloading leaves them alone.
    vici::Message unload;
    unload.add_value("name", name);
    const auto within = stop.stop_requested() ? std::chrono::milliseconds(500)
                                              : std::chrono::milliseconds(listing_timeout);
    if (const auto err = command_error(single_command(socket_path_, "unload-conn", unload, within));
        !err.empty())
        log.warning(cat("vici: unload-conn ", name, ": ", err));
    else
        log.info(cat("vici: unloaded ", name));
    return outcome;
}

namespace {

// list-sas on `client`, each list-sa event message to `on_sa`.
ike::Status list_sas(vici::Client& client, const std::function<void(const vici::Message&)>& on_sa) {
    const auto deadline = Clock::now() + listing_timeout;
    auto collect = [&](const std::string& name, const vici::Message& msg) {
        if (name == "list-sa")
            on_sa(msg);
    };
    if (auto st = client.register_event("list-sa", deadline); !st)
        return st.error();
    if (auto res = client.command("list-sas", {}, collect, deadline); !res)
        return res.error();
    return client.unregister_event("list-sa", deadline);
}

// Whether the IKE SA with this uniqueid is ESTABLISHED in a list-sa event message.
bool established(const vici::Message& list_sa, const std::string& ike_id) {
    return std::any_of(list_sa.entries.begin(), list_sa.entries.end(), [&](const auto& entry) {
        const auto* id = entry.section.value("uniqueid");
        const auto* state = entry.section.value("state");
        return entry.kind == vici::Section::Entry::Kind::section && id && *id == ike_id && state &&
               *state == "ESTABLISHED";
    });
}

} // namespace

BackendOutcome ViciBackend::restore_child(const RecoveryRequest& request, PeerLog& log,
                                          std::stop_token stop) {
    using Verdict = BackendOutcome::Verdict;
    const auto& peer = request.path.remote;
    const uint32_t spi = request.event.spi.value_or(0);
    const StopFd stop_fd(stop);
    auto client =
        vici::Client::connect(socket_path_, Clock::now() + listing_timeout, stop_fd.get());
    if (!client)
        return {Verdict::failed, client.error().message};
    std::optional<ViciChild> child;
    if (auto st = list_sas(client.value(),
                           [&](const vici::Message& msg) {
                               if (!child)
                                   child = child_with_inbound_spi(msg, peer, spi);
                           });
        !st)
        return {Verdict::failed, "vici list-sas: " + st.error().message};
    // Only a child charon installed with this very SPI: a forged SPI matches none.
    if (!child)
        return {Verdict::called_off,
                cat("vici: no installed CHILD_SA of an established IKE SA with ", peer.to_string(),
                    " has inbound SPI ", spi_text(spi),
                    " (a rekey race or a spoofed packet): nothing sent")};
    log.notice(cat("vici: IKE SA ", child->ike, " #", child->ike_id, " (SPIs ", child->ike_spis,
                   ") is established, its child ", child->child, " #", child->child_id,
                   " has inbound SPI ", spi_text(spi),
                   " but B's kernel has no SA for it: restoring the child, keeping the IKE SA"));

    auto relay = [&](const std::string& name, const vici::Message& msg) {
        if (name != "control-log")
            return;
        if (const auto* text = msg.value("msg"))
            log.info(cat("charon: ", *text));
    };
    const auto deadline = Clock::now() + timeout_;
    if (auto st = client->register_event("control-log", deadline); !st)
        return {Verdict::failed, st.error().message};
    const auto ms =
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count());
    // An authenticated DELETE: the peer drops its outbound SA on the lost SPI.
    vici::Message terminate;
    terminate.add_value("child-id", child->child_id)
        .add_value("timeout", ms)
        .add_value("loglevel", "1");
    log.info(cat("vici: terminating child ", child->child, " #", child->child_id));
    if (const auto err = command_error(
            client->command("terminate", terminate, relay, deadline + std::chrono::seconds(1)));
        !err.empty())
        return {Verdict::failed, cat("vici terminate child #", child->child_id, ": ", err)};
    if (stop.stop_requested())
        return {Verdict::failed, "daemon shutting down"};
    // charon negotiates the child inside the IKE SA it has with the peer for this connection.
    vici::Message initiate;
    initiate.add_value("child", child->child)
        .add_value("ike", child->ike)
        .add_value("timeout", ms)
        .add_value("init-limits", "no")
        .add_value("loglevel", "1");
    log.info(cat("vici: initiating child ", child->child, " in IKE SA ", child->ike));
    if (const auto err = command_error(client->command(
            "initiate", initiate, relay, Clock::now() + timeout_ + std::chrono::seconds(1)));
        !err.empty())
        return {Verdict::failed, cat("vici initiate ", child->ike, "/", child->child, ": ", err)};
    bool kept = false;
    if (auto st = list_sas(
            client.value(),
            [&](const vici::Message& msg) { kept = kept || established(msg, child->ike_id); });
        !st)
        return {Verdict::failed, "vici list-sas: " + st.error().message};
    if (!kept)
        return {Verdict::failed, cat("vici: child ", child->child, " initiated, but IKE SA #",
                                     child->ike_id, " is no longer established")};
    return {Verdict::succeeded,
            cat("strongSwan restored child ", child->child, " in IKE SA ", child->ike, " #",
                child->ike_id, " (SPIs ", child->ike_spis, ", kept)")};
}

BackendOutcome ViciBackend::initiate(vici::Client& client, const std::string& ike,
                                     const std::vector<std::string>& children, PeerLog& log,
                                     std::stop_token stop) {
    using Verdict = BackendOutcome::Verdict;
    // charon streams its log for the request as control-log events: relay them so the
    // operator sees the exchange in one place, and note the IKE SA they are about, the one
    // this attempt made.
    unsigned ike_sa = 0;
    bool answered = false;
    auto relay = [&](const std::string& name, const vici::Message& msg) {
        if (name != "control-log")
            return;
        answered = answered || control_log_peer_answered(msg);
        if (const unsigned id = control_log_ike_sa(msg); id && !ike_sa) {
            ike_sa = id;
            log.info(cat("vici: charon's IKE SA #", id, " (", ike, ")"));
        }
        if (const auto* text = msg.value("msg"))
            log.info(cat("charon: ", *text));
    };
    const auto deadline = Clock::now() + timeout_;
    if (auto st = client.register_event("control-log", deadline); !st)
        return {Verdict::unavailable, st.error().message};

    std::string done;
    for (const auto& child : children) {
        if (stop.stop_requested())
            return {Verdict::failed, "daemon shutting down"};
        log.info(cat("vici: initiating child ", child, " of connection ", ike));
        vici::Message req;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count();
        req.add_value("child", child)
            .add_value("ike", ike)
            .add_value("timeout", std::to_string(ms))
            .add_value("init-limits", "no")
            .add_value("loglevel", "1");
        const auto res = client.command("initiate", req, relay, deadline + std::chrono::seconds(1));
        const std::string err = command_error(res);
        if (err.empty()) {
            done += (done.empty() ? "" : ", ") + child;
            continue;
        }
        std::string detail = cat("vici initiate ", ike, "/", child, " failed: ", err);
        if (stop.stop_requested())
            return {Verdict::failed, detail};
        // charon would go on retransmitting the half-open IKE SA for minutes, and while it
        // exists every event from the peer is skipped ("B still has SAs"): end it now.
        if (ike_sa) {
            vici::Message terminate;
            terminate.add_value("ike-id", std::to_string(ike_sa)).add_value("force", "yes");
            const auto term = single_command(socket_path_, "terminate", terminate,
                                             std::chrono::milliseconds(listing_timeout));
            if (const auto term_err = command_error(term); term_err.empty())
                detail += cat("; terminated its IKE SA #", ike_sa);
            else
                detail += cat("; terminate IKE SA #", ike_sa, ": ", term_err);
        }
        // The peer's answer (AUTHENTICATION_FAILED, NO_PROPOSAL_CHOSEN, ...) is a real one:
        // the next backend would reach the same peer with the same credentials. Hearing
        // nothing (no NAT mapping there, a spoke gone) says nothing about its way: let it try.
        if (answered)
            return {Verdict::failed, cat(detail, " (the peer answered)")};
        return {Verdict::unavailable, cat(detail, " (no answer from the peer)")};
    }
    return {Verdict::succeeded, cat("strongSwan established ", ike, " (", done, ")")};
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
