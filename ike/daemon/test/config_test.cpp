// SPDX-License-Identifier: GPL-2.0
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options/parsers.hpp>
#include <gtest/gtest.h>

#include "ike/daemon/config.h"

using namespace spirecovery;
namespace po = boost::program_options;

namespace {

ConfigResult parse(const std::string& text, std::optional<mode_t> mode = 0600,
                   const po::variables_map& overrides = {}) {
    std::istringstream in(text);
    return parse_config(in, "test.conf", mode, overrides);
}

std::string joined(const std::vector<std::string>& errors) {
    std::string out;
    for (const auto& e : errors)
        out += e + "\n";
    return out;
}

bool has_error(const ConfigResult& r, const std::string& needle) {
    return joined(r.errors).find(needle) != std::string::npos;
}

const char* minimal_peer = R"(
[peer.a]
address = 192.0.2.1
local-id = b.example
remote-id = a.example
psk = 0x00112233445566778899aabbccddeeff
)";

// A temporary file that is removed again.
class TempFile {
public:
    TempFile(const std::string& content, mode_t mode)
        : path_(std::filesystem::temp_directory_path() /
                ("spirecoveryd-test-" + std::to_string(getpid()) + "-" +
                 std::to_string(counter_++))) {
        std::ofstream(path_) << content;
        chmod(path_.c_str(), mode);
    }
    ~TempFile() { std::filesystem::remove(path_); }
    std::string path() const { return path_.string(); }

private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
};

} // namespace

TEST(Config, MinimalPeerGetsDefaults) {
    auto r = parse(minimal_peer);
    ASSERT_TRUE(r.config) << joined(r.errors);
    const DaemonConfig& c = *r.config;
    EXPECT_EQ(c.hold_down, std::chrono::seconds(30));
    EXPECT_EQ(c.max_exchanges, 8u);
    EXPECT_EQ(c.max_queued, 1024u);
    EXPECT_TRUE(c.vici_socket.empty());
    ASSERT_EQ(c.peers.size(), 1u);
    const PeerConfig& p = c.peers[0];
    EXPECT_EQ(p.name, "a");
    EXPECT_EQ(p.address.to_string(), "192.0.2.1");
    EXPECT_TRUE(p.enabled);
    EXPECT_EQ(p.port, 500);
    EXPECT_FALSE(p.local_address);
    EXPECT_FALSE(p.nat_traversal);
    EXPECT_EQ(c.packet_ports_per_minute, 4u);
    EXPECT_EQ(p.backends, std::vector<BackendKind>{BackendKind::native});
    EXPECT_EQ(p.psk.size(), 16u);
    EXPECT_EQ(p.psk[0], 0x00);
    EXPECT_EQ(p.psk[15], 0xff);
    ASSERT_TRUE(p.local_id);
    EXPECT_EQ(p.local_id->to_string(), "b.example");
    EXPECT_EQ(p.proposals.size(), 2u); // the built-in default list
    EXPECT_EQ(c.find_peer(*ike::IpAddress::parse("192.0.2.1")), &p);
    EXPECT_EQ(c.find_peer(*ike::IpAddress::parse("192.0.2.2")), nullptr);
}

