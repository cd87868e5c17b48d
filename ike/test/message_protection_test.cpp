// SPDX-License-Identifier: GPL-2.0
// The SK payload: both directions agree, every modification is caught, keys must match.
#include <gtest/gtest.h>

#include "ike/lib/message_protection.h"
#include "ike/test/test_util.h"

namespace spirecovery::ike {
namespace {

using test::text;

struct SuiteCase {
    const char* name;
    NegotiatedSuite suite;
};

class Protection : public ::testing::TestWithParam<SuiteCase> {
protected:
    MessageProtection make(std::uint8_t fill) const {
        const NegotiatedSuite& suite = GetParam().suite;
        const Bytes encryption(encryption_key_size(suite.encryption), fill);
        const Bytes integrity(suite.integrity ? integrity_key_size(*suite.integrity) : 0,
                              static_cast<std::uint8_t>(fill + 1));
        return MessageProtection(suite, encryption, integrity);
    }

    const Header header{
        {1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1}, ExchangeType::ike_auth, true, false, 1};
    const std::vector<Payload> inner{
        IdPayload{false, Identity{IdType::fqdn, text("b.example")}},
        NotifyPayload{ProtocolId::none, {}, NotifyType::initial_contact, {}},
        AuthPayload{AuthMethod::shared_key_mic, Bytes(32, 0x5a)}};
    test::CountingRandom random;
};

TEST_P(Protection, SealThenOpen) {
    MessageProtection sender = make(0x21);
    const MessageProtection receiver = make(0x21);
    const Bytes sealed = sender.seal(header, inner, random);
    auto opened = receiver.open(sealed);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(opened->header, header);
    EXPECT_EQ(opened->payloads, inner);

    auto empty = receiver.open(sender.seal(header, {}, random));
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_TRUE(empty->payloads.empty());
}

TEST_P(Protection, EveryModifiedByteIsRejected) {
    MessageProtection sender = make(0x21);
    const MessageProtection receiver = make(0x21);
    const Bytes sealed = sender.seal(header, inner, random);
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        Bytes tampered = sealed;
        tampered[i] ^= 0x01;
        EXPECT_FALSE(receiver.open(tampered)) << "byte " << i;
    }
}

TEST_P(Protection, WrongKeyIsRejected) {
    MessageProtection sender = make(0x21);
    const MessageProtection receiver = make(0x22);
    EXPECT_FALSE(receiver.open(sender.seal(header, inner, random)));
}

TEST_P(Protection, TruncatedOrUnprotectedIsRejected) {
    MessageProtection sender = make(0x21);
    const MessageProtection receiver = make(0x21);
    const Bytes sealed = sender.seal(header, inner, random);
    for (std::size_t cut = 1; cut < sealed.size() - header_size; ++cut) {
        Bytes truncated(sealed.begin(), sealed.end() - static_cast<std::ptrdiff_t>(cut));
        const std::size_t size = truncated.size();
        truncated[24] = std::uint8_t(size >> 24); // consistent IKE header Length
        truncated[25] = std::uint8_t(size >> 16);
        truncated[26] = std::uint8_t(size >> 8);
        truncated[27] = std::uint8_t(size);
        EXPECT_FALSE(receiver.open(truncated)) << "cut " << cut;
    }
    EXPECT_FALSE(receiver.open(encode_message(Message{header, inner})));
}

INSTANTIATE_TEST_SUITE_P(
    Suites, Protection,
    ::testing::Values(
        SuiteCase{"aes128gcm", {{EncryptionId::aes_gcm_16, 128}, PrfId::hmac_sha2_256, {}, {}}},
        SuiteCase{"aes256gcm", {{EncryptionId::aes_gcm_16, 256}, PrfId::hmac_sha2_512, {}, {}}},
        SuiteCase{"aes128_sha256",
                  {{EncryptionId::aes_cbc, 128},
                   PrfId::hmac_sha2_256,
                   IntegrityId::hmac_sha2_256_128,
                   {}}},
        SuiteCase{"aes256_sha384",
                  {{EncryptionId::aes_cbc, 256},
                   PrfId::hmac_sha2_384,
                   IntegrityId::hmac_sha2_384_192,
                   {}}},
        SuiteCase{"aes256_sha512",
                  {{EncryptionId::aes_cbc, 256},
                   PrfId::hmac_sha2_512,
                   IntegrityId::hmac_sha2_512_256,
                   {}}}),
    [](const ::testing::TestParamInfo<SuiteCase>& info) { return info.param.name; });

TEST(ProtectionKeys, WrongSizesAreRefused) {
    const NegotiatedSuite gcm{{EncryptionId::aes_gcm_16, 256}, PrfId::hmac_sha2_256, {}, {}};
    EXPECT_THROW(MessageProtection(gcm, Bytes(32), {}), std::invalid_argument); // no salt
    EXPECT_THROW(MessageProtection(gcm, Bytes(36), Bytes(32)), std::invalid_argument);
    const NegotiatedSuite cbc{
        {EncryptionId::aes_cbc, 128}, PrfId::hmac_sha2_256, IntegrityId::hmac_sha2_256_128, {}};
    EXPECT_THROW(MessageProtection(cbc, Bytes(16), Bytes(16)), std::invalid_argument);
}

// RFC 5282 3.1: explicit IVs never repeat under one key.
TEST(ProtectionKeys, GcmIvsDoNotRepeat) {
    const NegotiatedSuite gcm{{EncryptionId::aes_gcm_16, 128}, PrfId::hmac_sha2_256, {}, {}};
    MessageProtection sender(gcm, Bytes(20, 3), {});
    test::CountingRandom random;
    const Header header{};
    const Bytes first = sender.seal(header, {}, random);
    const Bytes second = sender.seal(header, {}, random);
    const std::size_t iv_offset = header_size + generic_header_size;
    EXPECT_NE(Bytes(first.begin() + iv_offset, first.begin() + iv_offset + 8),
              Bytes(second.begin() + iv_offset, second.begin() + iv_offset + 8));
}

} // namespace
} // namespace spirecovery::ike
