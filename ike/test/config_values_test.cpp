// SPDX-License-Identifier: GPL-2.0
// Identities, addresses and proposals as the daemon's configuration spells them.
#include <gtest/gtest.h>

#include "ike/lib/address.h"
#include "ike/lib/identity.h"
#include "ike/lib/proposal.h"
#include "ike/test/test_util.h"

namespace spirecovery::ike {
namespace {

using test::text;

TEST(Identity, ParsesStrongSwanSyntax) {
    struct Case {
        const char* input;
        IdType type;
        Bytes data;
    };
    const Case cases[] = {
        {"192.0.2.1", IdType::ipv4_addr, {192, 0, 2, 1}},
        {"2001:db8::1",
         IdType::ipv6_addr,
         {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"b.example", IdType::fqdn, text("b.example")},
        {"@b.example", IdType::fqdn, text("b.example")},
        {"user@b.example", IdType::rfc822_addr, text("user@b.example")},
        {"@@user", IdType::rfc822_addr, text("user")},
        {"@#0a1B", IdType::key_id, {0x0a, 0x1b}},
        {"fqdn:192.0.2.1", IdType::fqdn, text("192.0.2.1")},
        {"email:x", IdType::rfc822_addr, text("x")},
        {"keyid:#ff00", IdType::key_id, {0xff, 0x00}},
        {"keyid:abc", IdType::key_id, text("abc")},
        {"ipv4:198.51.100.7", IdType::ipv4_addr, {198, 51, 100, 7}},
    };
    for (const Case& c : cases) {
        auto id = Identity::parse(c.input);
        ASSERT_TRUE(id) << c.input << ": " << id.error().message;
        EXPECT_EQ(id->type, c.type) << c.input;
        EXPECT_EQ(id->data, c.data) << c.input;
    }
}

TEST(Identity, RejectsBadInput) {
    for (const char* bad : {"", "@", "@#", "@#abc", "@#zz", "ipv4:2001:db8::1", "ipv6:1.2.3.4",
                            "CN=gateway, O=example", "fqdn:", "%any"})
        EXPECT_FALSE(Identity::parse(bad)) << bad;
}

TEST(Identity, PrintsForLogs) {
    EXPECT_EQ(Identity::parse("192.0.2.1")->to_string(), "192.0.2.1");
    EXPECT_EQ(Identity::parse("@#0a1b")->to_string(), "@#0a1b");
    EXPECT_EQ(Identity::parse("user@b.example")->to_string(), "user@b.example");
    // peer-supplied control characters never reach the log as text
    EXPECT_EQ((Identity{IdType::fqdn, {'a', '\n', 'b'}}).to_string(), "id2:#610a62");
}

TEST(Address, ParsesAndPrints) {
    EXPECT_EQ(IpAddress::parse("192.0.2.1")->to_string(), "192.0.2.1");
    EXPECT_EQ(IpAddress::parse("2001:db8::1")->family(), IpAddress::Family::ipv6);
    EXPECT_FALSE(IpAddress::parse("gateway.example"));
    EXPECT_FALSE(IpAddress::parse("192.0.2.1 "));
    EXPECT_EQ((Endpoint{*IpAddress::parse("2001:db8::1"), 500}).to_string(), "[2001:db8::1]:500");
}

TEST(Proposal, ParsesAead) {
    auto proposal = IkeProposal::parse("aes256gcm16-aes128gcm16-prfsha384-x25519-ecp256");
    ASSERT_TRUE(proposal) << proposal.error().message;
    EXPECT_EQ(proposal->encryption,
              (std::vector<EncryptionAlgorithm>{{EncryptionId::aes_gcm_16, 256},
                                                {EncryptionId::aes_gcm_16, 128}}));
    EXPECT_EQ(proposal->prf, std::vector<PrfId>{PrfId::hmac_sha2_384});
    EXPECT_TRUE(proposal->integrity.empty());
    EXPECT_EQ(proposal->dh_groups, (std::vector<DhGroup>{DhGroup::curve25519, DhGroup::ecp_256}));
}

TEST(Proposal, IntegrityKeywordImpliesPrfAsInStrongSwan) {
    auto cbc = IkeProposal::parse("aes128-sha256-sha512-modp2048");
    ASSERT_TRUE(cbc) << cbc.error().message;
    EXPECT_EQ(cbc->integrity, (std::vector<IntegrityId>{IntegrityId::hmac_sha2_256_128,
                                                        IntegrityId::hmac_sha2_512_256}));
    EXPECT_EQ(cbc->prf, (std::vector<PrfId>{PrfId::hmac_sha2_256, PrfId::hmac_sha2_512}));

    auto gcm = IkeProposal::parse("aes256gcm16-sha384-x25519");
    ASSERT_TRUE(gcm) << gcm.error().message;
    EXPECT_TRUE(gcm->integrity.empty());
    EXPECT_EQ(gcm->prf, std::vector<PrfId>{PrfId::hmac_sha2_384});
}

TEST(Proposal, RejectsIncompleteOrMixed) {
    for (const char* bad :
         {"", "aes256", "aes256-sha256", "aes256gcm16-x25519", "aes256-aes256gcm16-sha256-x25519",
          "aes256-prfsha256-x25519", "3des-sha1-modp1024", "aes256-sha256-x25519-"})
        EXPECT_FALSE(IkeProposal::parse(bad)) << bad;
}

TEST(Proposal, ValidateRejectsAlgorithmsWeDoNotImplement) {
    IkeProposal proposal = IkeProposal::parse("aes128-sha256-ecp256").value();
    ASSERT_TRUE(proposal.validate());
    proposal.dh_groups.push_back(DhGroup(2)); // MODP-1024
    EXPECT_FALSE(proposal.validate());
    proposal = IkeProposal::parse("aes128-sha256-ecp256").value();
    proposal.encryption.push_back({EncryptionId(3), 192}); // 3DES
    EXPECT_FALSE(proposal.validate());
    proposal = IkeProposal::parse("aes128-sha256-ecp256").value();
    proposal.prf.push_back(PrfId(2)); // HMAC-SHA1
    EXPECT_FALSE(proposal.validate());
}

TEST(Proposal, KeySizes) {
    EXPECT_EQ(encryption_key_size({EncryptionId::aes_gcm_16, 256}), 36u); // with salt
    EXPECT_EQ(encryption_key_size({EncryptionId::aes_cbc, 128}), 16u);
    EXPECT_EQ(integrity_key_size(IntegrityId::hmac_sha2_384_192), 48u);
    EXPECT_EQ(integrity_icv_size(IntegrityId::hmac_sha2_384_192), 24u);
    EXPECT_EQ(prf_output_size(PrfId::hmac_sha2_512), 64u);
}

} // namespace
} // namespace spirecovery::ike
