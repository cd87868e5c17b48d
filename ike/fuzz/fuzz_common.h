// SPDX-License-Identifier: GPL-2.0
// Fixed inputs shared by the fuzz targets and the seed corpus generator, so the committed
// seeds match what the targets expect (same keys, same initiator SPI).
#pragma once

#include <cstdint>
#include <span>

#include "ike/lib/message_protection.h"
#include "ike/lib/recovery_exchange.h"
#include "ike/test/test_util.h"

namespace spirecovery::ike::fuzz {

inline NegotiatedSuite gcm_suite() {
    return {{EncryptionId::aes_gcm_16, 256}, PrfId::hmac_sha2_256, {}, DhGroup::curve25519};
}

inline NegotiatedSuite cbc_suite() {
    return {{EncryptionId::aes_cbc, 128},
            PrfId::hmac_sha2_256,
            IntegrityId::hmac_sha2_256_128,
            DhGroup::ecp_256};
}

inline Bytes fixed_encryption_key(const NegotiatedSuite& suite) {
    return Bytes(encryption_key_size(suite.encryption), 0x42);
}

inline Bytes fixed_integrity_key(const NegotiatedSuite& suite) {
    return Bytes(suite.integrity ? integrity_key_size(*suite.integrity) : 0, 0x24);
}

inline MessageProtection fixed_protection(const NegotiatedSuite& suite) {
    return MessageProtection(suite, fixed_encryption_key(suite), fixed_integrity_key(suite));
}

// Deterministic "randomness": the exchange fuzzer then always uses the same SPIi, which the
// seeds carry.
class FixedRandom final : public crypto::RandomSource {
public:
    void fill(std::span<std::uint8_t> out) override {
        for (std::uint8_t& byte : out)
            byte = next_++;
    }

private:
    std::uint8_t next_ = 1;
};

inline RecoveryConfig exchange_config() {
    RecoveryConfig config;
    config.local = Endpoint{*IpAddress::parse("192.0.2.2"), 40000};
    config.remote = Endpoint{*IpAddress::parse("192.0.2.1"), ike_port};
    config.local_id = Identity::parse("b.example").value();
    config.remote_id = Identity::parse("a.example").value();
    config.psk = to_secure(Bytes(16, 0x77));
    config.proposals = {IkeProposal::parse("aes256gcm16-prfsha256-x25519-ecp256").value(),
                        IkeProposal::parse("aes128-sha256-ecp256-modp2048").value()};
    config.stale_sa.spi = 0xc0ffee01;
    return config;
}

} // namespace spirecovery::ike::fuzz
