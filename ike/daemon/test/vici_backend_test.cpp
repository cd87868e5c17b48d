// SPDX-License-Identifier: GPL-2.0
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>

#include <gtest/gtest.h>

#include "ike/daemon/stop_fd.h"
#include "ike/daemon/test/test_data.h"
#include "ike/daemon/vici_backend.h"

using namespace spirecovery;

namespace {

ike::IpAddress ip(const char* text) {
    return *ike::IpAddress::parse(text);
}

vici::Message recorded_event(const char* file) {
    const auto packets = test::server_packets(file);
    auto packet = vici::decode_packet(packets.at(1)); // after the event confirmation
    if (!packet || packet->type != vici::PacketType::event)
        throw std::runtime_error(std::string(file) + ": no event where expected");
    return packet->message;
}

} // namespace

TEST(ViciBackend, RemoteAddrsEntries) {
    EXPECT_TRUE(remote_addr_covers("192.0.2.1", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.1", ip("192.0.2.2")));
    EXPECT_TRUE(remote_addr_covers("192.0.2.0/24", ip("192.0.2.77")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.0/25", ip("192.0.2.200")));
    EXPECT_TRUE(remote_addr_covers("192.0.2.10-192.0.2.20", ip("192.0.2.15")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.10-192.0.2.20", ip("192.0.2.21")));
    EXPECT_TRUE(remote_addr_covers("2001:db8::/32", ip("2001:db8::a")));
    EXPECT_FALSE(remote_addr_covers("2001:db8::/32", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("%any", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("peer.example.org", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.0/99", ip("192.0.2.1")));
    EXPECT_FALSE(remote_addr_covers("192.0.2.0/x", ip("192.0.2.1")));
}

TEST(ViciBackend, FindsTheRecordedConnectionByRemoteAddress) {
    const auto list_conn = recorded_event("list_conns.vici");
    const auto found = matching_connections(list_conn, ip("192.0.2.1"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].name, "tunnel");
    EXPECT_EQ(found[0].children, std::vector<std::string>{"net"});
    EXPECT_TRUE(matching_connections(list_conn, ip("192.0.2.9")).empty());
}

TEST(ViciBackend, FindsTheRecordedIkeSaByRemoteHost) {
    const auto list_sa = recorded_event("list_sas.vici");
    const auto found = matching_ike_sas(list_sa, ip("192.0.2.1"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].find("tunnel"), std::string::npos);
    EXPECT_NE(found[0].find("ESTABLISHED"), std::string::npos);
    EXPECT_TRUE(matching_ike_sas(list_sa, ip("192.0.2.3")).empty());
}

TEST(ViciBackend, AbsentSocketIsUnavailable) {
    ViciBackend backend("/nonexistent/charon.vici", std::chrono::seconds(1));
    PeerConfig peer;
    peer.name = "a";
    peer.address = ip("192.0.2.1");
    Logger logger({LogLevel::error, false, false});
    PeerLog log(logger, "test: ");
    RecoveryRequest request{peer, {}, {}, {}};
    request.event.source = peer.address;
    const auto outcome = backend.recover(request, log, {});
    EXPECT_EQ(outcome.verdict, BackendOutcome::Verdict::unavailable);
    EXPECT_NE(outcome.detail.find("/nonexistent/charon.vici"), std::string::npos);

    // Nobody listens: charon is not running and so holds no IKE SA, certainly.
    ViciIkeSas sas("/nonexistent/charon.vici");
    const auto presence = sas.find(peer.address);
    ASSERT_TRUE(presence);
    EXPECT_FALSE(presence->found);
    EXPECT_NE(presence->description.find("charon is not running"), std::string::npos);
}

namespace {

// A vici socket whose daemon accepts but never answers: a SIGSTOPped charon.
class HungCharon {
public:
    HungCharon() {
        path_ = "/tmp/spirecoveryd-hung-" + std::to_string(getpid()) + ".vici";
        ::unlink(path_.c_str());
        listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
        if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
            ::listen(listener_.get(), 4) != 0)
            throw std::runtime_error("bind/listen " + path_);
    }
    ~HungCharon() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    UniqueFd listener_;
};

} // namespace

TEST(ViciIkeSas, AHungCharonIsCannotTellAndTheWaitEndsOnStop) {
    HungCharon charon;
    std::stop_source stop;
    const StopFd stop_fd(stop.get_token());
    ViciIkeSas sas(charon.path(), stop_fd.get());
    std::jthread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        stop.request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    const auto presence = sas.find(ip("192.0.2.1"));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(presence);
    EXPECT_NE(presence.error().message.find("interrupted"), std::string::npos)
        << presence.error().message;
    EXPECT_LT(took, std::chrono::seconds(1));
}

TEST(ViciIkeSas, AHungCharonTimesOut) {
    HungCharon charon;
    ViciIkeSas sas(charon.path());
    const auto start = std::chrono::steady_clock::now();
    const auto presence = sas.find(ip("192.0.2.1"));
    ASSERT_FALSE(presence);
    EXPECT_NE(presence.error().message.find("timed out"), std::string::npos)
        << presence.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(7));
}

// What list-sas streams for an IKE SA charon is still negotiating: it counts as one.
TEST(ViciBackend, AHalfOpenIkeSaCounts) {
    vici::Message list_sa;
    list_sa.add_section("tunnel")
        .add_value("uniqueid", "7")
        .add_value("state", "CONNECTING")
        .add_value("remote-host", "192.0.2.1");
    const auto found = matching_ike_sas(list_sa, ip("192.0.2.1"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], "IKE SA tunnel[7] CONNECTING");
}

namespace {

const vici::Section& tunnel_section(const vici::Message& list_conn) {
    return *list_conn.section("tunnel");
}

std::vector<std::string> items(const vici::Section& s, const char* name) {
    const auto* list = s.list(name);
    return list ? *list : std::vector<std::string>{};
}

} // namespace

TEST(ViciBackend, AnyMatchesOnlyForAHubAndAfterConnectionsThatNameThePeer) {
    vici::Message list_conn;
    list_conn.add_section("hub")
        .add_list("remote_addrs", {"%any"})
        .add_section("children")
        .add_section("net");
    list_conn.add_section("exact").add_list("remote_addrs", {"198.51.100.1"});
    list_conn.add_section("range").add_list("remote_addrs", {"198.51.100.0/24"});
    EXPECT_TRUE(is_any_address("%any"));
    EXPECT_TRUE(is_any_address("%any6"));
    EXPECT_FALSE(is_any_address("192.0.2.1"));
    const auto plain = matching_connections(list_conn, ip("198.51.100.1"));
    ASSERT_EQ(plain.size(), 2u);
    EXPECT_EQ(plain[0].name, "exact");
    EXPECT_TRUE(plain[0].names_only_peer);
    EXPECT_FALSE(plain[1].names_only_peer);
    const auto hub = matching_connections(list_conn, ip("198.51.100.9"), true);
    ASSERT_EQ(hub.size(), 2u);
    EXPECT_EQ(hub[0].name, "range");
    EXPECT_EQ(hub[1].name, "hub");
    EXPECT_EQ(hub[1].children, std::vector<std::string>{"net"});
    EXPECT_TRUE(matching_connections(list_conn, ip("192.0.2.9")).empty());
}

TEST(ViciBackend, DerivedConnectionCopiesTheRecordedOneToTheNatMapping) {
    const auto list_conn = recorded_event("list_conns.vici");
    DerivedTarget target;
    target.remote = ip("203.0.113.1");
    target.remote_port = 40123;
    target.esp_proposals = "aes256gcm16";
    const auto msg = derived_connection("tunnel", tunnel_section(list_conn), target);
    ASSERT_TRUE(msg) << msg.error().message;
    EXPECT_EQ(derived_name("tunnel", target), "tunnel-spirecovery-203.0.113.1-40123");
    const auto* conn = msg->section("tunnel-spirecovery-203.0.113.1-40123");
    ASSERT_NE(conn, nullptr);
    EXPECT_EQ(items(*conn, "local_addrs"), std::vector<std::string>{"192.0.2.2"});
    EXPECT_EQ(items(*conn, "remote_addrs"), std::vector<std::string>{"203.0.113.1"});
    EXPECT_EQ(*conn->value("local_port"), "4500");
    EXPECT_EQ(*conn->value("remote_port"), "40123");
    EXPECT_EQ(conn->value("encap"), nullptr) << "NAT detection decides, with true hashes";
    EXPECT_EQ(*conn->value("version"), "2");
    EXPECT_EQ(*conn->value("unique"), "no");
    EXPECT_EQ(*conn->value("rekey_time"), "14400");
    EXPECT_EQ(conn->value("proposals"), nullptr) << "charon's defaults";
    EXPECT_EQ(*conn->section("local-1")->value("auth"), "psk");
    EXPECT_EQ(*conn->section("local-1")->value("id"), "b.example");
    EXPECT_EQ(*conn->section("remote-1")->value("id"), "a.example");
    const auto* net = conn->section("children")->section("net");
    ASSERT_NE(net, nullptr);
    EXPECT_EQ(*net->value("mode"), "tunnel");
    EXPECT_EQ(items(*net, "local_ts"), std::vector<std::string>{"dynamic"});
    EXPECT_EQ(items(*net, "remote_ts"), std::vector<std::string>{"dynamic"});
    EXPECT_EQ(*net->value("esp_proposals"), "aes256gcm16");
    EXPECT_TRUE(vici::encode_message(msg.value())) << "fits vici's encoding";
}

TEST(ViciBackend, DerivedConnectionForASpokeKeepsPort500AndIPv6NamesAreSafe) {
    const auto list_conn = recorded_event("list_conns.vici");
    DerivedTarget target;
    target.remote = ip("2001:db8::7");
    target.proposals = "aes256gcm16-prfsha256-x25519";
    const auto msg = derived_connection("tunnel", tunnel_section(list_conn), target);
    ASSERT_TRUE(msg) << msg.error().message;
    const auto* conn = msg->section("tunnel-spirecovery-2001_db8__7-500");
    ASSERT_NE(conn, nullptr);
    EXPECT_EQ(conn->value("remote_port"), nullptr);
    EXPECT_EQ(conn->value("local_port"), nullptr);
    EXPECT_EQ(conn->value("encap"), nullptr);
    EXPECT_EQ(*conn->value("proposals"), "aes256gcm16-prfsha256-x25519");
}

TEST(ViciBackend, DerivedConnectionRefusesWhatListConnsCannotShowExactly) {
    const auto list_conn = recorded_event("list_conns.vici");
    DerivedTarget target;
    target.remote = ip("198.51.100.1");
    // The recorded connection with a remote group constraint: a copy would accept any group.
    vici::Section grouped;
    for (const auto& entry : tunnel_section(list_conn).entries) {
        if (entry.name != "remote-1") {
            grouped.entries.push_back(entry);
            continue;
        }
        auto remote = entry;
        for (auto& field : remote.section.entries)
            if (field.name == "groups")
                field.items = {"CN=admins"};
        grouped.entries.push_back(remote);
    }
    const auto refused = derived_connection("tunnel", grouped, target);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("constrains the peer by groups in remote-1"),
              std::string::npos)
        << refused.error().message;

    vici::Section eap;
    eap.add_value("version", "IKEv2");
    eap.add_section("remote").add_value("class", "EAP");
    EXPECT_FALSE(derived_connection("e", eap, target));
    vici::Section no_child;
    no_child.add_value("version", "IKEv2");
    no_child.add_section("children").add_section("shunt").add_value("mode", "PASS");
    const auto shunt = derived_connection("s", no_child, target);
    ASSERT_FALSE(shunt);
    EXPECT_NE(shunt.error().message.find("no tunnel, transport or BEET child"), std::string::npos);
}

TEST(ViciBackend, ControlLogNamesTheIkeSa) {
    vici::Message log;
    log.add_value("group", "IKE").add_value("ikesa-uniqueid", "17").add_value("msg", "x");
    EXPECT_EQ(control_log_ike_sa(log), 17u);
    vici::Message none;
    none.add_value("msg", "x");
    EXPECT_EQ(control_log_ike_sa(none), 0u);
    vici::Message junk;
    junk.add_value("ikesa-uniqueid", "x7");
    EXPECT_EQ(control_log_ike_sa(junk), 0u);
}

TEST(ViciBackend, OnlyAParsedResponseIsThePeersAnswer) {
    auto line = [](const char* text) {
        vici::Message log;
        log.add_value("group", "ENC").add_value("msg", text);
        return log;
    };
    EXPECT_TRUE(control_log_peer_answered(line("parsed IKE_AUTH response 1 [ N(AUTH_FAILED) ]")));
    EXPECT_TRUE(control_log_peer_answered(line("parsed IKE_SA_INIT response 0 [ N(NO_PROP) ]")));
    // Our own request, retransmissions, and a request from the peer are no answer.
    EXPECT_FALSE(control_log_peer_answered(line("generating IKE_SA_INIT request 0 [ SA KE No ]")));
    EXPECT_FALSE(control_log_peer_answered(line("retransmit 2 of request with message ID 0")));
    EXPECT_FALSE(control_log_peer_answered(line("parsed INFORMATIONAL request 0 [ D ]")));
    vici::Message none;
    none.add_value("group", "ENC");
    EXPECT_FALSE(control_log_peer_answered(none));
}

namespace {

// list-sas as charon 5.9 writes it: an IKE SA with children keyed NAME-UNIQUEID.
vici::Message ike_sa_with_child(const char* ike_state, const char* child_state,
                                const char* spi_in) {
    vici::Message list_sa;
    vici::Section& ike = list_sa.add_section("tunnel");
    ike.add_value("uniqueid", "3")
        .add_value("state", ike_state)
        .add_value("remote-host", "192.0.2.1")
        .add_value("initiator-spi", "eca62c201f132cc2")
        .add_value("responder-spi", "cf2400d39af1fdc8");
    ike.add_section("child-sas")
        .add_section("net-5")
        .add_value("name", "net")
        .add_value("uniqueid", "5")
        .add_value("state", child_state)
        .add_value("spi-in", spi_in)
        .add_value("spi-out", "c0000002");
    return list_sa;
}

} // namespace

TEST(ViciBackend, FindsTheInstalledChildByItsInboundSpi) {
    const auto child = child_with_inbound_spi(
        ike_sa_with_child("ESTABLISHED", "INSTALLED", "c1a2b3c4"), ip("192.0.2.1"), 0xc1a2b3c4);
    ASSERT_TRUE(child);
    EXPECT_EQ(child->ike, "tunnel");
    EXPECT_EQ(child->ike_id, "3");
    EXPECT_EQ(child->child, "net");
    EXPECT_EQ(child->child_id, "5");
    EXPECT_EQ(child->ike_spis, "eca62c201f132cc2/cf2400d39af1fdc8");
}

// A forged SPI, another peer, an IKE SA not (or no longer) established, a child being
// rekeyed: nothing to restore.
TEST(ViciBackend, NoChildToRestoreUnlessAllMatch) {
    const auto peer = ip("192.0.2.1");
    EXPECT_FALSE(child_with_inbound_spi(ike_sa_with_child("ESTABLISHED", "INSTALLED", "c1a2b3c4"),
                                        peer, 0xc1a2b3c5));
    EXPECT_FALSE(child_with_inbound_spi(ike_sa_with_child("ESTABLISHED", "INSTALLED", "c1a2b3c4"),
                                        ip("192.0.2.3"), 0xc1a2b3c4));
    EXPECT_FALSE(child_with_inbound_spi(ike_sa_with_child("CONNECTING", "INSTALLED", "c1a2b3c4"),
                                        peer, 0xc1a2b3c4));
    EXPECT_FALSE(child_with_inbound_spi(ike_sa_with_child("ESTABLISHED", "REKEYING", "c1a2b3c4"),
                                        peer, 0xc1a2b3c4));
    EXPECT_FALSE(child_with_inbound_spi(ike_sa_with_child("ESTABLISHED", "INSTALLED", "c1a2b3c4zz"),
                                        peer, 0xc1a2b3c4));
    // The recorded list-sas has an established IKE SA without children.
    EXPECT_FALSE(child_with_inbound_spi(recorded_event("list_sas.vici"), peer, 0));
}