TEST(Config, GlobalsAndEveryPeerKey) {
    auto r = parse(R"(
hold-down = 5
max-exchanges = 2
max-queued = 3
log-level = debug
vici-socket = /run/charon.vici
vici-timeout = 7
exec-timeout = 9
recovery-wait = 0
retransmit-timeout = 250
retransmit-base = 3
retransmit-tries = 4
exchange-timeout = 20
packet-ports-per-minute = 60
state-file = /tmp/x

[peer.v6]
address = 2001:db8::a
enabled = no
local-id = @b.example
remote-id = 2001:db8::a
psk = literal secret
proposals = aes128-sha256-ecp256, aes256gcm16-prfsha384-x25519
port = 4500
local-address = 2001:db8::b
nat-traversal = yes
backends = exec, vici native
exec-command = /usr/sbin/ipsec whack --initiate --name {peer}
)");
    ASSERT_TRUE(r.config) << joined(r.errors);
    const DaemonConfig& c = *r.config;
    EXPECT_EQ(c.hold_down, std::chrono::seconds(5));
    EXPECT_EQ(c.max_exchanges, 2u);
    EXPECT_EQ(c.max_queued, 3u);
    EXPECT_EQ(c.log_level, LogLevel::debug);
    EXPECT_EQ(c.vici_socket, "/run/charon.vici");
    EXPECT_EQ(c.vici_timeout, std::chrono::seconds(7));
    EXPECT_EQ(c.exec_timeout, std::chrono::seconds(9));
    EXPECT_EQ(c.recovery_wait, std::chrono::seconds(0));
    EXPECT_EQ(c.retransmit.initial_timeout, std::chrono::milliseconds(250));
    EXPECT_EQ(c.retransmit.backoff_factor, 3u);
    EXPECT_EQ(c.retransmit.max_transmissions, 4u);
    EXPECT_EQ(c.retransmit.overall_timeout, std::chrono::seconds(20));
    EXPECT_EQ(c.state_file, "/tmp/x");
    const PeerConfig& p = c.peers.at(0);
    EXPECT_FALSE(p.enabled);
    EXPECT_EQ(p.port, 4500);
    EXPECT_EQ(p.local_address, ike::IpAddress::parse("2001:db8::b"));
    EXPECT_TRUE(p.nat_traversal);
    EXPECT_EQ(c.packet_ports_per_minute, 60u);
    EXPECT_EQ(p.proposals.size(), 2u);
    EXPECT_EQ(std::string(p.psk.begin(), p.psk.end()), "literal secret");
    EXPECT_EQ(p.backends, (std::vector<BackendKind>{BackendKind::exec, BackendKind::vici,
                                                    BackendKind::native}));
    EXPECT_EQ(p.exec_command, (std::vector<std::string>{"/usr/sbin/ipsec", "whack", "--initiate",
                                                        "--name", "{peer}"}));
}

TEST(Config, ViciSocketMakesViciTheDefaultFirstBackend) {
    auto r = parse(std::string("vici-socket = /run/charon.vici\n") + minimal_peer);
    ASSERT_TRUE(r.config) << joined(r.errors);
    EXPECT_EQ(r.config->peers[0].backends,
              (std::vector<BackendKind>{BackendKind::vici, BackendKind::native}));
}

TEST(Config, CommandLineOverridesTheFile) {
    po::variables_map overrides;
    po::store(po::command_line_parser(std::vector<std::string>{"--hold-down", "3"})
                  .options(global_options())
                  .run(),
              overrides);
    auto r = parse(std::string("hold-down = 60\n") + minimal_peer, 0600, overrides);
    ASSERT_TRUE(r.config) << joined(r.errors);
    EXPECT_EQ(r.config->hold_down, std::chrono::seconds(3));
}

