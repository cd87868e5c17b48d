// SPDX-License-Identifier: GPL-2.0
// The recovery state machine against the scripted responder, over a simulated link that can
// lose, duplicate, delay and forge datagrams. Time is simulated: each test runs in
// microseconds whatever the retransmission schedule.
#include <deque>
#include <functional>

#include <gtest/gtest.h>

#include "ike/lib/recovery_exchange.h"
#include "ike/test/scripted_responder.h"

namespace spirecovery::ike {
namespace {

using namespace std::chrono_literals;
using test::ResponderOptions;
using test::ScriptedResponder;
using test::text;

const Endpoint initiator_endpoint{*IpAddress::parse("198.51.100.2"), 41000};
const Endpoint responder_endpoint{*IpAddress::parse("198.51.100.1"), ike_port};
constexpr std::uint32_t stale_spi = 0xc0ffee01;

RecoveryConfig default_config() {
    RecoveryConfig config;
    config.local = initiator_endpoint;
    config.remote = responder_endpoint;
    config.local_id = Identity::parse("b.example").value();
    config.remote_id = Identity::parse("a.example").value();
    config.psk = to_secure(text("shared secret of a and b"));
    config.proposals = {IkeProposal::parse("aes256gcm16-prfsha256-x25519-ecp256").value(),
                        IkeProposal::parse("aes128-aes256-sha256-sha512-ecp256-modp2048").value()};
    config.stale_sa = StaleSa{stale_spi, ProtocolId::esp};
    return config;
}

ResponderOptions default_responder() {
    ResponderOptions options;
    options.endpoint = responder_endpoint;
    options.id = Identity::parse("a.example").value();
    options.psk = to_secure(text("shared secret of a and b"));
    options.suite = {
        {EncryptionId::aes_gcm_16, 256}, PrfId::hmac_sha2_256, {}, DhGroup::curve25519};
    return options;
}

// Fresh key pairs that remembers what it handed out, and may take simulated time doing it
// (a slow host generating a MODP key).
class RecordingDhKeys final : public crypto::DhKeySource {
public:
    explicit RecordingDhKeys(test::ManualClock& clock) : clock_(clock) {}
    crypto::DhKey take(DhGroup group) override {
        clock_.advance(generation_time);
        crypto::DhKey key = crypto::DhKey::generate(group);
        taken.push_back({group, key.public_value()});
        return key;
    }

    Milliseconds generation_time{0};
    std::vector<std::pair<DhGroup, Bytes>> taken;

private:
    test::ManualClock& clock_;
};

// One datagram in flight towards the initiator.
struct Arrival {
    Bytes message;
    Endpoint from;
};

class Link {
public:
    Link(RecoveryConfig config, ResponderOptions options)
        : seen_from(config.local), peer_address(options.endpoint.address),
          responder(std::move(options)), exchange(std::move(config), random, keys, clock) {}

    // Impairments. `lose_request(n)` drops the n-th request sent (0-based); `deliver` turns a
    // response into the datagrams that actually arrive (default: just it).
    std::function<bool(unsigned)> lose_request = [](unsigned) { return false; };
    std::function<std::vector<Bytes>(unsigned, const Bytes&)> deliver =
        [](unsigned, const Bytes& response) { return std::vector<Bytes>{response}; };
    // The source address the responder sees (a NAT rewrites it).
    Endpoint seen_from;
    // The daemon's answer to ConfirmAuth: a reason to abort, or nothing to proceed.
    std::function<std::optional<std::string>()> confirm = [] { return std::nullopt; };
    unsigned confirmations = 0;

