// SPDX-License-Identifier: GPL-2.0
// The crypto facade against published known-answer vectors.
#include <gtest/gtest.h>

#include "ike/lib/crypto.h"
#include "ike/lib/proposal.h"
#include "ike/test/test_util.h"

namespace spirecovery::ike {
namespace {

using test::from_hex;
using test::text;

// RFC 4231 4.3 (test case 2) and 4.7 (test case 6, key longer than the block size).
TEST(Hmac, Rfc4231TestCase2) {
    const Bytes key = text("Jefe");
    const Bytes data = text("what do ya want for nothing?");
    EXPECT_EQ(to_hex(crypto::prf(PrfId::hmac_sha2_256, key, data)),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    EXPECT_EQ(to_hex(crypto::prf(PrfId::hmac_sha2_384, key, data)),
              "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
              "8e2240ca5e69e2c78b3239ecfab21649");
    EXPECT_EQ(to_hex(crypto::prf(PrfId::hmac_sha2_512, key, data)),
              "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
              "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

TEST(Hmac, Rfc4231TestCase6LongKey) {
    const Bytes key(131, 0xaa);
    EXPECT_EQ(to_hex(crypto::prf(PrfId::hmac_sha2_256, key,
                                 text("Test Using Larger Than Block-Size Key - Hash Key First"))),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// RFC 4868 2.3: the ICV is the HMAC truncated to half its length. Expected value computed
// with python3: hmac.new(bytes(range(32)), b"integrity input", hashlib.sha256).hexdigest()[:32]
TEST(Hmac, IntegrityChecksumIsTruncated) {
    Bytes key(32);
    for (std::size_t i = 0; i < key.size(); ++i)
        key[i] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(to_hex(crypto::integrity_checksum(IntegrityId::hmac_sha2_256_128, key,
                                                text("integrity input"))),
              "a3e67a0c34063b89d671062f1c47c0ef");
    EXPECT_EQ(crypto::integrity_checksum(IntegrityId::hmac_sha2_512_256, key, text("x")).size(),
              32u);
}

// prf+ (RFC 7296 2.13). Expected values computed with python3:
//   def prfplus(h, k, s, n):
//       out = t = b""; i = 1
//       while len(out) < n: t = hmac.new(k, t + s + bytes([i]), h).digest(); out += t; i += 1
//       return out[:n]
//   prfplus(hashlib.sha256, bytes(range(1, 33)), b"seed for prf+", 100).hex()
//   prfplus(hashlib.sha384, bytes(range(1, 33)), b"seed for prf+", 70).hex()
TEST(PrfPlus, MatchesIndependentComputation) {
    Bytes key(32);
    for (std::size_t i = 0; i < key.size(); ++i)
        key[i] = static_cast<std::uint8_t>(i + 1);
    EXPECT_EQ(to_hex(crypto::prf_plus(PrfId::hmac_sha2_256, key, text("seed for prf+"), 100)),
              "f7c97fc7a2114d6787ae9772cc448e3cb8ea2790bd2773b2e5669ce5e017ac64"
              "dae9af0f720737010d8f0d26bd3f43dbfaf8a60cb1d4a13d17fab621fa6c8978"
              "2184006894ecac2fd2953b3b40574b89ca39b993f896ae0e1c218da3e531b638"
              "66d77f28");
    EXPECT_EQ(to_hex(crypto::prf_plus(PrfId::hmac_sha2_384, key, text("seed for prf+"), 70)),
              "3712ddf7c6309dd86256fc86f16dacd0eac09a878c3ccf6d16e069759da95d4a"
              "be67a5806a17f7d585c3e95cf6addaf4c2b2c2de541e1334e033a049c236cb58"
              "c5c1250e63e5");
}

TEST(PrfPlus, RefusesMoreThan255Blocks) {
    EXPECT_THROW((void)crypto::prf_plus(PrfId::hmac_sha2_256, text("k"), text("s"), 255 * 32 + 1),
                 crypto::CryptoError);
    EXPECT_EQ(crypto::prf_plus(PrfId::hmac_sha2_256, text("k"), text("s"), 255 * 32).size(),
              255u * 32);
}

// RFC 7748 6.1
TEST(DiffieHellman, X25519Rfc7748) {
    auto alice = crypto::DhKey::from_private(
        DhGroup::curve25519,
        from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    auto bob = crypto::DhKey::from_private(
        DhGroup::curve25519,
        from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    ASSERT_TRUE(alice && bob);
    EXPECT_EQ(to_hex(alice->public_value()),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(to_hex(bob->public_value()),
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto shared = alice->shared_secret(bob->public_value());
    ASSERT_TRUE(shared) << shared.error().message;
    EXPECT_EQ(to_hex(shared.value()),
              "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

TEST(DiffieHellman, X25519RejectsLowOrderPoint) {
    const crypto::DhKey key = crypto::DhKey::generate(DhGroup::curve25519);
    EXPECT_FALSE(key.shared_secret(Bytes(32, 0))); // all-zero shared secret (RFC 8031 2)
    EXPECT_FALSE(key.shared_secret(Bytes(31, 9)));
}

// RFC 5903 8.1: KE data is x | y, the shared secret is the x coordinate of g^ir.
TEST(DiffieHellman, Ecp256Rfc5903) {
    auto initiator = crypto::DhKey::from_private(
        DhGroup::ecp_256,
        from_hex("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433"));
    ASSERT_TRUE(initiator);
    EXPECT_EQ(to_hex(initiator->public_value()),
              "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
              "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
    auto shared = initiator->shared_secret(
        from_hex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
                 "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB"));
    ASSERT_TRUE(shared) << shared.error().message;
    EXPECT_EQ(to_hex(shared.value()),
              "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
}

TEST(DiffieHellman, Ecp256RejectsPointOffCurve) {
    const crypto::DhKey key = crypto::DhKey::generate(DhGroup::ecp_256);
    Bytes off_curve = key.public_value();
    off_curve.back() ^= 1;
    EXPECT_FALSE(key.shared_secret(off_curve));
    EXPECT_FALSE(key.shared_secret(Bytes(64, 0)));
}

// No published IKE vector for MODP-2048 key agreement: check agreement, size and the range
// check instead.
TEST(DiffieHellman, Modp2048AgreesAndChecksRange) {
    const crypto::DhKey a = crypto::DhKey::generate(DhGroup::modp_2048);
    const crypto::DhKey b = crypto::DhKey::generate(DhGroup::modp_2048);
    ASSERT_EQ(a.public_value().size(), 256u);
    auto ab = a.shared_secret(b.public_value());
    auto ba = b.shared_secret(a.public_value());
    ASSERT_TRUE(ab && ba);
    EXPECT_EQ(ab.value(), ba.value());
    EXPECT_EQ(ab->size(), 256u); // padded to the prime length
    Bytes one(256, 0);
    one.back() = 1;
    EXPECT_FALSE(a.shared_secret(one));
    EXPECT_FALSE(a.shared_secret(Bytes(256, 0xff))); // larger than p
    EXPECT_FALSE(a.shared_secret(Bytes(128, 5)));
}

TEST(DiffieHellman, GeneratedKeysAgreeForEveryGroup) {
    for (DhGroup group : {DhGroup::curve25519, DhGroup::ecp_256, DhGroup::modp_2048}) {
        const crypto::DhKey a = crypto::DhKey::generate(group);
        const crypto::DhKey b = crypto::DhKey::generate(group);
        EXPECT_EQ(a.public_value().size(), crypto::DhKey::public_value_size(group));
        EXPECT_EQ(a.shared_secret(b.public_value()).value(),
                  b.shared_secret(a.public_value()).value())
            << to_string(group);
    }
}

// The GCM specification's (McGrew & Viega) test case 16: AES-256, 96-bit IV, with AAD.
TEST(AesGcm, McGrewViegaTestCase16) {
    const Bytes key = from_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    const Bytes nonce = from_hex("cafebabefacedbaddecaf888");
    const Bytes aad = from_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    const Bytes plaintext =
        from_hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                 "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    const std::string expected = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                                 "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                                 "76fc6ece0f4e1768cddf8853bb2d551b";
    const Bytes sealed = crypto::aes_gcm_seal(key, nonce, aad, plaintext);
    EXPECT_EQ(to_hex(sealed), expected);
    auto opened = crypto::aes_gcm_open(key, nonce, aad, sealed);
    ASSERT_TRUE(opened);
    EXPECT_EQ(Bytes(opened->begin(), opened->end()), plaintext);
}

TEST(AesGcm, OpenRejectsAnyModification) {
    const Bytes key(16, 7);
    const Bytes nonce(12, 1);
    const Bytes aad = text("header");
    const Bytes sealed = crypto::aes_gcm_seal(key, nonce, aad, text("payloads"));
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        Bytes tampered = sealed;
        tampered[i] ^= 0x80;
        EXPECT_FALSE(crypto::aes_gcm_open(key, nonce, aad, tampered)) << "byte " << i;
    }
    EXPECT_FALSE(crypto::aes_gcm_open(key, nonce, text("Header"), sealed));
    EXPECT_FALSE(crypto::aes_gcm_open(key, nonce, aad, ByteView(sealed).first(15)));
}

// NIST SP 800-38A F.2.1 and F.2.5 (first two blocks).
TEST(AesCbc, Sp80038aVectors) {
    const Bytes iv = from_hex("000102030405060708090a0b0c0d0e0f");
    const Bytes plaintext = from_hex("6bc1bee22e409f96e93d7e117393172a"
                                     "ae2d8a571e03ac9c9eb76fac45af8e51");
    const Bytes key128 = from_hex("2b7e151628aed2a6abf7158809cf4f3c");
    const Bytes key256 =
        from_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    const Bytes c128 = crypto::aes_cbc_encrypt(key128, iv, plaintext);
    const Bytes c256 = crypto::aes_cbc_encrypt(key256, iv, plaintext);
    EXPECT_EQ(to_hex(c128), "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
    EXPECT_EQ(to_hex(c256), "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d");
    const SecureBytes decrypted = crypto::aes_cbc_decrypt(key256, iv, c256);
    EXPECT_EQ(Bytes(decrypted.begin(), decrypted.end()), plaintext);
}

TEST(AesCbc, RejectsPartialBlocks) {
    EXPECT_THROW((void)crypto::aes_cbc_encrypt(Bytes(16), Bytes(16), Bytes(15)),
                 crypto::CryptoError);
}

TEST(ConstantTime, Compare) {
    EXPECT_TRUE(crypto::equal_constant_time(text("abc"), text("abc")));
    EXPECT_FALSE(crypto::equal_constant_time(text("abc"), text("abd")));
    EXPECT_FALSE(crypto::equal_constant_time(text("abc"), text("ab")));
}

} // namespace
} // namespace spirecovery::ike
