// SPDX-License-Identifier: GPL-2.0
// A minimal IKEv2 responder for the state-machine tests, built from the library's own codec
// and crypto. It answers IKE_SA_INIT, IKE_AUTH (PSK) and INFORMATIONAL the way strongSwan
// does, can be told to misbehave, and records what it saw.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ike/lib/address.h"
#include "ike/lib/identity.h"
#include "ike/lib/message.h"
#include "ike/lib/message_protection.h"
#include "ike/lib/proposal.h"
#include "ike/test/test_util.h"

namespace spirecovery::ike::test {

struct ResponderOptions {
    Endpoint endpoint;                       // where it listens; goes into its NAT detection hashes
    Identity id;                             // its IDr
    SecureBytes psk;                         // verifies the initiator's AUTH
    std::optional<SecureBytes> own_auth_psk; // computes its own AUTH with this instead (a forger)
    NegotiatedSuite suite;                   // the only suite it accepts
    bool advertise_childless = true;
    bool require_cookie = false;
    bool refuse_proposal = false; // answers NO_PROPOSAL_CHOSEN
    bool reject_auth = false;     // answers AUTHENTICATION_FAILED
};

struct Observed {
    unsigned sa_init_requests = 0;
    std::vector<DhGroup> ke_groups;
    std::vector<Spi> initiator_spis;
    bool cookie_returned = false;
    bool nat_detection_matched = false; // the initiator hashed the addresses we saw
    bool authenticated_initiator = false;
    bool initial_contact = false;
    bool childless = false;
    std::optional<Identity> initiator_id;
    std::optional<Identity> requested_responder_id;
    std::optional<NotifyPayload> invalid_spi;
    bool deleted = false;
};

class ScriptedResponder {
public:
    explicit ScriptedResponder(ResponderOptions options);

    // Answers one request (IKE message without non-ESP marker) from `from`. Nothing for what
    // it would drop. A retransmitted request gets the cached response, as RFC 7296 2.1 asks.
    std::optional<Bytes> respond(ByteView request, const Endpoint& from);

    const Observed& observed() const { return observed_; }
    Spi spi_r() const { return spi_r_; }
    // A correctly protected response, for tests that build their own (valid) replies.
    Bytes seal_response(ExchangeType exchange, std::uint32_t message_id,
                        const std::vector<Payload>& payloads);

private:
    std::optional<Bytes> handle_sa_init(const Message& request, ByteView raw, const Endpoint& from);
    std::optional<Bytes> handle_auth(const Message& request);
    std::optional<Bytes> handle_informational(const Message& request);
    Bytes unprotected_response(const Message& request, std::vector<Payload> payloads) const;

    ResponderOptions options_;
    Observed observed_;
    CountingRandom random_{0x51};
    Bytes cookie_{0xc0, 0x0c, 0x1e};
    Spi spi_i_{};
    Spi spi_r_{};
    Bytes nonce_i_;
    Bytes nonce_r_;
    Bytes sa_init_request_;
    Bytes sa_init_response_;
    SecureBytes sk_pi_;
    SecureBytes sk_pr_;
    std::optional<MessageProtection> inbound_;
    std::optional<MessageProtection> outbound_;
    Bytes last_request_;
    Bytes last_response_;
};

} // namespace spirecovery::ike::test