    // Runs until Done; fails the test on a hang (no timer and nothing to deliver) or after a
    // step limit.
    Done run() {
        Actions actions = exchange.start();
        for (int step = 0; step < 1000; ++step) {
            for (const Action& action : actions) {
                if (auto done = handle(action))
                    return *done;
            }
            if (confirm_pending) {
                confirm_pending = false;
                ++confirmations;
                const auto abort = confirm();
                actions = exchange.confirm_auth(!abort, abort.value_or(""));
            } else if (!in_flight.empty()) {
                Arrival arrival = std::move(in_flight.front());
                in_flight.pop_front();
                actions = exchange.on_datagram(arrival.message, arrival.from);
            } else if (deadline) {
                EXPECT_GE(*deadline, clock.now());
                clock.set(*deadline);
                deadline.reset();
                actions = exchange.on_timer();
            } else {
                ADD_FAILURE() << "exchange neither finished nor armed a timer";
                return Done{false, "hang"};
            }
        }
        ADD_FAILURE() << "no result after 1000 steps";
        return Done{false, "step limit"};
    }

    bool logged(const std::string& fragment) const {
        return std::any_of(logs.begin(), logs.end(), [&](const Log& log) {
            return log.text.find(fragment) != std::string::npos;
        });
    }

    IpAddress peer_address;
    test::CountingRandom random;
    const TimePoint start = TimePoint{} + 1000s;
    test::ManualClock clock{start};
    RecordingDhKeys keys{clock};
    ScriptedResponder responder;
    RecoveryExchange exchange;
    std::optional<TimePoint> deadline;
    std::vector<Send> sent;
    std::vector<TimePoint> send_times;
    std::vector<Log> logs;
    std::deque<Arrival> in_flight;
    unsigned responses = 0;

private:
    std::optional<Done> handle(const Action& action) {
        if (const auto* send = std::get_if<Send>(&action)) {
            const unsigned index = static_cast<unsigned>(sent.size());
            sent.push_back(*send);
            send_times.push_back(clock.now());
            if (lose_request(index))
                return std::nullopt;
            if (auto response = responder.respond(send->message, seen_from)) {
                const Endpoint from{peer_address, send->destination_port};
                for (Bytes& datagram : deliver(responses++, *response))
                    in_flight.push_back(Arrival{std::move(datagram), from});
            }
        } else if (const auto* timer = std::get_if<ArmTimer>(&action)) {
            deadline = timer->deadline;
        } else if (const auto* log = std::get_if<Log>(&action)) {
            logs.push_back(*log);
        } else if (const auto* done = std::get_if<Done>(&action)) {
            EXPECT_TRUE(exchange.finished());
            return *done;
        } else if (std::holds_alternative<ConfirmAuth>(action)) {
            EXPECT_FALSE(exchange.finished());
            confirm_pending = true;
        }
        return std::nullopt;
    }

