// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/proposal.h"

#include <algorithm>
#include <array>

namespace spirecovery::ike {

namespace {

struct Keyword {
    std::string_view name;
    TransformType type;
    std::uint16_t id;
    std::uint16_t key_bits; // encryption only
};

constexpr std::array keywords{
    Keyword{"aes128", TransformType::encryption, std::uint16_t(EncryptionId::aes_cbc), 128},
    Keyword{"aes256", TransformType::encryption, std::uint16_t(EncryptionId::aes_cbc), 256},
    Keyword{"aes128gcm16", TransformType::encryption, std::uint16_t(EncryptionId::aes_gcm_16), 128},
    Keyword{"aes256gcm16", TransformType::encryption, std::uint16_t(EncryptionId::aes_gcm_16), 256},
    Keyword{"aes128gcm", TransformType::encryption, std::uint16_t(EncryptionId::aes_gcm_16), 128},
    Keyword{"aes256gcm", TransformType::encryption, std::uint16_t(EncryptionId::aes_gcm_16), 256},
    Keyword{"sha256", TransformType::integrity, std::uint16_t(IntegrityId::hmac_sha2_256_128), 0},
    Keyword{"sha384", TransformType::integrity, std::uint16_t(IntegrityId::hmac_sha2_384_192), 0},
    Keyword{"sha512", TransformType::integrity, std::uint16_t(IntegrityId::hmac_sha2_512_256), 0},
    Keyword{"prfsha256", TransformType::prf, std::uint16_t(PrfId::hmac_sha2_256), 0},
    Keyword{"prfsha384", TransformType::prf, std::uint16_t(PrfId::hmac_sha2_384), 0},
    Keyword{"prfsha512", TransformType::prf, std::uint16_t(PrfId::hmac_sha2_512), 0},
    Keyword{"x25519", TransformType::dh_group, std::uint16_t(DhGroup::curve25519), 0},
    Keyword{"curve25519", TransformType::dh_group, std::uint16_t(DhGroup::curve25519), 0},
    Keyword{"ecp256", TransformType::dh_group, std::uint16_t(DhGroup::ecp_256), 0},
    Keyword{"modp2048", TransformType::dh_group, std::uint16_t(DhGroup::modp_2048), 0},
};

// strongSwan derives the PRF from a bare integrity keyword when no PRF is named.
PrfId prf_for(IntegrityId id) {
    switch (id) {
    case IntegrityId::hmac_sha2_384_192:
        return PrfId::hmac_sha2_384;
    case IntegrityId::hmac_sha2_512_256:
        return PrfId::hmac_sha2_512;
    case IntegrityId::hmac_sha2_256_128:
        break;
    }
    return PrfId::hmac_sha2_256;
}

template <typename T>
void add_unique(std::vector<T>& list, const T& value) {
    if (std::find(list.begin(), list.end(), value) == list.end())
        list.push_back(value);
}

template <typename T, typename Name>
std::string join(const std::vector<T>& list, Name name) {
    std::string out;
    for (const T& value : list)
        out += (out.empty() ? "" : "/") + name(value);
    return out;
}

std::string encryption_name(const EncryptionAlgorithm& encryption) {
    return to_string(encryption.id) + "_" + std::to_string(encryption.key_bits);
}

} // namespace

Result<IkeProposal> IkeProposal::parse(std::string_view text) {
    IkeProposal proposal;
    std::vector<IntegrityId> integrity;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('-', start), text.size());
        const std::string_view word = text.substr(start, end - start);
        auto keyword = std::find_if(keywords.begin(), keywords.end(),
                                    [&](const Keyword& k) { return k.name == word; });
        if (keyword == keywords.end())
            return Error{"unsupported algorithm \"" + std::string(word) + "\" in proposal \"" +
                         std::string(text) + "\""};
        switch (keyword->type) {
        case TransformType::encryption:
            add_unique(proposal.encryption,
                       EncryptionAlgorithm{EncryptionId(keyword->id), keyword->key_bits});
            break;
        case TransformType::integrity:
            add_unique(integrity, IntegrityId(keyword->id));
            break;
        case TransformType::prf:
            add_unique(proposal.prf, PrfId(keyword->id));
            break;
        case TransformType::dh_group:
            add_unique(proposal.dh_groups, DhGroup(keyword->id));
            break;
        case TransformType::esn: // no keyword names an ESN transform
            break;
        }
        start = end + 1;
    }

    const bool aead = !proposal.encryption.empty() && proposal.encryption.front().is_aead();
    if (proposal.prf.empty()) {
        for (IntegrityId id : integrity)
            add_unique(proposal.prf, prf_for(id));
    }
    // With AEAD ciphers "sha256" only names the PRF, as in strongSwan's "aes256gcm16-sha256".
    if (!aead)
        proposal.integrity = std::move(integrity);

    if (Status status = proposal.validate(); !status)
        return Error{"proposal \"" + std::string(text) + "\": " + status.error().message};
    return proposal;
}

