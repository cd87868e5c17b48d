// SPDX-License-Identifier: GPL-2.0
// SKEYSEED/prf+ key material, PSK AUTH and NAT detection hashes, each checked against values
// computed independently with python3 (hmac, hashlib); the computation is quoted per test.
#include <gtest/gtest.h>

#include "ike/lib/ike_sa_keys.h"
#include "ike/lib/nat_detection.h"
#include "ike/lib/psk_auth.h"
#include "ike/test/test_util.h"

namespace spirecovery::ike {
namespace {

using test::from_hex;
using test::text;

Bytes range(std::uint8_t first, std::uint8_t end) {
    Bytes out;
    for (unsigned b = first; b < end; ++b)
        out.push_back(static_cast<std::uint8_t>(b));
    return out;
}

Spi spi_from(std::uint8_t first) {
    Spi spi{};
    for (std::size_t i = 0; i < spi.size(); ++i)
        spi[i] = static_cast<std::uint8_t>(first + i);
    return spi;
}

// Python, with prfplus() as in crypto_test.cpp:
//   gir = bytes([0x11]) * 32; ni = bytes(range(0xa0, 0xc0)); nr = bytes(range(0xc0, 0xe0))
//   spii = bytes(range(1, 9)); spir = bytes(range(0x11, 0x19))
//   skeyseed = hmac.new(ni + nr, gir, h).digest()
//   keymat = prfplus(h, skeyseed, ni + nr + spii + spir, total), cut in RFC 7296 2.14 order
class IkeSaKeysTest : public ::testing::Test {
protected:
    const Bytes shared_secret = Bytes(32, 0x11);
    const Bytes nonce_i = range(0xa0, 0xc0);
    const Bytes nonce_r = range(0xc0, 0xe0);
    const Spi spi_i = spi_from(1);
    const Spi spi_r = spi_from(0x11);
};

TEST_F(IkeSaKeysTest, AesGcmWithSha256) {
    const NegotiatedSuite suite{
        {EncryptionId::aes_gcm_16, 256}, PrfId::hmac_sha2_256, {}, DhGroup::curve25519};
    const IkeSaKeys keys = derive_ike_sa_keys(suite, shared_secret, nonce_i, nonce_r, spi_i, spi_r);
    EXPECT_EQ(to_hex(keys.sk_d),
              "1cf115b191a4994dd181d2ae32cb54bedfe956f6700428e99a89a41911b8152f");
    EXPECT_TRUE(keys.sk_ai.empty());
    EXPECT_TRUE(keys.sk_ar.empty());
    EXPECT_EQ(to_hex(keys.sk_ei),
              "fa2063ea35167497554ce54fef06b1cbfa3a54e15cc94096f26e3a20998ac13419a6b1b8");
    EXPECT_EQ(to_hex(keys.sk_er),
              "5829f67da68e6c6b2c80de6ea842f786d6114242ea19456b19e0a5c34d201daa9043e02b");
    EXPECT_EQ(to_hex(keys.sk_pi),
              "3244090022e7e442ef825b911a7273e31f4aa83c378002e908bd1ccca0ab0da5");
    EXPECT_EQ(to_hex(keys.sk_pr),
              "d3fa83b551b8384d7e996d70a62bb40df58b660bafdecd55ce0a04e59d4040cc");
}

TEST_F(IkeSaKeysTest, AesCbcWithSha384) {
    const NegotiatedSuite suite{{EncryptionId::aes_cbc, 256},
                                PrfId::hmac_sha2_384,
                                IntegrityId::hmac_sha2_384_192,
                                DhGroup::modp_2048};
    const IkeSaKeys keys = derive_ike_sa_keys(suite, shared_secret, nonce_i, nonce_r, spi_i, spi_r);
    EXPECT_EQ(to_hex(keys.sk_d), "89af6d33d053821e5f3c31989902138258edd2ef4ec0c384"
                                 "21e23539ed20cc569cf80266ee86bfd32235a94fd59ec6b5");
    EXPECT_EQ(to_hex(keys.sk_ai), "2db00999b1e4cfe89095d947b44f1bc5ee49b4c62f16d454"
                                  "d415e25dbfc9e2aedd3cedf425d12b0e41911df7eb15d7df");
    EXPECT_EQ(to_hex(keys.sk_ar), "a5f311f31e6dffeab0881fdc8e51f39d39e046816488c490"
                                  "83bee5febf49e4a5b3418fcbe04587ec5a61970b2621772a");
    EXPECT_EQ(to_hex(keys.sk_ei),
              "f83bff907751e54a53953942fc1122cde286cc6597efb4dd24d486592b9039e6");
    EXPECT_EQ(to_hex(keys.sk_er),
              "7af96d819fa29a75542653d3d24366bff65beba035adad54de72cd488d4cc1d7");
    EXPECT_EQ(to_hex(keys.sk_pi), "1642855f95f249abf572822840557d5e77aab7b320f7add9"
                                  "c374f0d94c71e13cbd008564a0f61ccd080a3b2208d1026a");
    EXPECT_EQ(to_hex(keys.sk_pr), "fa0355c3836b6285e8de70c501b77963203285339450de2e"
                                  "3c8d521fccc2fb026b43d5dcbcf6b17e62ef7fecd5db0d10");
}

// Python:
//   prf = lambda k, d: hmac.new(k, d, hashlib.sha256).digest()
//   prf(prf(b"correct horse battery staple", b"Key Pad for IKEv2"),
//       b"RealMessage1: the IKE_SA_INIT request" + bytes(range(0x40, 0x60))
//       + prf(bytes(range(0x60, 0x80)), bytes([2, 0, 0, 0]) + b"b.example")).hex()
TEST(PskAuth, MatchesIndependentComputation) {
    const Bytes id_body = encode_id_body(Identity{IdType::fqdn, text("b.example")});
    EXPECT_EQ(to_hex(id_body), "02000000622e6578616d706c65");
    const SecureBytes auth =
        psk_auth_data(PrfId::hmac_sha2_256, text("correct horse battery staple"),
                      text("RealMessage1: the IKE_SA_INIT request"), range(0x40, 0x60),
                      range(0x60, 0x80), id_body);
    EXPECT_EQ(to_hex(auth), "56c7d4a68450f557cd0744e045fce3ad1cf4b340a850e71e121bcfe2852d0f68");
}

// Python:
//   hashlib.sha1(bytes(range(1, 9)) + bytes(8) + bytes([192, 0, 2, 1]) + (500).to_bytes(2, "big"))
//   hashlib.sha1(bytes(range(1, 9)) + bytes(range(0x11, 0x19))
//                + bytes.fromhex("20010db8000000000000000000000001") + (4500).to_bytes(2, "big"))
TEST(NatDetection, MatchesIndependentComputation) {
    const Endpoint v4{*IpAddress::parse("192.0.2.1"), 500};
    const Endpoint v6{*IpAddress::parse("2001:db8::1"), 4500};
    EXPECT_EQ(to_hex(nat_detection_hash(spi_from(1), Spi{}, v4)),
              "644b4575455bd6fcc1efe2be8162a9218e448e5f");
    EXPECT_EQ(to_hex(nat_detection_hash(spi_from(1), spi_from(0x11), v6)),
              "1ee24423bf8f59515e0265c6d0f08be3d038f7e5");
}

} // namespace
} // namespace spirecovery::ike
