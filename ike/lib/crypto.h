// SPDX-License-Identifier: GPL-2.0
// Thin facade over OpenSSL 3 EVP: the only file pair in the library that talks to OpenSSL's
// crypto API. Every OpenSSL object lives in a unique_ptr with its free function; secrets are
// returned as SecureBytes, which wipe themselves.
//
// Errors: operations whose input comes from the network (peer's DH value, ciphertext, tags)
// return Result/optional. Failures that are not the peer's fault (allocation, a missing
// algorithm in the OpenSSL build) throw CryptoError.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "ike/lib/bytes.h"
#include "ike/lib/constants.h"
#include "ike/lib/result.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace spirecovery::ike::crypto {

class CryptoError : public std::runtime_error {
public:
    // Appends OpenSSL's error queue to `what` and clears it.
    explicit CryptoError(const std::string& what);
};

// Source of nonces, SPIs and IVs; injected so tests can be deterministic.
class RandomSource {
public:
    virtual ~RandomSource() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

// OpenSSL's DRBG (RAND_bytes).
class SystemRandom final : public RandomSource {
public:
    void fill(std::span<std::uint8_t> out) override;
};

enum class Hash { sha1, sha256, sha384, sha512 };

Bytes digest(Hash hash, ByteView data);
SecureBytes hmac(Hash hash, ByteView key, ByteView data);

// RFC 7296 2.13: the negotiated PRF, and prf+ (T1 | T2 | ...) cut to `length` bytes.
SecureBytes prf(PrfId id, ByteView key, ByteView data);
SecureBytes prf_plus(PrfId id, ByteView key, ByteView seed, std::size_t length);

// Integrity checksum for the SK payload (RFC 4868): HMAC truncated to half its size.
Bytes integrity_checksum(IntegrityId id, ByteView key, ByteView data);

// Comparison whose duration does not depend on where the inputs differ.
bool equal_constant_time(ByteView a, ByteView b);

// AES-GCM with a 16-byte tag (RFC 5282). `nonce` is salt(4) | explicit IV(8).
Bytes aes_gcm_seal(ByteView key, ByteView nonce, ByteView aad, ByteView plaintext);
// Returns nothing when the tag does not verify.
std::optional<SecureBytes> aes_gcm_open(ByteView key, ByteView nonce, ByteView aad,
                                        ByteView ciphertext_and_tag);

// AES-CBC without padding: the SK payload carries its own padding (RFC 7296 3.14).
// `plaintext`/`ciphertext` must be a multiple of 16 bytes.
Bytes aes_cbc_encrypt(ByteView key, ByteView iv, ByteView plaintext);
SecureBytes aes_cbc_decrypt(ByteView key, ByteView iv, ByteView ciphertext);

constexpr std::size_t aes_block_size = 16;
constexpr std::size_t gcm_tag_size = 16;

// An ephemeral Diffie-Hellman key for one KE payload. Public values use the IKEv2 encodings:
// MODP: big-endian, padded to the prime length (RFC 7296 3.4); ECP: x | y (RFC 5903 7);
// Curve25519: the 32-byte u-coordinate (RFC 8031 3).
class DhKey {
public:
    // Fresh key from OpenSSL's DRBG.
    static DhKey generate(DhGroup group);
    // Key with a given private value; used for known-answer tests (RFC 7748, RFC 5903).
    // Not available for MODP groups.
    static Result<DhKey> from_private(DhGroup group, ByteView private_value);

    DhGroup group() const { return group_; }
    Bytes public_value() const;
    // g^ir as IKEv2 uses it: the x-coordinate for ECP, zero-padded to the prime length for
    // MODP. Fails on a malformed or invalid peer value (wrong length, not on the curve,
    // outside 2..p-2, an all-zero X25519 result).
    Result<SecureBytes> shared_secret(ByteView peer_public) const;

    static std::size_t public_value_size(DhGroup group);

private:
    struct PkeyFree {
        void operator()(EVP_PKEY* key) const;
    };
    DhKey(DhGroup group, std::unique_ptr<EVP_PKEY, PkeyFree> key);

    DhGroup group_;
    std::unique_ptr<EVP_PKEY, PkeyFree> key_;
};

// Where an exchange gets its ephemeral DH key pairs; injected so that a daemon can generate
// them ahead of time, off the path from the event to the first packet. take() hands over a
// key pair nobody has been given before and keeps no copy: one key pair, one KE payload.
class DhKeySource {
public:
    virtual ~DhKeySource() = default;
    virtual DhKey take(DhGroup group) = 0;
};

// Generates each key pair when it is asked for.
class FreshDhKeys final : public DhKeySource {
public:
    DhKey take(DhGroup group) override { return DhKey::generate(group); }
};

} // namespace spirecovery::ike::crypto