TEST(Config, ErrorsNameTheCulprit) {
    struct Case {
        std::string text;
        std::string error;
    };
    const std::vector<Case> cases = {
        {"bogus = 1\n", "unknown option 'bogus'"},
        {"[other.x]\nkey = 1\n", "unknown option 'other.x.key'"},
        {"[peer.a]\naddress = 192.0.2.300\npsk = x\nlocal-id = a\nremote-id = b\n",
         "address '192.0.2.300' is not an IPv4 or IPv6 address"},
        {"[peer.a]\npsk = x\nlocal-id = a\nremote-id = b\n", "[peer.a]: address is missing"},
        {"[peer.a]\naddress = 192.0.2.1\nlocal-id = a\nremote-id = b\n", "no backend possible"},
        {"[peer.a]\naddress = 192.0.2.1\nbackends = native\npsk = x\n",
         "the native backend needs local-id"},
        {"[peer.a]\naddress = 192.0.2.1\nbackends = vici\n", "needs the global vici-socket"},
        {"[peer.a]\naddress = 192.0.2.1\nbackends = exec\n", "the exec backend needs exec-command"},
        {"[peer.a]\naddress = 192.0.2.1\nbackends = exec\nexec-command = ipsec up\n",
         "must start with an absolute path"},
        {"[peer.a]\naddress = 192.0.2.1\nbackends = ikev1\n", "unknown backend 'ikev1'"},
        {"[peer.a]\naddress = 192.0.2.1\nbackends = exec exec\nexec-command = /bin/true\n",
         "listed twice"},
        {"[peer.a]\naddress = 192.0.2.1\nport = 0\n", "port must be 1-65535"},
        {"[peer.a]\naddress = 192.0.2.1\nlocal-address = b.example\n",
         "local-address 'b.example' is not an IPv4 or IPv6 address: give B's own address"},
        {"[peer.a]\naddress = 192.0.2.1\nlocal-address = 2001:db8::b\n",
         "local-address 2001:db8::b is not of the family of address 192.0.2.1"},
        {"[peer.a]\naddress = 192.0.2.1\nnat-traversal = maybe\n",
         "nat-traversal must be yes or no, not 'maybe'"},
        {"packet-ports-per-minute = 0\n", "packet-ports-per-minute must be 1-60, not 0"},
        {"packet-ports-per-minute = 61\n", "packet-ports-per-minute must be 1-60, not 61"},
        {"[peer.a]\naddress = 192.0.2.1\nenabled = maybe\n", "enabled must be yes or no"},
        {"[peer.a]\naddress = 192.0.2.1\nike-version = 3\n", "ike-version must be 1 or 2, not '3'"},
        {std::string(minimal_peer) + "ike-version = 1\nbackends = native\n",
         "the native backend speaks IKEv2 only, and this peer has ike-version = 1: use vici"},
        {std::string(minimal_peer) + "ike-version = 1\n",
         "no backend possible for an IKEv1 peer (native speaks IKEv2 only)"},
        {"[peer.a]\naddress = 192.0.2.1\nimplementation = openswan\n",
         "implementation must be strongswan, libreswan or other, not 'openswan'"},
        {"[peer.a]\naddress = 192.0.2.1\npsk = x\npsk-file = /x\n", "not both"},
        {"[peer.a]\naddress = 192.0.2.1\npsk = 0xabc\nlocal-id = a\nremote-id = b\n",
         "psk is not a valid key"},
        {"[peer.a]\naddress = 192.0.2.1\npsk = x\nlocal-id = a\nremote-id = b\n"
         "proposals = aes256-md5\n",
         "proposal 'aes256-md5'"},
        {"[peer.a]\naddress = 192.0.2.1\nadress = 192.0.2.1\n", "unknown key 'adress'"},
        {"[peer.a]\naddress = 192.0.2.1\naddress = 192.0.2.2\n", "address is set twice"},
        {"max-exchanges = 0\n", "max-exchanges must be 1-256"},
        {"max-queued = 65537\n", "max-queued must be 0-65536, not 65537"},
        {"log-level = loud\n", "log-level must be error"},
        {"retransmit-timeout = 5\n", "retransmit-timeout must be 10-60000 ms"},
        {"hold-down = soon\n", "hold-down"},
        {"", "no [peer.NAME] section"},
        {std::string(minimal_peer) + "[peer.b]\naddress = 192.0.2.1\npsk = x\nlocal-id = a\n"
                                     "remote-id = b\n",
         "address 192.0.2.1 is already used by [peer.a]"},
    };
    for (const auto& c : cases) {
        auto r = parse(c.text);
        EXPECT_FALSE(r.config) << c.text;
        EXPECT_TRUE(has_error(r, c.error)) << "expected '" << c.error << "' in:\n"
                                           << joined(r.errors);
    }
}

// An IKEv1 peer: vici (B's charon speaks IKEv1) by default, never native, which speaks IKEv2.
TEST(Config, IkeV1PeerGetsViciNotNative) {
    auto r =
        parse(std::string("vici-socket = /run/charon.vici\n") + minimal_peer + "ike-version = 1\n");
    ASSERT_TRUE(r.config) << joined(r.errors);
    const auto& p = r.config->peers.at(0);
    EXPECT_EQ(p.ike_version, 1u);
    EXPECT_EQ(p.backends, std::vector<BackendKind>{BackendKind::vici});
    EXPECT_EQ(parse(minimal_peer).config->peers.at(0).ike_version, 2u);
}

