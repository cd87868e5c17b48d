// SPDX-License-Identifier: GPL-2.0
// Payload and message encoding: round trips for every payload, exact wire images for the
// ones whose layout matters to peers, and rejection of malformed input.
#include <gtest/gtest.h>

#include "ike/lib/message.h"
#include "ike/lib/payloads.h"
#include "ike/lib/wire.h"
#include "ike/test/test_util.h"

namespace spirecovery::ike {
namespace {

using test::from_hex;
using test::text;

Payload round_trip(const Payload& payload) {
    wire::Writer chain;
    const PayloadType first = encode_payloads({payload}, chain);
    auto decoded = decode_payloads(first, chain.data());
    EXPECT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->size(), 1u);
    return decoded->front();
}

std::vector<Payload> every_payload() {
    SaPayload sa;
    sa.proposals.push_back(
        Proposal{1,
                 ProtocolId::ike,
                 {},
                 {Transform::with_key_length(TransformType::encryption,
                                             std::uint16_t(EncryptionId::aes_gcm_16), 256),
                  Transform::make(TransformType::prf, std::uint16_t(PrfId::hmac_sha2_256)),
                  Transform::make(TransformType::dh_group, std::uint16_t(DhGroup::curve25519))}});
    sa.proposals.push_back(
        Proposal{2,
                 ProtocolId::esp,
                 {0xc0, 0xff, 0xee, 0x01},
                 {Transform{TransformType::encryption,
                            std::uint16_t(EncryptionId::aes_cbc),
                            {TransformAttribute{attribute_key_length, true, {0, 128}},
                             TransformAttribute{17, false, text("variable attribute")}}},
                  Transform::make(TransformType::esn, 0)}});
    return {
        sa,
        KePayload{DhGroup::ecp_256, Bytes(64, 0x42)},
        NoncePayload{Bytes(32, 0x17)},
        NotifyPayload{ProtocolId::none, {}, NotifyType::invalid_spi, {0xc0, 0xff, 0xee, 0x01}},
        NotifyPayload{ProtocolId::esp, {1, 2, 3, 4}, NotifyType::cookie, text("data")},
        IdPayload{false, Identity{IdType::fqdn, text("b.example")}},
        IdPayload{true, Identity{IdType::ipv4_addr, {192, 0, 2, 1}}},
        AuthPayload{AuthMethod::shared_key_mic, Bytes(32, 0x99)},
        DeletePayload{ProtocolId::ike, 0, {}},
        DeletePayload{ProtocolId::esp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}},
        VendorIdPayload{text("vendor")},
        EncryptedPayload{PayloadType::id_initiator, Bytes(40, 0x33)},
        UnknownPayload{PayloadType::certificate_request, false, text("opaque")},
        UnknownPayload{PayloadType(200), false, text("private use")},
    };
}

TEST(Codec, EveryPayloadRoundTrips) {
    for (const Payload& payload : every_payload())
        EXPECT_EQ(round_trip(payload), payload) << to_string(payload_type(payload));
}

TEST(Codec, MessageRoundTrips) {
    Message message;
    message.header =
        Header{{1, 2, 3, 4, 5, 6, 7, 8}, {}, ExchangeType::ike_sa_init, true, false, 0};
    for (const Payload& payload : every_payload()) {
        if (!std::holds_alternative<EncryptedPayload>(payload))
            message.payloads.push_back(payload);
    }
    message.payloads.push_back(EncryptedPayload{PayloadType::notify, Bytes(24, 1)});
    const Bytes encoded = encode_message(message);
    auto decoded = decode_message(encoded);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded.value(), message);
    EXPECT_EQ(encode_message(decoded.value()), encoded);
}

