// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/recovery_exchange.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

#include "ike/lib/ike_sa_keys.h"
#include "ike/lib/message.h"
#include "ike/lib/message_protection.h"
#include "ike/lib/nat_detection.h"
#include "ike/lib/payloads.h"
#include "ike/lib/psk_auth.h"
#include "tools/lib/spi_text.h"

namespace spirecovery::ike {

namespace {

constexpr std::size_t nonce_size = 32;
constexpr std::size_t min_nonce_size = 16; // RFC 7296 3.9
constexpr std::size_t max_nonce_size = 256;
constexpr std::size_t max_cookie_size = 64; // RFC 7296 2.6
// Each COOKIE or INVALID_KE_PAYLOAD answer costs a round trip; a peer that keeps asking is
// broken or hostile.
constexpr unsigned max_sa_init_retries = 4;

constexpr std::uint32_t sa_init_message_id = 0;
constexpr std::uint32_t auth_message_id = 1;

std::string seconds_text(Milliseconds duration) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f s", static_cast<double>(duration.count()) / 1000.0);
    return text;
}

bool all_zero(ByteView bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

bool offers_group(const std::vector<IkeProposal>& proposals, DhGroup group) {
    return std::any_of(proposals.begin(), proposals.end(), [&](const IkeProposal& proposal) {
        return std::find(proposal.dh_groups.begin(), proposal.dh_groups.end(), group) !=
               proposal.dh_groups.end();
    });
}

Status validate_config(const RecoveryConfig& config) {
    if (config.proposals.empty())
        return Error{"no IKE proposals configured"};
    if (config.proposals.size() > 255) // Proposal Num is one octet
        return Error{"more than 255 IKE proposals"};
    for (const IkeProposal& proposal : config.proposals) {
        if (Status status = proposal.validate(); !status)
            return Error{"proposal " + proposal.to_string() + ": " + status.error().message};
    }
    if (config.psk.empty())
        return Error{"empty pre-shared key"};
    if (config.local_id.data.empty())
        return Error{"empty local identity"};
    if (config.remote_id && config.remote_id->data.empty())
        return Error{"empty remote identity"};
    if (config.local.address.family() != config.remote.address.family())
        return Error{"local and remote addresses are of different families"};
    if (config.local.port == 0 || all_zero(config.local.address.bytes()))
        return Error{"local endpoint " + config.local.to_string() +
                     " is not the socket's real address and port"};
    if (config.remote.port == 0 || config.remote_nat_t_port == 0)
        return Error{"remote port 0"};
    const RetransmitPolicy& retransmit = config.retransmit;
    if (retransmit.initial_timeout.count() <= 0 || retransmit.backoff_factor == 0 ||
        retransmit.max_transmissions == 0 || retransmit.overall_timeout.count() <= 0)
        return Error{"retransmission policy needs positive timeouts, factor and count"};
    return success();
}

SaPayload sa_payload(const std::vector<IkeProposal>& proposals) {
    SaPayload sa;
    for (std::size_t i = 0; i < proposals.size(); ++i) {
        const IkeProposal& config = proposals[i];
        Proposal proposal;
        proposal.number = static_cast<std::uint8_t>(i + 1);
        proposal.protocol = ProtocolId::ike;
        for (const EncryptionAlgorithm& encryption : config.encryption)
            proposal.transforms.push_back(Transform::with_key_length(
                TransformType::encryption, std::uint16_t(encryption.id), encryption.key_bits));
        for (PrfId prf : config.prf)
            proposal.transforms.push_back(Transform::make(TransformType::prf, std::uint16_t(prf)));
        for (IntegrityId integrity : config.integrity)
            proposal.transforms.push_back(
                Transform::make(TransformType::integrity, std::uint16_t(integrity)));
        for (DhGroup group : config.dh_groups)
            proposal.transforms.push_back(
                Transform::make(TransformType::dh_group, std::uint16_t(group)));
        sa.proposals.push_back(std::move(proposal));
    }
    return sa;
}

template <typename T>
bool contains(const std::vector<T>& list, const T& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// RFC 7296 2.7: the responder returns one proposal with exactly one transform of each type,
// and it must be one we offered.
Result<NegotiatedSuite> select_suite(const SaPayload& sa, const std::vector<IkeProposal>& offered) {
    if (sa.proposals.size() != 1)
        return Error{"responder returned " + std::to_string(sa.proposals.size()) + " proposals"};
    const Proposal& chosen = sa.proposals.front();
    if (chosen.protocol != ProtocolId::ike || chosen.number == 0 || chosen.number > offered.size())
        return Error{"responder chose proposal #" + std::to_string(chosen.number) +
                     " which we did not offer"};
    const IkeProposal& proposal = offered[chosen.number - 1];

    std::optional<EncryptionAlgorithm> encryption;
    std::optional<PrfId> prf;
    std::optional<IntegrityId> integrity;
    std::optional<DhGroup> group;
    for (const Transform& transform : chosen.transforms) {
        bool offered_transform = false;
        bool duplicate = false;
        switch (transform.type) {
        case TransformType::encryption: {
            const EncryptionAlgorithm value{EncryptionId(transform.id),
                                            transform.key_length().value_or(0)};
            offered_transform = contains(proposal.encryption, value);
            duplicate = encryption.has_value();
            encryption = value;
            break;
        }
        case TransformType::prf:
            offered_transform = contains(proposal.prf, PrfId(transform.id));
            duplicate = prf.has_value();
            prf = PrfId(transform.id);
            break;
        case TransformType::integrity:
            offered_transform = contains(proposal.integrity, IntegrityId(transform.id));
            duplicate = integrity.has_value();
            integrity = IntegrityId(transform.id);
            break;
        case TransformType::dh_group:
            offered_transform = contains(proposal.dh_groups, DhGroup(transform.id));
            duplicate = group.has_value();
            group = DhGroup(transform.id);
            break;
        case TransformType::esn:
            break;
        }
        if (!offered_transform || duplicate)
            return Error{"responder chose transform type " +
                         std::to_string(unsigned(transform.type)) + " id " +
                         std::to_string(transform.id) + (duplicate ? " twice" : " not offered")};
    }
    if (!encryption || !prf || !group || encryption->is_aead() == integrity.has_value())
        return Error{"responder's proposal lacks a transform type"};
    return NegotiatedSuite{*encryption, *prf, integrity, *group};
}

} // namespace

class RecoveryExchange::State {
public:
    State(RecoveryConfig config, crypto::RandomSource& random, crypto::DhKeySource& keys,
          const Clock& clock)
        : config_(std::move(config)), random_(random), keys_(keys), clock_(clock) {}

    Actions start() {
        return guarded([&] {
            if (phase_ != Phase::idle) {
                log(LogLevel::warning, "start() called twice; ignored");
                return;
            }
            if (Status status = validate_config(config_); !status) {
                finish(false, "invalid configuration: " + status.error().message);
                return;
            }
            overall_deadline_ = clock_.now() + config_.retransmit.overall_timeout;
            nat_t_ = config_.start_with_nat_t;
            do
                random_.fill(spi_i_);
            while (all_zero(spi_i_)); // RFC 7296 3.1: SPIi must not be zero
            nonce_i_.resize(nonce_size);
            random_.fill(nonce_i_);
            ke_group_ = config_.proposals.front().dh_groups.front();
            dh_.emplace(keys_.take(ke_group_));
            log(LogLevel::info,
                "recovering stale " +
                    std::string(config_.stale_sa.protocol == ProtocolId::ah ? "AH" : "ESP") +
                    (config_.stale_sa.spi ? " SPI " + spi_text(*config_.stale_sa.spi)
                                          : " SA (SPI unknown)") +
                    " from " + config_.remote.address.to_string() + " as " +
                    config_.local_id.to_string());
            send_sa_init();
        });
    }

    Actions on_datagram(ByteView datagram, const Endpoint& from) {
        return guarded([&] {
            if (!awaiting_response())
                return;
            if (from != peer_endpoint()) {
                log(LogLevel::warning, "dropped datagram from unexpected " + from.to_string());
                return;
            }
            auto decoded = decode_header(datagram);
            if (!decoded) {
                drop("malformed message: " + decoded.error().message);
                return;
            }
            if (Status match = matches_request(decoded->header); !match) {
                drop(match.error().message);
                return;
            }
            switch (phase_) {
            case Phase::sa_init:
                handle_sa_init_response(datagram);
                break;
            case Phase::auth:
                handle_auth_response(datagram);
                break;
            case Phase::invalid_spi:
            case Phase::delete_ike:
                handle_informational_response(datagram);
                break;
            case Phase::idle:
            case Phase::confirm_auth:
            case Phase::done:
                break;
            }
        });
    }

    Actions on_timer() {
        return guarded([&] {
            if (!awaiting_response())
                return;
            const TimePoint now = clock_.now();
            if (now >= overall_deadline_) {
                give_up("overall timeout of " + seconds_text(config_.retransmit.overall_timeout) +
                        " expired");
                return;
            }
            if (now < request_.deadline) {
                arm_timer();
                return;
            }
            if (request_.transmissions >= config_.retransmit.max_transmissions) {
                give_up("no response after " + std::to_string(request_.transmissions) +
                        " transmissions");
                return;
            }
            ++request_.transmissions;
            request_.timeout *= config_.retransmit.backoff_factor;
            log(LogLevel::info, "retransmitting " + request_.name + " request (" +
                                    std::to_string(request_.transmissions) + "/" +
                                    std::to_string(config_.retransmit.max_transmissions) + ")");
            transmit();
        });
    }

    Actions confirm_auth(bool proceed, const std::string& reason) {
        return guarded([&] {
            if (phase_ != Phase::confirm_auth)
                return;
            if (!proceed) {
                // The daemon's decision, not a failure of the exchange: no error line.
                finish(false, "not sending IKE_AUTH: " + reason, LogLevel::info);
                return;
            }
            // The pause must not eat into the overall timeout's meaning: it still holds.
            if (clock_.now() >= overall_deadline_) {
                finish(false, "overall timeout of " +
                                  seconds_text(config_.retransmit.overall_timeout) +
                                  " expired before IKE_AUTH");
                return;
            }
            send_auth();
        });
    }

    bool finished() const { return phase_ == Phase::done; }

private:
    enum class Phase { idle, sa_init, confirm_auth, auth, invalid_spi, delete_ike, done };

    struct Request {
        std::string name; // for logs, e.g. "IKE_AUTH"
        ExchangeType exchange = ExchangeType::ike_sa_init;
        std::uint32_t message_id = 0;
        Bytes message;
        unsigned transmissions = 0;
        Milliseconds timeout{0};
        TimePoint deadline;
    };

    // Runs one entry point; an exception (OpenSSL failure, a bug) ends the exchange instead of
    // escaping into the daemon's event loop.
    template <typename Body>
    Actions guarded(Body&& body) {
        actions_.clear();
        try {
            body();
        } catch (const std::exception& error) {
            finish(false, std::string("internal error: ") + error.what());
        }
        return std::move(actions_);
    }

    bool awaiting_response() const {
        return phase_ != Phase::idle && phase_ != Phase::confirm_auth && phase_ != Phase::done;
    }

    Endpoint peer_endpoint() const {
        return Endpoint{config_.remote.address,
                        nat_t_ ? config_.remote_nat_t_port : config_.remote.port};
    }

    void log(LogLevel level, std::string text) {
        actions_.emplace_back(std::in_place_type<Log>, Log{level, std::move(text)});
    }

    void drop(const std::string& why) {
        log(LogLevel::warning, "dropped " + request_.name + " response: " + why);
    }

    void finish(bool succeeded, std::string reason,
                std::optional<LogLevel> failure_level = std::nullopt) {
        phase_ = Phase::done;
        dh_.reset();
        if (succeeded)
            log(LogLevel::info, "recovery succeeded: " + reason);
        else if (failure_level)
            log(*failure_level, "recovery called off: " + reason);
        else
            log(LogLevel::error, "recovery failed: " + reason);
        actions_.emplace_back(std::in_place_type<Done>, Done{succeeded, std::move(reason)});
    }

    // Once the peer has authenticated us, INITIAL_CONTACT has done its work: later silence
    // only costs us the cleanup messages.
    void give_up(const std::string& why) {
        const std::string what = why + " waiting for the " + request_.name + " response";
        if (phase_ == Phase::invalid_spi || phase_ == Phase::delete_ike)
            finish(true, success_reason() + "; " + what);
        else
            finish(false, what);
    }

    std::string success_reason() const {
        return config_.remote.address.to_string() + " authenticated us as " +
               config_.local_id.to_string() + " with INITIAL_CONTACT";
    }

    void arm_timer() {
        actions_.emplace_back(std::in_place_type<ArmTimer>,
                              ArmTimer{std::min(request_.deadline, overall_deadline_)});
    }

    // The deadline counts from now, after whatever work the message needed: a slow key
    // generation or key derivation must not eat into the peer's time to answer.
    void transmit() {
        const Endpoint peer = peer_endpoint();
        actions_.emplace_back(std::in_place_type<Send>, Send{request_.message, peer.port, nat_t_});
        request_.deadline = clock_.now() + request_.timeout;
        arm_timer();
    }

    void send_request(std::string name, ExchangeType exchange, std::uint32_t message_id,
                      Bytes message) {
        request_ = Request{std::move(name),
                           exchange,
                           message_id,
                           std::move(message),
                           1,
                           config_.retransmit.initial_timeout,
                           {}};
        transmit();
    }

    Status matches_request(const Header& header) const {
        if (!header.response)
            return Error{"peer sent a request (message ID " + std::to_string(header.message_id) +
                         "), which this initiator does not serve"};
        if (header.initiator)
            return Error{"response carries the Initiator flag"};
        if (header.spi_initiator != spi_i_)
            return Error{"unknown initiator SPI " + to_hex(header.spi_initiator)};
        if (phase_ != Phase::sa_init && header.spi_responder != spi_r_)
            return Error{"unknown responder SPI " + to_hex(header.spi_responder)};
        if (header.message_id != request_.message_id)
            return Error{"message ID " + std::to_string(header.message_id) +
                         " (duplicate or late)"};
        if (header.exchange != request_.exchange)
            return Error{"exchange type " + to_string(header.exchange)};
        return success();
    }

    Header request_header(ExchangeType exchange, std::uint32_t message_id) const {
        return Header{spi_i_, spi_r_, exchange, true, false, message_id};
    }

    // HDR, [N(COOKIE),] SAi1, KEi, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP)
    void send_sa_init() {
        phase_ = Phase::sa_init;
        Message request{request_header(ExchangeType::ike_sa_init, sa_init_message_id), {}};
        std::vector<Payload>& payloads = request.payloads;
        if (!cookie_.empty()) // RFC 7296 2.6: the cookie goes first
            payloads.push_back(NotifyPayload{ProtocolId::none, {}, NotifyType::cookie, cookie_});
        payloads.push_back(sa_payload(config_.proposals));
        payloads.push_back(KePayload{ke_group_, dh_->public_value()});
        payloads.push_back(NoncePayload{nonce_i_});
        const Spi zero_spi{};
        payloads.push_back(NotifyPayload{ProtocolId::none,
                                         {},
                                         NotifyType::nat_detection_source_ip,
                                         nat_detection_hash(spi_i_, zero_spi, config_.local)});
        payloads.push_back(NotifyPayload{ProtocolId::none,
                                         {},
                                         NotifyType::nat_detection_destination_ip,
                                         nat_detection_hash(spi_i_, zero_spi, peer_endpoint())});
        sa_init_request_ = encode_message(request);
        log(LogLevel::info, "sending IKE_SA_INIT to " + peer_endpoint().to_string() +
                                (nat_t_ ? " (non-ESP marker)" : "") + ", SPIi " + to_hex(spi_i_) +
                                ", KE " + to_string(ke_group_) +
                                (cookie_.empty() ? "" : ", with cookie"));
        send_request("IKE_SA_INIT", ExchangeType::ike_sa_init, sa_init_message_id,
                     sa_init_request_);
    }

    void handle_sa_init_response(ByteView datagram) {
        auto decoded = decode_message(datagram);
        if (!decoded) {
            drop("malformed message: " + decoded.error().message);
            return;
        }
        const Message& response = decoded.value();
        const std::vector<Payload>& payloads = response.payloads;

        if (const NotifyPayload* cookie = find_notify(payloads, NotifyType::cookie)) {
            handle_cookie(*cookie);
            return;
        }
        if (const NotifyPayload* invalid_ke =
                find_notify(payloads, NotifyType::invalid_ke_payload)) {
            handle_invalid_ke(*invalid_ke);
            return;
        }
        for (const Payload& payload : payloads) {
            const auto* notify = std::get_if<NotifyPayload>(&payload);
            if (notify && is_error_notify(static_cast<std::uint16_t>(notify->type))) {
                finish(false, "peer refused IKE_SA_INIT with " +
                                  notify_name(static_cast<std::uint16_t>(notify->type)));
                return;
            }
        }

        const auto* sa = find_payload<SaPayload>(payloads);
        const auto* ke = find_payload<KePayload>(payloads);
        const auto* nonce = find_payload<NoncePayload>(payloads);
        if (!sa || !ke || !nonce) {
            drop("SA, KE or Nonce payload missing");
            return;
        }
        if (all_zero(response.header.spi_responder)) {
            drop("responder SPI is zero");
            return;
        }
        if (nonce->data.size() < min_nonce_size || nonce->data.size() > max_nonce_size) {
            drop("nonce of " + std::to_string(nonce->data.size()) + " bytes");
            return;
        }
        if (ke->group != ke_group_) {
            drop("KE for " + to_string(ke->group) + ", we sent " + to_string(ke_group_));
            return;
        }
        auto suite = select_suite(*sa, config_.proposals);
        if (!suite) {
            finish(false, "unacceptable IKE_SA_INIT response: " + suite.error().message);
            return;
        }
        if (suite->dh_group != ke_group_) {
            finish(false, "responder chose " + to_string(suite->dh_group) + " but answered KE " +
                              to_string(ke_group_));
            return;
        }
        auto shared_secret = dh_->shared_secret(ke->data);
        if (!shared_secret) {
            drop(shared_secret.error().message);
            return;
        }

        suite_ = suite.value();
        spi_r_ = response.header.spi_responder;
        nonce_r_ = nonce->data;
        sa_init_response_.assign(datagram.begin(), datagram.end());
        dh_.reset();
        const IkeSaKeys keys =
            derive_ike_sa_keys(suite_, shared_secret.value(), nonce_i_, nonce_r_, spi_i_, spi_r_);
        outbound_.emplace(suite_, keys.sk_ei, keys.sk_ai);
        inbound_.emplace(suite_, keys.sk_er, keys.sk_ar);
        sk_pi_ = keys.sk_pi;
        sk_pr_ = keys.sk_pr;

        const bool childless = find_notify(payloads, NotifyType::childless_ikev2_supported);
        log(LogLevel::info, "IKE_SA_INIT done: SPIr " + to_hex(spi_r_) + ", " + suite_.to_string() +
                                ", " + detect_nat(payloads) +
                                (childless ? ", peer supports childless IKE SAs" : ""));
        if (!childless) {
            finish(false, "peer does not support childless IKE SAs (RFC 6023)");
            return;
        }
        if (config_.confirm_before_auth) {
            phase_ = Phase::confirm_auth;
            actions_.emplace_back(std::in_place_type<ConfirmAuth>);
            return;
        }
        send_auth();
    }

    void handle_cookie(const NotifyPayload& cookie) {
        if (cookie.data.empty() || cookie.data.size() > max_cookie_size) {
            drop("COOKIE of " + std::to_string(cookie.data.size()) + " bytes");
            return;
        }
        if (cookie.data == cookie_) {
            drop("repeats the COOKIE we already sent");
            return;
        }
        if (++sa_init_retries_ > max_sa_init_retries) {
            finish(false, "peer keeps answering IKE_SA_INIT with COOKIE/INVALID_KE_PAYLOAD");
            return;
        }
        cookie_ = cookie.data;
        log(LogLevel::info, "peer requested a COOKIE (RFC 7296 2.6); retrying IKE_SA_INIT");
        send_sa_init();
    }

    // RFC 7296 1.2: retry with the group the responder asks for, if it is one we offer.
    void handle_invalid_ke(const NotifyPayload& invalid_ke) {
        if (invalid_ke.data.size() != 2) {
            drop("INVALID_KE_PAYLOAD with " + std::to_string(invalid_ke.data.size()) +
                 " bytes of data");
            return;
        }
        const DhGroup wanted = DhGroup(invalid_ke.data[0] << 8 | invalid_ke.data[1]);
        if (wanted == ke_group_) {
            drop("INVALID_KE_PAYLOAD asks for the group we sent (late duplicate)");
            return;
        }
        if (!offers_group(config_.proposals, wanted)) {
            finish(false, "peer requires DH group " + to_string(wanted) + ", not configured");
            return;
        }
        if (++sa_init_retries_ > max_sa_init_retries) {
            finish(false, "peer keeps answering IKE_SA_INIT with COOKIE/INVALID_KE_PAYLOAD");
            return;
        }
        log(LogLevel::info, "peer requested DH group " + to_string(wanted) +
                                " (INVALID_KE_PAYLOAD); retrying IKE_SA_INIT");
        ke_group_ = wanted;
        dh_.emplace(keys_.take(ke_group_));
        send_sa_init();
    }

    // RFC 7296 2.23: compare the peer's view of both endpoints with ours; on a mismatch move
    // to the NAT-T port with the non-ESP marker. Returns the finding for the log.
    std::string detect_nat(const std::vector<Payload>& payloads) {
        const Bytes peer_hash = nat_detection_hash(spi_i_, spi_r_, peer_endpoint());
        const Bytes our_hash = nat_detection_hash(spi_i_, spi_r_, config_.local);
        bool saw_source = false;
        bool saw_destination = false;
        bool source_matches = false;
        bool destination_matches = false;
        for (const Payload& payload : payloads) {
            const auto* notify = std::get_if<NotifyPayload>(&payload);
            if (notify && notify->type == NotifyType::nat_detection_source_ip) {
                saw_source = true;
                source_matches = source_matches || notify->data == peer_hash;
            } else if (notify && notify->type == NotifyType::nat_detection_destination_ip) {
                saw_destination = true;
                destination_matches = destination_matches || notify->data == our_hash;
            }
        }
        if (!saw_source || !saw_destination)
            return "peer sent no NAT detection";
        if (source_matches && destination_matches)
            return "no NAT";
        std::string status = !destination_matches && !source_matches ? "both behind NAT"
                             : !destination_matches                  ? "we are behind a NAT"
                                                                     : "peer is behind a NAT";
        if (!nat_t_) {
            nat_t_ = true;
            status += ", switching to port " + std::to_string(config_.remote_nat_t_port);
        }
        return status;
    }

    // HDR, SK {IDi, N(INITIAL_CONTACT), [IDr,] AUTH}: childless (RFC 6023), so no SA/TS.
    void send_auth() {
        phase_ = Phase::auth;
        const Bytes id_body = encode_id_body(config_.local_id);
        const SecureBytes auth =
            psk_auth_data(suite_.prf, config_.psk, sa_init_request_, nonce_r_, sk_pi_, id_body);
        std::vector<Payload> inner;
        inner.push_back(IdPayload{false, config_.local_id});
        // RFC 7296 2.4: asserts this is the only IKE SA between the two identities; the peer
        // then deletes the stale ones (strongSwan: "destroying duplicate IKE_SA").
        inner.push_back(NotifyPayload{ProtocolId::none, {}, NotifyType::initial_contact, {}});
        if (config_.remote_id)
            inner.push_back(IdPayload{true, *config_.remote_id});
        inner.push_back(AuthPayload{AuthMethod::shared_key_mic, Bytes(auth.begin(), auth.end())});
        log(LogLevel::info, "sending IKE_AUTH as " + config_.local_id.to_string() +
                                (config_.remote_id ? " to " + config_.remote_id->to_string() : "") +
                                " with INITIAL_CONTACT, childless");
        send_request("IKE_AUTH", ExchangeType::ike_auth, auth_message_id,
                     outbound_->seal(request_header(ExchangeType::ike_auth, auth_message_id), inner,
                                     random_));
    }

    void handle_auth_response(ByteView datagram) {
        auto opened = inbound_->open(datagram);
        if (!opened) {
            drop(opened.error().message);
            return;
        }
        const std::vector<Payload>& payloads = opened->payloads;
        for (const Payload& payload : payloads) {
            const auto* notify = std::get_if<NotifyPayload>(&payload);
            if (notify && is_error_notify(static_cast<std::uint16_t>(notify->type))) {
                finish(false, "peer rejected IKE_AUTH with " +
                                  notify_name(static_cast<std::uint16_t>(notify->type)));
                return;
            }
        }
        const IdPayload* id_r = find_id(payloads, true);
        const auto* auth = find_payload<AuthPayload>(payloads);
        if (!id_r || !auth) {
            finish(false, "IKE_AUTH response lacks IDr or AUTH");
            return;
        }
        if (config_.remote_id && id_r->identity != *config_.remote_id) {
            finish(false, "authentication of peer failed: it identified as " +
                              id_r->identity.to_string() + ", expected " +
                              config_.remote_id->to_string());
            return;
        }
        if (auth->method != AuthMethod::shared_key_mic) {
            finish(false, "authentication of peer failed: it used AUTH method " +
                              std::to_string(unsigned(auth->method)) + ", not shared key");
            return;
        }
        const SecureBytes expected =
            psk_auth_data(suite_.prf, config_.psk, sa_init_response_, nonce_i_, sk_pr_,
                          encode_id_body(id_r->identity));
        if (!crypto::equal_constant_time(expected, auth->data)) {
            finish(false, "authentication of peer failed: AUTH does not match the PSK");
            return;
        }
        log(LogLevel::info, "IKE SA established with " + id_r->identity.to_string() +
                                "; INITIAL_CONTACT delivered");
        if (config_.stale_sa.spi)
            send_invalid_spi(*config_.stale_sa.spi);
        else
            send_delete();
    }

    // HDR, SK {N(INVALID_SPI)}: Protocol ID 0, SPI Size 0, data = the SPI (RFC 7296 1.5, 3.10).
    void send_invalid_spi(std::uint32_t spi) {
        phase_ = Phase::invalid_spi;
        Bytes data{std::uint8_t(spi >> 24), std::uint8_t(spi >> 16), std::uint8_t(spi >> 8),
                   std::uint8_t(spi)};
        const std::vector<Payload> inner{
            NotifyPayload{ProtocolId::none, {}, NotifyType::invalid_spi, std::move(data)}};
        log(LogLevel::info, "sending INFORMATIONAL N(INVALID_SPI) for " + spi_text(spi));
        send_informational("INFORMATIONAL(INVALID_SPI)", inner);
    }

    // HDR, SK {D(IKE)}: closes our IKE SA; the peer's stale SAs are already gone.
    void send_delete() {
        phase_ = Phase::delete_ike;
        const std::vector<Payload> inner{DeletePayload{ProtocolId::ike, 0, {}}};
        log(LogLevel::info, "sending INFORMATIONAL D(IKE)");
        send_informational("INFORMATIONAL(Delete)", inner);
    }

    // The INFORMATIONAL requests follow IKE_AUTH with consecutive Message IDs (RFC 7296 2.2).
    void send_informational(std::string name, const std::vector<Payload>& inner) {
        const std::uint32_t message_id = request_.message_id + 1;
        send_request(std::move(name), ExchangeType::informational, message_id,
                     outbound_->seal(request_header(ExchangeType::informational, message_id), inner,
                                     random_));
    }

    void handle_informational_response(ByteView datagram) {
        auto opened = inbound_->open(datagram);
        if (!opened) {
            drop(opened.error().message);
            return;
        }
        for (const Payload& payload : opened->payloads) {
            if (const auto* notify = std::get_if<NotifyPayload>(&payload))
                log(LogLevel::warning, request_.name + " response carries N(" +
                                           notify_name(static_cast<std::uint16_t>(notify->type)) +
                                           ")");
        }
        if (phase_ == Phase::invalid_spi) {
            log(LogLevel::info, "peer acknowledged INVALID_SPI");
            send_delete();
            return;
        }
        finish(true, success_reason() +
                         (config_.stale_sa.spi ? "; reported SPI " + spi_text(*config_.stale_sa.spi)
                                               : "; SPI unknown, not reported") +
                         "; IKE SA deleted");
    }

    RecoveryConfig config_;
    crypto::RandomSource& random_;
    crypto::DhKeySource& keys_;
    const Clock& clock_;
    Actions actions_;
    Phase phase_ = Phase::idle;
    TimePoint overall_deadline_;
    Request request_;
    bool nat_t_ = false;

    Spi spi_i_{};
    Spi spi_r_{};
    Bytes nonce_i_;
    Bytes nonce_r_;
    Bytes cookie_;
    unsigned sa_init_retries_ = 0;
    DhGroup ke_group_ = DhGroup::curve25519;
    std::optional<crypto::DhKey> dh_;
    Bytes sa_init_request_;  // RealMessage1 of RFC 7296 2.15
    Bytes sa_init_response_; // RealMessage2

    NegotiatedSuite suite_;
    std::optional<MessageProtection> outbound_;
    std::optional<MessageProtection> inbound_;
    SecureBytes sk_pi_;
    SecureBytes sk_pr_;
};

RecoveryExchange::RecoveryExchange(RecoveryConfig config, crypto::RandomSource& random,
                                   crypto::DhKeySource& keys, const Clock& clock)
    : state_(std::make_unique<State>(std::move(config), random, keys, clock)) {}

RecoveryExchange::~RecoveryExchange() = default;
RecoveryExchange::RecoveryExchange(RecoveryExchange&&) noexcept = default;
RecoveryExchange& RecoveryExchange::operator=(RecoveryExchange&&) noexcept = default;

Actions RecoveryExchange::start() {
    return state_->start();
}

Actions RecoveryExchange::on_datagram(ByteView message, const Endpoint& from) {
    return state_->on_datagram(message, from);
}

Actions RecoveryExchange::on_timer() {
    return state_->on_timer();
}

Actions RecoveryExchange::confirm_auth(bool proceed, const std::string& reason) {
    return state_->confirm_auth(proceed, reason);
}

bool RecoveryExchange::finished() const {
    return state_->finished();
}

} // namespace spirecovery::ike