// Native first for a Libreswan peer is valid, but warned about with the fix; native as a
// fallback after vici, or for a peer of unknown make, is not.
TEST(Config, NativeFirstForLibreswanIsWarnedAbout) {
    const std::string vici = "vici-socket = /run/charon.vici\n";
    auto first = parse(std::string(minimal_peer) + "implementation = libreswan\n");
    ASSERT_TRUE(first.config) << joined(first.errors);
    EXPECT_EQ(first.config->peers.at(0).implementation, PeerImplementation::libreswan);
    ASSERT_EQ(first.warnings.size(), 1u);
    EXPECT_NE(first.warnings[0].find("[peer.a]: native first for a Libreswan peer"),
              std::string::npos);
    EXPECT_NE(first.warnings[0].find("list vici or exec first"), std::string::npos);
    auto fallback = parse(vici + minimal_peer + "implementation = libreswan\n");
    ASSERT_TRUE(fallback.config) << joined(fallback.errors);
    EXPECT_TRUE(fallback.warnings.empty());
    auto unknown = parse(minimal_peer);
    ASSERT_TRUE(unknown.config);
    EXPECT_TRUE(unknown.warnings.empty());
    EXPECT_FALSE(unknown.config->peers.at(0).implementation);
    auto strongswan = parse(std::string(minimal_peer) + "implementation = strongswan\n");
    ASSERT_TRUE(strongswan.config);
    EXPECT_TRUE(strongswan.warnings.empty());
}

// Boost's own what() loops for ever on a value holding one of its placeholders.
TEST(Config, PlaceholdersInTheInputAreQuoted) {
    auto value = parse("hold-down = %value%\n");
    EXPECT_TRUE(has_error(value, "the argument ('%value%') for option 'hold-down' is invalid"))
        << joined(value.errors);
    auto line = parse("%invalid_line% %canonical_option%\n");
    EXPECT_TRUE(has_error(line, "invalid line '%invalid_line% %canonical_option%'"))
        << joined(line.errors);
}

TEST(Config, CollectsEveryError) {
    auto r = parse("bogus = 1\nlog-level = loud\n[peer.a]\naddress = nowhere\n");
    EXPECT_GE(r.errors.size(), 3u) << joined(r.errors);
}

TEST(Config, PskFileMustBePrivate) {
    TempFile open_key("0x00112233\n", 0644);
    const std::string peer = "[peer.a]\naddress = 192.0.2.1\nlocal-id = a\nremote-id = b\n"
                             "psk-file = ";
    auto r = parse(peer + open_key.path() + "\n");
    ASSERT_FALSE(r.config);
    EXPECT_TRUE(has_error(r, "run chmod 600 " + open_key.path())) << joined(r.errors);
    EXPECT_TRUE(has_error(r, "mode 0644")) << joined(r.errors);

    TempFile private_key("0x00112233\n", 0600);
    r = parse(peer + private_key.path() + "\n");
    ASSERT_TRUE(r.config) << joined(r.errors);
    EXPECT_EQ(r.config->peers[0].psk, (ike::SecureBytes{0x00, 0x11, 0x22, 0x33}));

    r = parse(peer + "/nonexistent/key\n");
    EXPECT_TRUE(has_error(r, "/nonexistent/key: No such file")) << joined(r.errors);
}

TEST(Config, InlinePskNeedsAPrivateConfigFile) {
    auto r = parse(minimal_peer, 0644);
    ASSERT_FALSE(r.config);
    EXPECT_TRUE(has_error(r, "run chmod 600 test.conf")) << joined(r.errors);
    EXPECT_TRUE(parse(minimal_peer, 0600).config);
    EXPECT_TRUE(parse(minimal_peer, std::nullopt).config); // not from a file
}

TEST(Config, LoadConfigReadsTheFileAndItsMode) {
    TempFile file(minimal_peer, 0640);
    auto r = load_config(file.path(), {});
    ASSERT_FALSE(r.config);
    EXPECT_TRUE(has_error(r, "chmod 600")) << joined(r.errors);
    chmod(file.path().c_str(), 0600);
    r = load_config(file.path(), {});
    EXPECT_TRUE(r.config) << joined(r.errors);
    r = load_config("/nonexistent/spirecoveryd.conf", {});
    EXPECT_TRUE(has_error(r, "cannot open configuration file /nonexistent/spirecoveryd.conf"));
}