// RFC 7296 3.1 header layout, and INVALID_SPI as RFC 7296 1.5/3.10 encode it: Protocol ID 0,
// SPI Size 0, the SPI as notification data.
TEST(Codec, WireImage) {
    Message message;
    message.header = Header{{1, 2, 3, 4, 5, 6, 7, 8},
                            {9, 10, 11, 12, 13, 14, 15, 16},
                            ExchangeType::informational,
                            true,
                            false,
                            2};
    message.payloads.push_back(
        NotifyPayload{ProtocolId::none, {}, NotifyType::invalid_spi, {0xc0, 0xff, 0xee, 0x01}});
    message.payloads.push_back(DeletePayload{ProtocolId::ike, 0, {}});
    EXPECT_EQ(to_hex(encode_message(message)), "0102030405060708"
                                               "090a0b0c0d0e0f10"
                                               "29202508"
                                               "00000002"
                                               "00000030"
                                               "2a00000c"
                                               "0000000b"
                                               "c0ffee01"
                                               "00000008"
                                               "01000000");
}

TEST(Codec, SaWireImage) {
    SaPayload sa;
    sa.proposals.push_back(
        Proposal{1,
                 ProtocolId::ike,
                 {},
                 {Transform::with_key_length(TransformType::encryption,
                                             std::uint16_t(EncryptionId::aes_gcm_16), 128),
                  Transform::make(TransformType::dh_group, std::uint16_t(DhGroup::ecp_256))}});
    EXPECT_EQ(to_hex(encode_payload_body(sa)), "0000001c"   // last proposal, length 28
                                               "01010002"   // #1, IKE, no SPI, 2 transforms
                                               "0300000c"   // more, length 12
                                               "01000014"   // ENCR AES_GCM_16
                                               "800e0080"   // Key Length 128 (TV)
                                               "00000008"   // last, length 8
                                               "04000013"); // DH 19
}

TEST(Codec, UnknownNonCriticalPayloadIsSkippedCriticalIsRejected) {
    // Notify chained to an unknown type 250 (non-critical), then critical.
    for (const bool critical : {false, true}) {
        Bytes chain = from_hex("fa00000800000000"); // N -> 250, notify body of 4 bytes
        const Bytes unknown = {0, std::uint8_t(critical ? 0x80 : 0), 0, 6, 0xab, 0xcd};
        chain.insert(chain.end(), unknown.begin(), unknown.end());
        auto decoded = decode_payloads(PayloadType::notify, chain);
        if (critical) {
            ASSERT_FALSE(decoded);
            EXPECT_NE(decoded.error().message.find("critical"), std::string::npos);
        } else {
            ASSERT_TRUE(decoded) << decoded.error().message;
            ASSERT_EQ(decoded->size(), 2u);
            EXPECT_EQ(payload_type(decoded->back()), PayloadType(250));
        }
    }
}

TEST(Codec, CriticalBitOnKnownPayloadIsIgnored) {
    auto decoded = decode_payloads(PayloadType::nonce, from_hex("0080000801020304"));
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(std::get<NoncePayload>(decoded->front()).data, from_hex("01020304"));
}

TEST(Codec, HeaderChecks) {
    Message message;
    message.payloads.push_back(NoncePayload{Bytes(16, 1)});
    const Bytes good = encode_message(message);
    ASSERT_TRUE(decode_message(good));

    Bytes version = good;
    version[17] = 0x30; // IKE major version 3
    EXPECT_FALSE(decode_header(version));
    Bytes longer = good;
    longer.push_back(0); // datagram longer than the Length field
    EXPECT_FALSE(decode_header(longer));
    Bytes shorter_length = good;
    shorter_length[27] -= 1;
    EXPECT_FALSE(decode_header(shorter_length));
}

// Every truncation of a valid message fails cleanly (and is checked by ASan in test-asan).
TEST(Codec, EveryTruncationIsRejected) {
    Message message;
    message.header.message_id = 7;
    for (const Payload& payload : every_payload()) {
        if (!std::holds_alternative<EncryptedPayload>(payload))
            message.payloads.push_back(payload);
    }
    const Bytes encoded = encode_message(message);
    for (std::size_t size = 0; size < encoded.size(); ++size) {
        Bytes truncated(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(size));
        if (size >= header_size) { // keep the Length field consistent with the datagram
            truncated[24] = std::uint8_t(size >> 24);
            truncated[25] = std::uint8_t(size >> 16);
            truncated[26] = std::uint8_t(size >> 8);
            truncated[27] = std::uint8_t(size);
        }
        EXPECT_FALSE(decode_message(truncated)) << "size " << size;
    }
}

