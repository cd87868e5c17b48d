// SPDX-License-Identifier: GPL-2.0
// IKE SA proposals: what we offer in IKE_SA_INIT and what the responder picked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/lib/constants.h"
#include "ike/lib/result.h"

namespace spirecovery::ike {

struct EncryptionAlgorithm {
    EncryptionId id = EncryptionId::aes_gcm_16;
    std::uint16_t key_bits = 256; // 128 or 256

    bool is_aead() const { return id == EncryptionId::aes_gcm_16; }
    bool operator==(const EncryptionAlgorithm&) const = default;
};

// One IKE proposal. AEAD proposals carry no integrity algorithm (RFC 5282 8); a proposal
// never mixes AEAD and non-AEAD ciphers.
struct IkeProposal {
    std::vector<EncryptionAlgorithm> encryption;
    std::vector<PrfId> prf;
    std::vector<IntegrityId> integrity;
    std::vector<DhGroup> dh_groups;

    // strongSwan proposal keywords, e.g. "aes256gcm16-prfsha384-x25519" or
    // "aes128-aes256-sha256-sha512-ecp256-modp2048". A bare integrity keyword ("sha256")
    // also adds the matching PRF when no "prf..." keyword is given, as in strongSwan.
    // Supported: aes128 aes256 aes128gcm16 aes256gcm16 (aes128gcm/aes256gcm), sha256 sha384
    // sha512, prfsha256 prfsha384 prfsha512, x25519 (curve25519) ecp256 modp2048.
    static Result<IkeProposal> parse(std::string_view text);
    // Complete, consistent, and only algorithms this library implements.
    Status validate() const;
    std::string to_string() const;

    bool operator==(const IkeProposal&) const = default;
};

// The single transform of each type the responder selected (RFC 7296 2.7).
struct NegotiatedSuite {
    EncryptionAlgorithm encryption;
    PrfId prf = PrfId::hmac_sha2_256;
    std::optional<IntegrityId> integrity; // empty for AEAD
    DhGroup dh_group = DhGroup::curve25519;

    std::string to_string() const;
    bool operator==(const NegotiatedSuite&) const = default;
};

// Key sizes that follow from the algorithms (RFC 7296 2.14, RFC 5282 7.1, RFC 4868).
std::size_t encryption_key_size(const EncryptionAlgorithm& encryption); // with GCM salt
std::size_t integrity_key_size(IntegrityId id);
std::size_t integrity_icv_size(IntegrityId id);
std::size_t prf_output_size(PrfId id);

} // namespace spirecovery::ike
