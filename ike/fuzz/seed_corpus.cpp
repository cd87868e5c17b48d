// SPDX-License-Identifier: GPL-2.0
// Writes the seed corpus for the fuzz targets: valid messages and payloads produced by the
// library's encoder (and the test responder), one directory per target.
//   seed_corpus <corpus directory>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ike/fuzz/fuzz_common.h"
#include "ike/lib/wire.h"
#include "ike/test/scripted_responder.h"

using namespace spirecovery::ike;
namespace fs = std::filesystem;

namespace {

fs::path root;

void write(const std::string& target, const std::string& name, ByteView bytes) {
    const fs::path dir = root / target;
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

Bytes text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

std::vector<Payload> sample_payloads() {
    SaPayload sa;
    sa.proposals.push_back(Proposal{
        1,
        ProtocolId::ike,
        {},
        {Transform::with_key_length(TransformType::encryption, std::uint16_t(EncryptionId::aes_cbc),
                                    256),
         Transform::make(TransformType::prf, std::uint16_t(PrfId::hmac_sha2_384)),
         Transform::make(TransformType::integrity, std::uint16_t(IntegrityId::hmac_sha2_384_192)),
         Transform::make(TransformType::dh_group, std::uint16_t(DhGroup::modp_2048))}});
    sa.proposals.push_back(
        Proposal{2, ProtocolId::esp, {1, 2, 3, 4}, {Transform::make(TransformType::esn, 0)}});
    return {sa,
            KePayload{DhGroup::curve25519, Bytes(32, 0x09)},
            NoncePayload{Bytes(32, 0x4e)},
            NotifyPayload{ProtocolId::none, {}, NotifyType::invalid_spi, {0xc0, 0xff, 0xee, 0x01}},
            NotifyPayload{ProtocolId::esp, {1, 2, 3, 4}, NotifyType::cookie, text("cookie")},
            IdPayload{false, Identity{IdType::fqdn, text("b.example")}},
            AuthPayload{AuthMethod::shared_key_mic, Bytes(32, 0xa0)},
            DeletePayload{ProtocolId::esp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}},
            VendorIdPayload{text("vendor")}};
}

const char* target_of(PayloadType type) {
    switch (type) {
    case PayloadType::sa:
        return "payload_sa";
    case PayloadType::ke:
        return "payload_ke";
    case PayloadType::nonce:
        return "payload_nonce";
    case PayloadType::notify:
        return "payload_notify";
    case PayloadType::id_initiator:
        return "payload_id";
    case PayloadType::auth:
        return "payload_auth";
    case PayloadType::delete_:
        return "payload_delete";
    default:
        return "payload_vendor_id";
    }
}

void write_payloads_and_messages() {
    const std::vector<Payload> payloads = sample_payloads();
    unsigned index = 0;
    for (const Payload& payload : payloads)
        write(target_of(payload_type(payload)), "seed" + std::to_string(index++),
              encode_payload_body(payload));
    Message message;
    message.header =
        Header{{1, 2, 3, 4, 5, 6, 7, 8}, {}, ExchangeType::ike_sa_init, true, false, 0};
    message.payloads = payloads;
    write("message", "all_payloads", encode_message(message));
    message.payloads = {EncryptedPayload{PayloadType::id_initiator, Bytes(48, 0x5c)}};
    write("message", "encrypted", encode_message(message));
}

void write_sk(const std::string& target, const NegotiatedSuite& suite) {
    MessageProtection protection = fuzz::fixed_protection(suite);
    fuzz::FixedRandom random;
    const Header header{
        {1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1}, ExchangeType::ike_auth, false, true, 1};
    const std::vector<Payload> inner{IdPayload{true, Identity{IdType::fqdn, text("a.example")}},
                                     AuthPayload{AuthMethod::shared_key_mic, Bytes(32, 1)}};
    Bytes sealed{0};
    const Bytes datagram = protection.seal(header, inner, random);
    sealed.insert(sealed.end(), datagram.begin(), datagram.end());
    write(target, "sealed", sealed);

    // mode 1: header | first inner type | plaintext (payloads, padding, pad length)
    wire::Writer plain;
    plain.u8(1);
    Message outer{header, {}};
    const Bytes header_bytes = encode_message(outer);
    plain.bytes(ByteView(header_bytes).first(header_size));
    wire::Writer chain;
    plain.u8(static_cast<std::uint8_t>(encode_payloads(inner, chain)));
    Bytes plaintext = chain.data();
    const std::size_t block = suite.encryption.is_aead() ? 1 : 16;
    const std::size_t padding = (block - (plaintext.size() + 1) % block) % block;
    plaintext.insert(plaintext.end(), padding, 0);
    plaintext.push_back(static_cast<std::uint8_t>(padding));
    plain.bytes(plaintext);
    write(target, "plaintext", plain.data());
}

void write_exchange_responses() {
    fuzz::FixedRandom random;
    const RecoveryConfig config = fuzz::exchange_config();
    crypto::FreshDhKeys keys;
    test::ManualClock clock;
    RecoveryExchange exchange(config, random, keys, clock);
    Bytes request;
    for (const Action& action : exchange.start())
        if (const auto* send = std::get_if<Send>(&action))
            request = send->message;

    auto respond = [&](const std::string& name, auto customise) {
        test::ResponderOptions options;
        options.endpoint = config.remote;
        options.id = *config.remote_id;
        options.psk = config.psk;
        options.suite = fuzz::gcm_suite();
        customise(options);
        test::ScriptedResponder responder(options);
        if (auto response = responder.respond(request, config.local))
            write("exchange", name, *response);
    };
    respond("accepted", [](test::ResponderOptions&) {});
    respond("cookie", [](test::ResponderOptions& o) { o.require_cookie = true; });
    respond("invalid_ke", [](test::ResponderOptions& o) { o.suite.dh_group = DhGroup::ecp_256; });
    respond("no_proposal", [](test::ResponderOptions& o) { o.refuse_proposal = true; });
    respond("not_childless", [](test::ResponderOptions& o) { o.advertise_childless = false; });
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: seed_corpus <corpus directory>\n");
        return 2;
    }
    root = argv[1];
    write_payloads_and_messages();
    write_sk("sk_gcm", fuzz::gcm_suite());
    write_sk("sk_cbc", fuzz::cbc_suite());
    write_exchange_responses();
    return 0;
}