TEST(Config, EveryNumberHasARangeCheckedAtBothEdges) {
    struct Bound {
        const char* option;
        unsigned min;
        unsigned max;
    };
    const Bound bounds[] = {
        {"hold-down", 0, 86400},    {"max-exchanges", 1, 256},   {"vici-timeout", 1, 300},
        {"exec-timeout", 1, 3600},  {"recovery-wait", 0, 3600},  {"retransmit-timeout", 10, 60000},
        {"retransmit-base", 1, 10}, {"retransmit-tries", 1, 20}, {"exchange-timeout", 1, 3600},
        {"max-queued", 0, 65536},
    };
    for (const auto& b : bounds) {
        const auto with = [&](const std::string& value) {
            return parse(cat(b.option, " = ", value, "\n", minimal_peer));
        };
        const std::string range = cat(b.option, " must be ", b.min, "-", b.max);
        EXPECT_TRUE(with(cat(b.min)).config) << b.option << " = " << b.min;
        EXPECT_TRUE(with(cat(b.max)).config) << b.option << " = " << b.max;
        auto above = with(cat(b.max + 1));
        EXPECT_FALSE(above.config) << b.option;
        EXPECT_TRUE(has_error(above, cat(range))) << joined(above.errors);
        EXPECT_TRUE(has_error(above, cat("not ", b.max + 1))) << joined(above.errors);
        if (b.min > 0) {
            auto below = with(cat(b.min - 1));
            EXPECT_FALSE(below.config) << b.option;
            EXPECT_TRUE(has_error(below, range)) << joined(below.errors);
        }
        // Boost would read these into an unsigned: -1 as 4294967295, 2^32 + 1 as 1.
        for (const char* absurd :
             {"-1", "-4294967295", "4294967297", "99999999999999999999", "+5", "1.5", "5s"}) {
            auto r = with(absurd);
            EXPECT_FALSE(r.config) << b.option << " = " << absurd;
            EXPECT_TRUE(has_error(r, cat("the argument ('", absurd, "') for option '", b.option,
                                         "' is invalid: ", range)))
                << joined(r.errors);
        }
    }
}

TEST(Config, TheCommandLineIsCheckedLikeTheFile) {
    po::variables_map overrides;
    po::store(po::command_line_parser(std::vector<std::string>{"--exec-timeout=-1"})
                  .options(global_options())
                  .run(),
              overrides);
    auto r = parse(minimal_peer, 0600, overrides);
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has_error(r, "for option 'exec-timeout' is invalid: exec-timeout must be 1-3600"))
        << joined(r.errors);
}

TEST(Config, PskFileIsRefusedWhenALinkForeignEmptyOrOpen) {
    const std::string peer = "[peer.a]\naddress = 192.0.2.1\nlocal-id = a\nremote-id = b\n"
                             "psk-file = ";
    TempFile key("0x00112233\n", 0600);
    const std::string link = key.path() + ".link";
    ASSERT_EQ(symlink(key.path().c_str(), link.c_str()), 0);
    auto r = parse(peer + link + "\n");
    std::filesystem::remove(link);
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has_error(r, "psk-file " + link + " is a symbolic link")) << joined(r.errors);

    TempFile empty("", 0600);
    r = parse(peer + empty.path() + "\n");
    EXPECT_TRUE(has_error(r, "psk-file " + empty.path() + " is empty")) << joined(r.errors);
    TempFile blank("  \n0x00112233\n", 0600); // the key is the first line
    r = parse(peer + blank.path() + "\n");
    EXPECT_TRUE(has_error(r, "is empty")) << joined(r.errors);

    TempFile open_key("0x00112233\n", 0644);
    r = parse(peer + open_key.path() + "\n");
    EXPECT_TRUE(has_error(r, "mode 0644")) << joined(r.errors);

    // Owned by another user: only root can make such a file.
    if (geteuid() == 0) {
        TempFile foreign("0x00112233\n", 0600);
        ASSERT_EQ(chown(foreign.path().c_str(), 65534, 65534), 0);
        r = parse(peer + foreign.path() + "\n");
        EXPECT_FALSE(r.config);
        EXPECT_TRUE(has_error(r, "is owned by uid 65534, not by root or the daemon's uid"))
            << joined(r.errors);
    } else {
        GTEST_SKIP() << "needs root to give a file to another user";
    }
}

TEST(Config, PskFileKeyWithoutNewlineOrWithCrLf) {
    const std::string peer = "[peer.a]\naddress = 192.0.2.1\nlocal-id = a\nremote-id = b\n"
                             "psk-file = ";
    TempFile bare("0x00112233", 0600);
    auto r = parse(peer + bare.path() + "\n");
    ASSERT_TRUE(r.config) << joined(r.errors);
    EXPECT_EQ(r.config->peers[0].psk, (ike::SecureBytes{0x00, 0x11, 0x22, 0x33}));
    TempFile crlf("secret text\r\nsecond line\n", 0600);
    r = parse(peer + crlf.path() + "\n");
    ASSERT_TRUE(r.config) << joined(r.errors);
    EXPECT_EQ(r.config->peers[0].psk,
              ike::to_secure(ike::ByteView(reinterpret_cast<const uint8_t*>("secret text"), 11)));
}