    bool confirm_pending = false;
};

Bytes stale_spi_bytes() {
    return {0xc0, 0xff, 0xee, 0x01};
}

void expect_full_recovery(const Link& link) {
    const test::Observed& seen = link.responder.observed();
    EXPECT_TRUE(seen.nat_detection_matched);
    EXPECT_TRUE(seen.authenticated_initiator);
    EXPECT_TRUE(seen.initial_contact);
    EXPECT_TRUE(seen.childless);
    EXPECT_EQ(seen.initiator_id, Identity::parse("b.example").value());
    ASSERT_TRUE(seen.invalid_spi);
    EXPECT_EQ(seen.invalid_spi->protocol, ProtocolId::none);
    EXPECT_TRUE(seen.invalid_spi->spi.empty());
    EXPECT_EQ(seen.invalid_spi->data, stale_spi_bytes());
    EXPECT_TRUE(seen.deleted);
}

// HDR, SAi1, KEi, Ni, N(NATD_S), N(NATD_D) --> ... --> HDR, SK {D} --> <-- HDR, SK {}
TEST(RecoveryExchange, Succeeds) {
    Link link(default_config(), default_responder());
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_NE(done.reason.find("INITIAL_CONTACT"), std::string::npos);
    expect_full_recovery(link);
    EXPECT_EQ(link.responder.observed().requested_responder_id,
              Identity::parse("a.example").value());
    ASSERT_EQ(link.sent.size(), 4u); // IKE_SA_INIT, IKE_AUTH, INFORMATIONAL x2
    for (std::uint32_t i = 0; i < link.sent.size(); ++i) {
        EXPECT_EQ(link.sent[i].destination_port, ike_port);
        EXPECT_FALSE(link.sent[i].non_esp_marker);
        const auto header = decode_header(link.sent[i].message);
        ASSERT_TRUE(header) << header.error().message;
        EXPECT_EQ(header->header.message_id, i);
    }
    for (const char* step :
         {"sending IKE_SA_INIT", "IKE_SA_INIT done", "sending IKE_AUTH", "IKE SA established",
          "N(INVALID_SPI) for 0xc0ffee01", "sending INFORMATIONAL D(IKE)", "recovery succeeded"})
        EXPECT_TRUE(link.logged(step)) << step;
}

TEST(RecoveryExchange, AsksBeforeIkeAuthWhenConfigured) {
    RecoveryConfig config = default_config();
    config.confirm_before_auth = true;
    Link link(std::move(config), default_responder());
    // While the exchange waits, nothing has gone out but IKE_SA_INIT.
    link.confirm = [&]() -> std::optional<std::string> {
        EXPECT_EQ(link.sent.size(), 1u);
        return std::nullopt;
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_EQ(link.confirmations, 1u);
    expect_full_recovery(link);
}

TEST(RecoveryExchange, AbortsBeforeIkeAuthWithoutSendingIt) {
    RecoveryConfig config = default_config();
    config.confirm_before_auth = true;
    Link link(std::move(config), default_responder());
    link.confirm = [] { return std::optional<std::string>("an SA with the peer appeared"); };
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_EQ(done.reason, "not sending IKE_AUTH: an SA with the peer appeared");
    EXPECT_EQ(link.confirmations, 1u);
    ASSERT_EQ(link.sent.size(), 1u); // IKE_SA_INIT only
    EXPECT_FALSE(link.responder.observed().initial_contact);
    EXPECT_FALSE(link.responder.observed().authenticated_initiator);
    // The daemon's decision, not a failure of the exchange.
    EXPECT_TRUE(link.logged("recovery called off: not sending IKE_AUTH"));
    EXPECT_TRUE(std::none_of(link.logs.begin(), link.logs.end(),
                             [](const Log& log) { return log.level == LogLevel::error; }));
}

TEST(RecoveryExchange, DoesNotAskByDefault) {
    Link link(default_config(), default_responder());
    EXPECT_TRUE(link.run().success);
    EXPECT_EQ(link.confirmations, 0u);
}

struct SuiteCase {
    const char* name;
    NegotiatedSuite suite;
};

class RecoveryExchangeSuites : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(RecoveryExchangeSuites, Succeeds) {
    ResponderOptions responder = default_responder();
    responder.suite = GetParam().suite;
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
}

INSTANTIATE_TEST_SUITE_P(
    RecoveryExchange, RecoveryExchangeSuites,
    ::testing::Values(
        SuiteCase{"gcm256_ecp256",
                  {{EncryptionId::aes_gcm_16, 256}, PrfId::hmac_sha2_256, {}, DhGroup::ecp_256}},
        SuiteCase{"cbc128_sha256_ecp256",
                  {{EncryptionId::aes_cbc, 128},
                   PrfId::hmac_sha2_256,
                   IntegrityId::hmac_sha2_256_128,
                   DhGroup::ecp_256}},
        SuiteCase{"cbc256_sha512_modp2048",
                  {{EncryptionId::aes_cbc, 256},
                   PrfId::hmac_sha2_512,
                   IntegrityId::hmac_sha2_512_256,
                   DhGroup::modp_2048}}),
    [](const ::testing::TestParamInfo<SuiteCase>& info) { return info.param.name; });

TEST(RecoveryExchange, RetransmitsLostPacketsWithBackoff) {
    Link link(default_config(), default_responder());
    // Lose the first two IKE_SA_INIT requests and the first IKE_AUTH response.
    link.lose_request = [](unsigned index) { return index < 2; };
    link.deliver = [](unsigned index, const Bytes& response) {
        return index == 1 ? std::vector<Bytes>{} : std::vector<Bytes>{response};
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
    ASSERT_EQ(link.sent.size(), 7u);
    EXPECT_EQ(link.sent[0].message, link.sent[1].message); // retransmissions are identical
    EXPECT_EQ(link.sent[1].message, link.sent[2].message);
    EXPECT_EQ(link.sent[3].message, link.sent[4].message);
    EXPECT_EQ(link.send_times[1] - link.send_times[0], 500ms);
    EXPECT_EQ(link.send_times[2] - link.send_times[1], 1000ms);
    EXPECT_EQ(link.send_times[4] - link.send_times[3], 500ms);
    EXPECT_TRUE(link.logged("retransmitting IKE_SA_INIT request (3/5)"));
    EXPECT_EQ(link.responder.observed().sa_init_requests, 1u); // only one got through
}

TEST(RecoveryExchange, IgnoresDuplicatedResponses) {
    Link link(default_config(), default_responder());
    link.deliver = [](unsigned, const Bytes& response) {
        return std::vector<Bytes>{response, response};
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
    EXPECT_EQ(link.sent.size(), 4u);
    EXPECT_TRUE(link.logged("(duplicate or late)"));
}

TEST(RecoveryExchange, IgnoresLateResponses) {
    Link link(default_config(), default_responder());
    std::vector<Bytes> earlier;
    link.deliver = [&](unsigned, const Bytes& response) {
        std::vector<Bytes> arriving = earlier; // every earlier response arrives again first
        arriving.push_back(response);
        earlier.push_back(response);
        return arriving;
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
    EXPECT_EQ(link.sent.size(), 4u);
}

TEST(RecoveryExchange, DropsMalformedResponses) {
    Link link(default_config(), default_responder());
    link.deliver = [](unsigned, const Bytes& response) {
        Bytes truncated(response.begin(), response.end() - 5);
        Bytes bad_length = response;
        bad_length[27] ^= 0x01;
        Bytes bad_chain = response;
        bad_chain[header_size + 2] = 0xff; // first payload's length runs past the end
        Bytes unsupported_critical = response;
        unsupported_critical[16] = 200;                // first payload: private type 200...
        unsupported_critical[header_size + 1] |= 0x80; // ...marked critical
        return std::vector<Bytes>{Bytes{},   Bytes(3, 0),          truncated,        bad_length,
                                  bad_chain, unsupported_critical, Bytes(300, 0x2a), response};
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
    EXPECT_EQ(link.sent.size(), 4u);
    EXPECT_TRUE(link.logged("malformed message"));
}

TEST(RecoveryExchange, DropsForgedResponses) {
    Link link(default_config(), default_responder());
    link.deliver = [](unsigned index, const Bytes& response) {
        Bytes wrong_spi_i = response;
        wrong_spi_i[0] ^= 0xff;
        Bytes wrong_spi_r = response;
        wrong_spi_r[8] ^= 0xff;
        Bytes wrong_message_id = response;
        wrong_message_id[23] ^= 0x40;
        Bytes request_flag = response;
        request_flag[19] = 0x08; // Initiator set, Response clear
        std::vector<Bytes> arriving{wrong_spi_i, wrong_message_id, request_flag};
        if (index > 0) { // protected responses: forged ICV and unknown responder SPI
            Bytes bad_icv = response;
            bad_icv.back() ^= 0x01;
            Bytes bad_ciphertext = response;
            bad_ciphertext[header_size + generic_header_size + 20] ^= 0x01;
            arriving.insert(arriving.end(), {bad_icv, bad_ciphertext, wrong_spi_r});
        }
        arriving.push_back(response);
        return arriving;
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
    EXPECT_EQ(link.sent.size(), 4u);
    EXPECT_TRUE(link.logged("unknown initiator SPI"));
    EXPECT_TRUE(link.logged("unknown responder SPI"));
    EXPECT_TRUE(link.logged("AES-GCM authentication"));
}

TEST(RecoveryExchange, DropsDatagramsFromOtherEndpoints) {
    Link link(default_config(), default_responder());
    link.deliver = [&](unsigned, const Bytes& response) {
        // The same bytes from another host first: must not be taken as the answer.
        const Endpoint stranger{*IpAddress::parse("203.0.113.9"), ike_port};
        link.in_flight.push_back(Arrival{response, stranger});
        return std::vector<Bytes>{response};
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_TRUE(link.logged("unexpected 203.0.113.9:500"));
}

TEST(RecoveryExchange, IgnoresRequestsFromPeer) {
    Link link(default_config(), default_responder());
    link.deliver = [&](unsigned index, const Bytes& response) {
        std::vector<Bytes> arriving;
        if (index == 2) { // a peer-initiated INFORMATIONAL request on our IKE SA
            Bytes request = link.responder.seal_response(ExchangeType::informational, 0, {});
            request[19] = 0x00; // clear Response
            arriving.push_back(request);
        }
        arriving.push_back(response);
        return arriving;
    };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_TRUE(link.logged("peer sent a request"));
}

TEST(RecoveryExchange, RetriesWithRequestedGroup) {
    ResponderOptions responder = default_responder();
    responder.suite.dh_group = DhGroup::ecp_256;
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
    const test::Observed& seen = link.responder.observed();
    EXPECT_EQ(seen.ke_groups, (std::vector<DhGroup>{DhGroup::curve25519, DhGroup::ecp_256}));
    ASSERT_EQ(seen.initiator_spis.size(), 2u);
    EXPECT_EQ(seen.initiator_spis[0], seen.initiator_spis[1]);
    EXPECT_TRUE(link.logged("INVALID_KE_PAYLOAD"));
}

// The KE payload carries the key pair the exchange took from its key source, one per
// IKE_SA_INIT variant: a retry with another group takes a second, never reuses the first.
TEST(RecoveryExchange, TakesOneKeyPairPerKePayload) {
    ResponderOptions responder = default_responder();
    responder.suite.dh_group = DhGroup::ecp_256;
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    ASSERT_EQ(link.keys.taken.size(), 2u);
    EXPECT_EQ(link.keys.taken[0].first, DhGroup::curve25519);
    EXPECT_EQ(link.keys.taken[1].first, DhGroup::ecp_256);
    ASSERT_GE(link.sent.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto request = decode_message(link.sent[i].message);
        ASSERT_TRUE(request) << request.error().message;
        const auto* ke = find_payload<KePayload>(request->payloads);
        ASSERT_TRUE(ke);
        EXPECT_EQ(ke->group, link.keys.taken[i].first);
        EXPECT_EQ(ke->data, link.keys.taken[i].second);
    }
}

// A slow key generation must not shorten the peer's time to answer: the retransmission
// deadline counts from the moment the request is ready to go, not from start().
TEST(RecoveryExchange, RetransmitDeadlineCountsFromTheSend) {
    Link link(default_config(), default_responder());
    link.keys.generation_time = 300ms;
    link.lose_request = [](unsigned index) { return index == 0; };
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    ASSERT_GE(link.send_times.size(), 2u);
    EXPECT_EQ(link.send_times[0] - link.start, 300ms);
    EXPECT_EQ(link.send_times[1] - link.send_times[0], 500ms); // initial_timeout
    EXPECT_EQ(link.sent[0].message, link.sent[1].message);
}

// After lost events the daemon does not know the stale SPI: no N(INVALID_SPI) for a made-up
// one; the Delete follows IKE_AUTH with the next Message ID.
TEST(RecoveryExchange, UnknownStaleSpiIsNotReported) {
    RecoveryConfig config = default_config();
    config.stale_sa.spi.reset();
    Link link(config, default_responder());
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_NE(done.reason.find("SPI unknown, not reported"), std::string::npos) << done.reason;
    const test::Observed& seen = link.responder.observed();
    EXPECT_TRUE(seen.initial_contact);
    EXPECT_FALSE(seen.invalid_spi);
    EXPECT_TRUE(seen.deleted);
    ASSERT_EQ(link.sent.size(), 3u); // IKE_SA_INIT, IKE_AUTH, INFORMATIONAL(Delete)
    for (std::uint32_t i = 0; i < 3; ++i) {
        const auto header = decode_header(link.sent[i].message);
        ASSERT_TRUE(header) << header.error().message;
        EXPECT_EQ(header->header.message_id, i);
    }
    EXPECT_TRUE(link.logged("stale ESP SA (SPI unknown)"));
    EXPECT_FALSE(link.logged("INVALID_SPI"));
}

TEST(RecoveryExchange, FailsWhenRequestedGroupIsNotConfigured) {
    ResponderOptions responder = default_responder();
    responder.suite.dh_group = DhGroup::modp_2048; // only in the second proposal, with CBC
    RecoveryConfig config = default_config();
    config.proposals.pop_back();
    responder.suite.encryption = {EncryptionId::aes_gcm_16, 256};
    Link link(config, responder);
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_NE(done.reason.find("NO_PROPOSAL_CHOSEN"), std::string::npos) << done.reason;

    // A group we offer nowhere, asked for by INVALID_KE_PAYLOAD.
    Link asks_unknown(config, default_responder());
    asks_unknown.deliver = [](unsigned, const Bytes& response) {
        Message reply = decode_message(response).value();
        reply.payloads = {NotifyPayload{ProtocolId::none,
                                        {},
                                        NotifyType::invalid_ke_payload,
                                        {0, std::uint8_t(DhGroup::modp_2048)}}};
        return std::vector<Bytes>{encode_message(reply)};
    };
    const Done refused = asks_unknown.run();
    EXPECT_FALSE(refused.success);
    EXPECT_NE(refused.reason.find("MODP_2048, not configured"), std::string::npos)
        << refused.reason;
}

TEST(RecoveryExchange, ReturnsCookie) {
    ResponderOptions responder = default_responder();
    responder.require_cookie = true;
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    expect_full_recovery(link);
    const test::Observed& seen = link.responder.observed();
    EXPECT_TRUE(seen.cookie_returned);
    EXPECT_EQ(seen.sa_init_requests, 2u);
    EXPECT_EQ(seen.initiator_spis[0], seen.initiator_spis[1]); // RFC 7296 2.6: same SPIi
}

TEST(RecoveryExchange, CookieAndInvalidKeTogether) {
    ResponderOptions responder = default_responder();
    responder.require_cookie = true;
    responder.suite.dh_group = DhGroup::ecp_256;
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_EQ(link.responder.observed().sa_init_requests, 3u);
}

TEST(RecoveryExchange, FailsOnNoProposalChosen) {
    ResponderOptions responder = default_responder();
    responder.refuse_proposal = true;
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_EQ(done.reason, "peer refused IKE_SA_INIT with NO_PROPOSAL_CHOSEN");
    EXPECT_EQ(link.sent.size(), 1u);
}

TEST(RecoveryExchange, FailsOnAuthenticationFailed) {
    ResponderOptions responder = default_responder();
    responder.psk = to_secure(text("another secret"));
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_EQ(done.reason, "peer rejected IKE_AUTH with AUTHENTICATION_FAILED");
    EXPECT_EQ(link.sent.size(), 2u);
}

TEST(RecoveryExchange, FailsWhenPeerAuthIsWrong) {
    ResponderOptions responder = default_responder();
    responder.own_auth_psk = to_secure(text("not the shared secret"));
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_EQ(done.reason, "authentication of peer failed: AUTH does not match the PSK");
    EXPECT_FALSE(link.responder.observed().invalid_spi); // nothing sent on an unverified SA
}

TEST(RecoveryExchange, FailsWhenPeerIdentityDiffers) {
    ResponderOptions responder = default_responder();
    responder.id = Identity::parse("mallory.example").value();
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_NE(done.reason.find("authentication of peer failed: it identified as "
                               "mallory.example, expected a.example"),
              std::string::npos)
        << done.reason;
}

TEST(RecoveryExchange, AcceptsAnyPeerIdentityWhenNoneConfigured) {
    RecoveryConfig config = default_config();
    config.remote_id.reset();
    Link link(config, default_responder());
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_FALSE(link.responder.observed().requested_responder_id);
}

TEST(RecoveryExchange, FailsWithoutChildlessSupport) {
    ResponderOptions responder = default_responder();
    responder.advertise_childless = false;
    Link link(default_config(), responder);
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_EQ(done.reason, "peer does not support childless IKE SAs (RFC 6023)");
    EXPECT_EQ(link.sent.size(), 1u);
}

TEST(RecoveryExchange, GivesUpAfterMaxTransmissions) {
    Link link(default_config(), default_responder());
    link.lose_request = [](unsigned) { return true; };
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_EQ(done.reason,
              "no response after 5 transmissions waiting for the IKE_SA_INIT response");
    EXPECT_EQ(link.sent.size(), 5u);
    EXPECT_EQ(link.clock.now() - link.start, 15500ms); // 0.5 + 1 + 2 + 4 + 8 s
}

TEST(RecoveryExchange, OverallTimeoutEndsTheExchange) {
    RecoveryConfig config = default_config();
    config.retransmit.overall_timeout = 2s;
    Link link(config, default_responder());
    link.lose_request = [](unsigned) { return true; };
    const Done done = link.run();
    EXPECT_FALSE(done.success);
    EXPECT_NE(done.reason.find("overall timeout of 2.0 s expired"), std::string::npos)
        << done.reason;
    EXPECT_EQ(link.clock.now() - link.start, 2s);
}

TEST(RecoveryExchange, SilenceAfterAuthenticationStillCountsAsRecovery) {
    Link link(default_config(), default_responder());
    link.lose_request = [](unsigned index) { return index >= 2; }; // INFORMATIONALs lost
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_NE(done.reason.find("waiting for the INFORMATIONAL(INVALID_SPI) response"),
              std::string::npos)
        << done.reason;
}

TEST(RecoveryExchange, SwitchesToNatTPortWhenNatDetected) {
    Link link(default_config(), default_responder());
    link.seen_from = Endpoint{*IpAddress::parse("203.0.113.5"), 62000}; // our NAT's mapping
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    ASSERT_EQ(link.sent.size(), 4u);
    EXPECT_EQ(link.sent[0].destination_port, ike_port);
    EXPECT_FALSE(link.sent[0].non_esp_marker);
    for (std::size_t i = 1; i < link.sent.size(); ++i) {
        EXPECT_EQ(link.sent[i].destination_port, nat_t_port);
        EXPECT_TRUE(link.sent[i].non_esp_marker);
    }
    EXPECT_TRUE(link.logged("we are behind a NAT, switching to port 4500"));
}

// spirecoveryd's path to a peer behind a NAT: from B's port 4500 (its raw socket) to the NAT's
// mapping of the peer's 4500. The NAT detection hashes cover exactly those, so a peer that
// sees us from 4500 at our address finds no NAT on our side, and the one it does see (its
// own) shows in the destination hash.
TEST(RecoveryExchange, NatDetectionCoversTheEndpointsOnTheWire) {
    RecoveryConfig config = default_config();
    config.local.port = nat_t_port;
    config.remote_nat_t_port = 61234; // the NAT's mapping, from the stale ESP-in-UDP
    config.start_with_nat_t = true;
    ResponderOptions responder = default_responder();
    responder.endpoint.port = 61234;
    Link link(config, responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_TRUE(link.responder.observed().nat_detection_matched);
    for (const Send& send : link.sent)
        EXPECT_EQ(send.destination_port, 61234);

    // The same exchange claiming an ephemeral source port while the wire shows 4500: the
    // source hash no longer matches what the peer sees.
    RecoveryConfig lying = config;
    lying.local.port = 40000;
    Link mismatch(lying, responder);
    mismatch.seen_from = config.local;
    (void)mismatch.run();
    EXPECT_FALSE(mismatch.responder.observed().nat_detection_matched);
}

TEST(RecoveryExchange, StartsOnNatTPortWhenConfigured) {
    RecoveryConfig config = default_config();
    config.start_with_nat_t = true;
    ResponderOptions responder = default_responder();
    responder.endpoint.port = nat_t_port;
    Link link(config, responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_TRUE(link.responder.observed().nat_detection_matched);
    for (const Send& send : link.sent) {
        EXPECT_EQ(send.destination_port, nat_t_port);
        EXPECT_TRUE(send.non_esp_marker);
    }
}

TEST(RecoveryExchange, RejectsInvalidConfiguration) {
    auto expect_refused = [](RecoveryConfig config, const std::string& fragment) {
        test::CountingRandom random;
        crypto::FreshDhKeys keys;
        test::ManualClock clock;
        RecoveryExchange exchange(std::move(config), random, keys, clock);
        const Actions actions = exchange.start();
        ASSERT_FALSE(actions.empty());
        const auto* done = std::get_if<Done>(&actions.back());
        ASSERT_TRUE(done);
        EXPECT_FALSE(done->success);
        EXPECT_NE(done->reason.find(fragment), std::string::npos) << done->reason;
        EXPECT_TRUE(std::none_of(actions.begin(), actions.end(), [](const Action& action) {
            return std::holds_alternative<Send>(action);
        }));
        EXPECT_TRUE(exchange.finished());
        clock.advance(10s);
        EXPECT_TRUE(exchange.on_timer().empty());
    };
    RecoveryConfig config = default_config();
    config.proposals.clear();
    expect_refused(config, "no IKE proposals");
    config = default_config();
    config.psk.clear();
    expect_refused(config, "empty pre-shared key");
    config = default_config();
    config.local.port = 0;
    expect_refused(config, "not the socket's real address");
    config = default_config();
    config.local.address = *IpAddress::parse("2001:db8::2");
    expect_refused(config, "different families");
    config = default_config();
    config.retransmit.max_transmissions = 0;
    expect_refused(config, "retransmission policy");
    config = default_config();
    config.proposals.front().integrity.push_back(IntegrityId::hmac_sha2_256_128);
    expect_refused(config, "integrity algorithm with an AEAD cipher");
}

TEST(RecoveryExchange, NothingHappensBeforeStartOrAfterDone) {
    test::CountingRandom random;
    crypto::FreshDhKeys keys;
    test::ManualClock clock;
    RecoveryExchange exchange(default_config(), random, keys, clock);
    EXPECT_TRUE(exchange.on_timer().empty());
    EXPECT_TRUE(exchange.on_datagram(Bytes(40, 0), responder_endpoint).empty());
    EXPECT_FALSE(exchange.finished());
}

TEST(RecoveryExchange, Ipv6) {
    RecoveryConfig config = default_config();
    config.local = Endpoint{*IpAddress::parse("2001:db8::2"), 41000};
    config.remote = Endpoint{*IpAddress::parse("2001:db8::1"), ike_port};
    config.local_id = Identity::parse("2001:db8::2").value();
    ResponderOptions responder = default_responder();
    responder.endpoint = config.remote;
    Link link(config, responder);
    const Done done = link.run();
    EXPECT_TRUE(done.success) << done.reason;
    EXPECT_TRUE(link.responder.observed().nat_detection_matched);
    EXPECT_EQ(link.responder.observed().initiator_id->type, IdType::ipv6_addr);
}

} // namespace
} // namespace spirecovery::ike