Status IkeProposal::validate() const {
    if (encryption.empty())
        return Error{"no encryption algorithm"};
    if (prf.empty())
        return Error{"no PRF"};
    if (dh_groups.empty())
        return Error{"no DH group"};
    const bool aead = encryption.front().is_aead();
    for (const EncryptionAlgorithm& algorithm : encryption) {
        if (algorithm.id != EncryptionId::aes_cbc && algorithm.id != EncryptionId::aes_gcm_16)
            return Error{"unsupported cipher " + ike::to_string(algorithm.id)};
        if (algorithm.is_aead() != aead)
            return Error{"AEAD and non-AEAD ciphers in one proposal"};
        if (algorithm.key_bits != 128 && algorithm.key_bits != 256)
            return Error{"unsupported key length " + std::to_string(algorithm.key_bits)};
    }
    for (PrfId id : prf) {
        if (id != PrfId::hmac_sha2_256 && id != PrfId::hmac_sha2_384 && id != PrfId::hmac_sha2_512)
            return Error{"unsupported PRF " + ike::to_string(id)};
    }
    for (IntegrityId id : integrity) {
        if (id != IntegrityId::hmac_sha2_256_128 && id != IntegrityId::hmac_sha2_384_192 &&
            id != IntegrityId::hmac_sha2_512_256)
            return Error{"unsupported integrity algorithm " + ike::to_string(id)};
    }
    for (DhGroup group : dh_groups) {
        if (group != DhGroup::curve25519 && group != DhGroup::ecp_256 &&
            group != DhGroup::modp_2048)
            return Error{"unsupported DH group " + ike::to_string(group)};
    }
    if (aead && !integrity.empty())
        return Error{"integrity algorithm with an AEAD cipher"};
    if (!aead && integrity.empty())
        return Error{"no integrity algorithm"};
    return success();
}

std::string IkeProposal::to_string() const {
    std::string out = join(encryption, encryption_name);
    if (!integrity.empty())
        out += "-" + join(integrity, [](IntegrityId id) { return ike::to_string(id); });
    out += "-" + join(prf, [](PrfId id) { return ike::to_string(id); });
    out += "-" + join(dh_groups, [](DhGroup group) { return ike::to_string(group); });
    return out;
}

std::string NegotiatedSuite::to_string() const {
    std::string out = encryption_name(encryption);
    if (integrity)
        out += "/" + ike::to_string(*integrity);
    return out + "/" + ike::to_string(prf) + "/" + ike::to_string(dh_group);
}

std::size_t encryption_key_size(const EncryptionAlgorithm& encryption) {
    constexpr std::size_t gcm_salt_size = 4; // RFC 5282 7.1
    return encryption.key_bits / 8 + (encryption.is_aead() ? gcm_salt_size : 0);
}

std::size_t integrity_key_size(IntegrityId id) {
    switch (id) {
    case IntegrityId::hmac_sha2_384_192:
        return 48;
    case IntegrityId::hmac_sha2_512_256:
        return 64;
    case IntegrityId::hmac_sha2_256_128:
        break;
    }
    return 32;
}

std::size_t integrity_icv_size(IntegrityId id) {
    return integrity_key_size(id) / 2;
}

std::size_t prf_output_size(PrfId id) {
    switch (id) {
    case PrfId::hmac_sha2_384:
        return 48;
    case PrfId::hmac_sha2_512:
        return 64;
    case PrfId::hmac_sha2_256:
        break;
    }
    return 32;
}

} // namespace spirecovery::ike