TEST(Config, PrefixPeersForHubs) {
    const auto r = parse(R"(
vici-socket = /run/charon.vici
[peer.hub]
address = 198.51.100.0/24
[peer.one]
address = 198.51.100.7
vici-proposals = aes256gcm16-prfsha256-x25519
vici-esp-proposals = aes256gcm16
[peer.v6]
address = 2001:db8:5::/48
[peer.host32]
address = 192.0.2.1/32
)");
    ASSERT_TRUE(r.config) << joined(r.errors);
    const auto& peers = r.config->peers;
    EXPECT_EQ(peers[0].prefix_len, 24u);
    EXPECT_TRUE(peers[0].is_prefix());
    EXPECT_EQ(peers[0].address_text(), "198.51.100.0/24");
    EXPECT_EQ(peers[0].backends, std::vector<BackendKind>{BackendKind::vici});
    EXPECT_FALSE(peers[1].is_prefix());
    EXPECT_EQ(peers[1].vici_proposals, "aes256gcm16-prfsha256-x25519");
    EXPECT_EQ(peers[1].vici_esp_proposals, "aes256gcm16");
    EXPECT_EQ(peers[2].address_text(), "2001:db8:5::/48");
    EXPECT_FALSE(peers[3].is_prefix()) << "a /32 is one address";
    EXPECT_EQ(peers[3].address_text(), "192.0.2.1");
    // One address beats a prefix covering it; the prefix takes the rest.
    const auto ip = [](const char* t) { return *ike::IpAddress::parse(t); };
    EXPECT_EQ(r.config->find_peer(ip("198.51.100.7"))->name, "one");
    EXPECT_EQ(r.config->find_peer(ip("198.51.100.8"))->name, "hub");
    EXPECT_EQ(r.config->find_peer(ip("2001:db8:5:1::9"))->name, "v6");
    EXPECT_EQ(r.config->find_peer(ip("198.51.101.1")), nullptr);
    EXPECT_EQ(r.config->find_peer(ip("2001:db8:6::1")), nullptr);
}

TEST(Config, PrefixErrors) {
    const std::pair<const char*, const char*> cases[] = {
        {"address = 198.51.100.1/24", "no host bits set"},
        {"address = 198.51.100.0/33", "is not an IPv4 or IPv6 address or prefix"},
        {"address = 198.51.100.0/", "is not an IPv4 or IPv6 address or prefix"},
        {"address = 198.51.100.0/x", "is not an IPv4 or IPv6 address or prefix"},
        {"address = 2001:db8::/129", "is not an IPv4 or IPv6 address or prefix"},
        {"address = 198.51.100.0/24\nbackends = native\nlocal-id = b\nremote-id = a\npsk = k",
         "the native backend needs one address, not the prefix 198.51.100.0/24: use vici or "
         "exec"},
        {"address = 198.51.100.0/24\nbackends = exec\nexec-command = /bin/true\n"
         "vici-proposals = aes256 sha256",
         "vici-proposals 'aes256 sha256' must be one swanctl.conf proposals value"},
    };
    for (const auto& [peer, error] : cases) {
        const auto r = parse(std::string("[peer.h]\n") + peer + "\n");
        EXPECT_TRUE(has_error(r, error)) << peer << "\n" << joined(r.errors);
    }
    const auto dup = parse("[peer.a]\naddress = 198.51.100.0/24\nbackends = exec\n"
                           "exec-command = /bin/true\n[peer.b]\naddress = 198.51.100.0/24\n"
                           "backends = exec\nexec-command = /bin/true\n"
                           "[peer.c]\naddress = 198.51.100.0/25\nbackends = exec\n"
                           "exec-command = /bin/true\n");
    EXPECT_TRUE(has_error(dup, "[peer.b]: address 198.51.100.0/24 is already used by [peer.a]"))
        << joined(dup.errors);
    EXPECT_EQ(dup.errors.size(), 1u) << "a longer prefix inside another is allowed";
}
