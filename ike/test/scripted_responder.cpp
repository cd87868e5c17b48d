// SPDX-License-Identifier: GPL-2.0
#include "ike/test/scripted_responder.h"

#include <algorithm>

#include "ike/lib/crypto.h"
#include "ike/lib/ike_sa_keys.h"
#include "ike/lib/nat_detection.h"
#include "ike/lib/psk_auth.h"

namespace spirecovery::ike::test {

namespace {

bool offers(const Proposal& proposal, TransformType type, std::uint16_t id,
            std::optional<std::uint16_t> key_length = std::nullopt) {
    return std::any_of(proposal.transforms.begin(), proposal.transforms.end(),
                       [&](const Transform& t) {
                           return t.type == type && t.id == id && t.key_length() == key_length;
                       });
}

std::optional<Proposal> choose(const SaPayload& sa, const NegotiatedSuite& suite) {
    for (const Proposal& proposal : sa.proposals) {
        if (offers(proposal, TransformType::encryption, std::uint16_t(suite.encryption.id),
                   suite.encryption.key_bits) &&
            offers(proposal, TransformType::prf, std::uint16_t(suite.prf)) &&
            (!suite.integrity ||
             offers(proposal, TransformType::integrity, std::uint16_t(*suite.integrity))) &&
            offers(proposal, TransformType::dh_group, std::uint16_t(suite.dh_group))) {
            Proposal chosen{proposal.number, ProtocolId::ike, {}, {}};
            chosen.transforms.push_back(Transform::with_key_length(
                TransformType::encryption, std::uint16_t(suite.encryption.id),
                suite.encryption.key_bits));
            chosen.transforms.push_back(
                Transform::make(TransformType::prf, std::uint16_t(suite.prf)));
            if (suite.integrity)
                chosen.transforms.push_back(
                    Transform::make(TransformType::integrity, std::uint16_t(*suite.integrity)));
            chosen.transforms.push_back(
                Transform::make(TransformType::dh_group, std::uint16_t(suite.dh_group)));
            return chosen;
        }
    }
    return std::nullopt;
}

NotifyPayload notify(NotifyType type, Bytes data = {}) {
    return NotifyPayload{ProtocolId::none, {}, type, std::move(data)};
}

} // namespace

ScriptedResponder::ScriptedResponder(ResponderOptions options) : options_(std::move(options)) {}

std::optional<Bytes> ScriptedResponder::respond(ByteView request, const Endpoint& from) {
    if (!last_request_.empty() &&
        std::equal(request.begin(), request.end(), last_request_.begin(), last_request_.end()))
        return last_response_;
    auto header = decode_header(request);
    if (!header || header->header.response || !header->header.initiator)
        return std::nullopt;

    std::optional<Bytes> response;
    if (header->header.exchange == ExchangeType::ike_sa_init) {
        auto message = decode_message(request);
        if (message)
            response = handle_sa_init(message.value(), request, from);
    } else if (inbound_ && header->header.spi_responder == spi_r_) {
        auto message = inbound_->open(request);
        if (message && message->header.exchange == ExchangeType::ike_auth)
            response = handle_auth(message.value());
        else if (message && message->header.exchange == ExchangeType::informational)
            response = handle_informational(message.value());
    }
    if (response) {
        last_request_.assign(request.begin(), request.end());
        last_response_ = *response;
    }
    return response;
}

Bytes ScriptedResponder::unprotected_response(const Message& request,
                                              std::vector<Payload> payloads) const {
    Message response;
    response.header = request.header;
    response.header.spi_responder = spi_r_;
    response.header.initiator = false;
    response.header.response = true;
    response.payloads = std::move(payloads);
    return encode_message(response);
}

std::optional<Bytes> ScriptedResponder::handle_sa_init(const Message& request, ByteView raw,
                                                       const Endpoint& from) {
    ++observed_.sa_init_requests;
    observed_.initiator_spis.push_back(request.header.spi_initiator);
    spi_r_ = Spi{};
    const auto* sa = find_payload<SaPayload>(request.payloads);
    const auto* ke = find_payload<KePayload>(request.payloads);
    const auto* nonce = find_payload<NoncePayload>(request.payloads);
    if (!sa || !ke || !nonce)
        return std::nullopt;
    observed_.ke_groups.push_back(ke->group);

    if (options_.require_cookie) {
        const auto* first = std::get_if<NotifyPayload>(&request.payloads.front());
        if (!first || first->type != NotifyType::cookie || first->data != cookie_)
            return unprotected_response(request, {notify(NotifyType::cookie, cookie_)});
        observed_.cookie_returned = true;
    }
    const std::optional<Proposal> chosen = choose(*sa, options_.suite);
    if (options_.refuse_proposal || !chosen)
        return unprotected_response(request, {notify(NotifyType::no_proposal_chosen)});
    if (ke->group != options_.suite.dh_group) {
        const auto group = std::uint16_t(options_.suite.dh_group);
        return unprotected_response(request,
                                    {notify(NotifyType::invalid_ke_payload,
                                            {std::uint8_t(group >> 8), std::uint8_t(group)})});
    }

    spi_i_ = request.header.spi_initiator;
    const auto* source = find_notify(request.payloads, NotifyType::nat_detection_source_ip);
    const auto* destination =
        find_notify(request.payloads, NotifyType::nat_detection_destination_ip);
    observed_.nat_detection_matched =
        source && destination && source->data == nat_detection_hash(spi_i_, Spi{}, from) &&
        destination->data == nat_detection_hash(spi_i_, Spi{}, options_.endpoint);

    random_.fill(spi_r_);
    nonce_r_.resize(32);
    random_.fill(nonce_r_);
    nonce_i_ = nonce->data;
    const crypto::DhKey dh = crypto::DhKey::generate(options_.suite.dh_group);
    auto shared = dh.shared_secret(ke->data);
    if (!shared)
        return std::nullopt;
    const IkeSaKeys keys =
        derive_ike_sa_keys(options_.suite, shared.value(), nonce_i_, nonce_r_, spi_i_, spi_r_);
    inbound_.emplace(options_.suite, keys.sk_ei, keys.sk_ai);
    outbound_.emplace(options_.suite, keys.sk_er, keys.sk_ar);
    sk_pi_ = keys.sk_pi;
    sk_pr_ = keys.sk_pr;

    std::vector<Payload> payloads{
        SaPayload{{*chosen}},
        KePayload{options_.suite.dh_group, dh.public_value()},
        NoncePayload{nonce_r_},
        notify(NotifyType::nat_detection_source_ip,
               nat_detection_hash(spi_i_, spi_r_, options_.endpoint)),
        notify(NotifyType::nat_detection_destination_ip, nat_detection_hash(spi_i_, spi_r_, from)),
        VendorIdPayload{text("scripted responder")},
    };
    if (options_.advertise_childless)
        payloads.push_back(notify(NotifyType::childless_ikev2_supported));
    sa_init_request_.assign(raw.begin(), raw.end());
    sa_init_response_ = unprotected_response(request, std::move(payloads));
    return sa_init_response_;
}

std::optional<Bytes> ScriptedResponder::handle_auth(const Message& request) {
    const IdPayload* id_i = find_id(request.payloads, false);
    const auto* auth = find_payload<AuthPayload>(request.payloads);
    if (!id_i || !auth)
        return seal_response(ExchangeType::ike_auth, request.header.message_id,
                             {notify(NotifyType::invalid_syntax)});
    observed_.initiator_id = id_i->identity;
    if (const IdPayload* id_r = find_id(request.payloads, true))
        observed_.requested_responder_id = id_r->identity;
    observed_.initial_contact = find_notify(request.payloads, NotifyType::initial_contact);
    observed_.childless =
        !find_payload<SaPayload>(request.payloads) &&
        std::none_of(request.payloads.begin(), request.payloads.end(), [](const Payload& p) {
            const PayloadType type = payload_type(p);
            return type == PayloadType::ts_initiator || type == PayloadType::ts_responder;
        });
    const SecureBytes expected = psk_auth_data(options_.suite.prf, options_.psk, sa_init_request_,
                                               nonce_r_, sk_pi_, encode_id_body(id_i->identity));
    observed_.authenticated_initiator = auth->method == AuthMethod::shared_key_mic &&
                                        crypto::equal_constant_time(expected, auth->data);
    if (!observed_.authenticated_initiator || options_.reject_auth)
        return seal_response(ExchangeType::ike_auth, request.header.message_id,
                             {notify(NotifyType::authentication_failed)});

    const SecureBytes own = psk_auth_data(
        options_.suite.prf, options_.own_auth_psk ? *options_.own_auth_psk : options_.psk,
        sa_init_response_, nonce_i_, sk_pr_, encode_id_body(options_.id));
    return seal_response(ExchangeType::ike_auth, request.header.message_id,
                         {IdPayload{true, options_.id},
                          AuthPayload{AuthMethod::shared_key_mic, Bytes(own.begin(), own.end())}});
}

std::optional<Bytes> ScriptedResponder::handle_informational(const Message& request) {
    if (const NotifyPayload* invalid_spi = find_notify(request.payloads, NotifyType::invalid_spi))
        observed_.invalid_spi = *invalid_spi;
    if (const auto* deletion = find_payload<DeletePayload>(request.payloads))
        observed_.deleted = deletion->protocol == ProtocolId::ike;
    return seal_response(ExchangeType::informational, request.header.message_id, {});
}

Bytes ScriptedResponder::seal_response(ExchangeType exchange, std::uint32_t message_id,
                                       const std::vector<Payload>& payloads) {
    return outbound_->seal(Header{spi_i_, spi_r_, exchange, false, true, message_id}, payloads,
                           random_);
}

} // namespace spirecovery::ike::test