struct MalformedBody {
    const char* name;
    PayloadType type;
    const char* body_hex;
};

class MalformedPayload : public ::testing::TestWithParam<MalformedBody> {};

TEST_P(MalformedPayload, IsRejected) {
    const MalformedBody& param = GetParam();
    const Bytes body = from_hex(param.body_hex);
    auto decoded = decode_payload(RawPayload{param.type, PayloadType::none, false, body});
    EXPECT_FALSE(decoded) << param.name;
}

INSTANTIATE_TEST_SUITE_P(
    Codec, MalformedPayload,
    ::testing::Values(
        MalformedBody{"empty_sa", PayloadType::sa, ""},
        MalformedBody{"proposal_too_long", PayloadType::sa, "00000030010100000000"},
        MalformedBody{"proposal_not_last", PayloadType::sa, "0200000801010000"},
        MalformedBody{"transform_count_mismatch", PayloadType::sa, "0000000801010001"},
        MalformedBody{"transform_overruns", PayloadType::sa,
                      "000000100101000100000010"
                      "01000014"},
        MalformedBody{"proposal_spi_overruns", PayloadType::sa, "0000000801010400"},
        MalformedBody{"attribute_truncated", PayloadType::sa,
                      "0000000e0101000100000"
                      "00a0100001480"},
        MalformedBody{"tlv_attribute_overruns", PayloadType::sa,
                      "00000010010100010000000"
                      "801000014000e0010"},
        MalformedBody{"short_ke", PayloadType::ke, "001300"},
        MalformedBody{"short_notify", PayloadType::notify, "000000"},
        MalformedBody{"notify_spi_overruns", PayloadType::notify, "0308000b010203"},
        MalformedBody{"short_id", PayloadType::id_initiator, "020000"},
        MalformedBody{"short_auth", PayloadType::auth, "02"},
        MalformedBody{"short_delete", PayloadType::delete_, "010000"},
        MalformedBody{"delete_count_mismatch", PayloadType::delete_, "030400020102030405"},
        MalformedBody{"delete_count_without_size", PayloadType::delete_, "01000001"}),
    [](const ::testing::TestParamInfo<MalformedBody>& info) { return info.param.name; });

TEST(Codec, ChainErrors) {
    // generic header length below 4, beyond the buffer, SK not last, trailing bytes
    EXPECT_FALSE(decode_payloads(PayloadType::nonce, from_hex("00000003")));
    EXPECT_FALSE(decode_payloads(PayloadType::nonce, from_hex("00000009aabbccdd")));
    EXPECT_FALSE(decode_payloads(PayloadType::nonce, from_hex("000000")));
    EXPECT_FALSE(decode_payloads(PayloadType::nonce, from_hex("0000000400")));
    auto sk_then_more = split_payloads(PayloadType::encrypted, from_hex("2900000500"
                                                                        "00000004"));
    EXPECT_FALSE(sk_then_more);
    // SK's Next Payload names its first inner payload, not a following one
    auto sk_last = split_payloads(PayloadType::encrypted, from_hex("2900000500"));
    ASSERT_TRUE(sk_last) << sk_last.error().message;
    EXPECT_EQ(sk_last->front().next, PayloadType::notify);
}

TEST(Codec, EncodingRefusesOversizedFields) {
    EXPECT_THROW(encode_payload_body(
                     NotifyPayload{ProtocolId::esp, Bytes(256, 1), NotifyType::invalid_spi, {}}),
                 std::length_error);
    EXPECT_THROW(encode_payload_body(DeletePayload{ProtocolId::esp, 4, {{1, 2, 3}}}),
                 std::invalid_argument);
    wire::Writer out;
    EXPECT_THROW(encode_payloads({EncryptedPayload{}, NoncePayload{}}, out), std::invalid_argument);
}

TEST(Codec, TransformKeyLength) {
    const Transform with = Transform::with_key_length(TransformType::encryption, 12, 256);
    EXPECT_EQ(with.key_length(), 256);
    EXPECT_FALSE(Transform::make(TransformType::prf, 5).key_length());
}

} // namespace
} // namespace spirecovery::ike
