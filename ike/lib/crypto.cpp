// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/crypto.h"

#include <climits>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "ike/lib/proposal.h"

namespace spirecovery::ike::crypto {

namespace {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* object) const {
        Free(object);
    }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;

std::string openssl_errors() {
    std::string out;
    while (unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof(text));
        out += out.empty() ? ": " : "; ";
        out += text;
    }
    return out;
}

// OpenSSL takes int lengths; IKE messages are far below INT_MAX, so larger means a bug.
int int_size(std::size_t size) {
    if (size > INT_MAX)
        throw CryptoError("buffer too large");
    return static_cast<int>(size);
}

const EVP_MD* message_digest(Hash hash) {
    switch (hash) {
    case Hash::sha1:
        return EVP_sha1();
    case Hash::sha256:
        return EVP_sha256();
    case Hash::sha384:
        return EVP_sha384();
    case Hash::sha512:
        break;
    }
    return EVP_sha512();
}

Hash prf_hash(PrfId id) {
    switch (id) {
    case PrfId::hmac_sha2_384:
        return Hash::sha384;
    case PrfId::hmac_sha2_512:
        return Hash::sha512;
    case PrfId::hmac_sha2_256:
        break;
    }
    return Hash::sha256;
}

Hash integrity_hash(IntegrityId id) {
    switch (id) {
    case IntegrityId::hmac_sha2_384_192:
        return Hash::sha384;
    case IntegrityId::hmac_sha2_512_256:
        return Hash::sha512;
    case IntegrityId::hmac_sha2_256_128:
        break;
    }
    return Hash::sha256;
}

const EVP_CIPHER* aes_cipher(std::size_t key_size, bool gcm) {
    switch (key_size) {
    case 16:
        return gcm ? EVP_aes_128_gcm() : EVP_aes_128_cbc();
    case 32:
        return gcm ? EVP_aes_256_gcm() : EVP_aes_256_cbc();
    default:
        throw CryptoError("unsupported AES key size " + std::to_string(key_size));
    }
}

CipherCtxPtr new_cipher_ctx() {
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        throw CryptoError("EVP_CIPHER_CTX_new");
    return ctx;
}

// Prepares an AES-GCM context with key, nonce and additional data.
CipherCtxPtr gcm_context(bool encrypt, ByteView key, ByteView nonce, ByteView aad) {
    constexpr std::size_t gcm_nonce_size = 12;
    if (nonce.size() != gcm_nonce_size)
        throw CryptoError("AES-GCM nonce must be 12 bytes");
    CipherCtxPtr ctx = new_cipher_ctx();
    int length = 0;
    if (EVP_CipherInit_ex2(ctx.get(), aes_cipher(key.size(), true), key.data(), nonce.data(),
                           encrypt ? 1 : 0, nullptr) != 1 ||
        EVP_CipherUpdate(ctx.get(), nullptr, &length, aad.data(), int_size(aad.size())) != 1)
        throw CryptoError("AES-GCM setup");
    return ctx;
}

CipherCtxPtr cbc_context(bool encrypt, ByteView key, ByteView iv, std::size_t data_size) {
    if (iv.size() != aes_block_size || data_size % aes_block_size != 0)
        throw CryptoError("AES-CBC needs a 16-byte IV and whole blocks");
    CipherCtxPtr ctx = new_cipher_ctx();
    if (EVP_CipherInit_ex2(ctx.get(), aes_cipher(key.size(), false), key.data(), iv.data(),
                           encrypt ? 1 : 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
        throw CryptoError("AES-CBC setup");
    return ctx;
}

// Runs update+final of a length-preserving cipher (CBC without padding, GCM) into `out`.
template <typename Buffer>
bool run_cipher(EVP_CIPHER_CTX* ctx, ByteView in, Buffer& out) {
    out.resize(in.size());
    int length = 0;
    int final_length = 0;
    if (EVP_CipherUpdate(ctx, out.data(), &length, in.data(), int_size(in.size())) != 1)
        return false;
    if (EVP_CipherFinal_ex(ctx, out.data() + length, &final_length) != 1)
        return false;
    return static_cast<std::size_t>(length + final_length) == in.size();
}

PkeyCtxPtr pkey_ctx_from_name(const char* name) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, name, nullptr));
    if (!ctx)
        throw CryptoError(std::string("EVP_PKEY_CTX_new_from_name ") + name);
    return ctx;
}

// Builds a key from OSSL_PARAMs; returns null when OpenSSL rejects the values (bad peer input).
PkeyPtr key_from_params(const char* type, int selection, OSSL_PARAM_BLD* build) {
    ParamsPtr params(OSSL_PARAM_BLD_to_param(build));
    if (!params)
        throw CryptoError("OSSL_PARAM_BLD_to_param");
    PkeyCtxPtr ctx = pkey_ctx_from_name(type);
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata_init(ctx.get()) != 1)
        throw CryptoError("EVP_PKEY_fromdata_init");
    if (EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    return PkeyPtr(key);
}

ParamBuildPtr new_param_build() {
    ParamBuildPtr build(OSSL_PARAM_BLD_new());
    if (!build)
        throw CryptoError("OSSL_PARAM_BLD_new");
    return build;
}

constexpr const char* ecp_256_curve = "P-256";
constexpr const char* modp_2048_group = "modp_2048"; // RFC 3526 group 14
constexpr std::uint8_t uncompressed_point = 0x04;    // SEC 1 2.3.3

// The peer's KE data as an EVP_PKEY of our group; null when the value is invalid.
PkeyPtr peer_key(DhGroup group, ByteView value) {
    switch (group) {
    case DhGroup::curve25519: {
        PkeyPtr key(
            EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, value.data(), value.size()));
        if (!key)
            ERR_clear_error();
        return key;
    }
    case DhGroup::ecp_256: {
        Bytes point{uncompressed_point};
        point.insert(point.end(), value.begin(), value.end());
        ParamBuildPtr build = new_param_build();
        if (OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, ecp_256_curve,
                                            0) != 1 ||
            OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                             point.size()) != 1)
            throw CryptoError("OSSL_PARAM_BLD_push");
        return key_from_params("EC", EVP_PKEY_PUBLIC_KEY, build.get());
    }
    case DhGroup::modp_2048: {
        BignumPtr public_value(BN_bin2bn(value.data(), int_size(value.size()), nullptr));
        ParamBuildPtr build = new_param_build();
        if (!public_value ||
            OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                            modp_2048_group, 0) != 1 ||
            OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PUB_KEY, public_value.get()) != 1)
            throw CryptoError("OSSL_PARAM_BLD_push");
        return key_from_params("DH", EVP_PKEY_PUBLIC_KEY, build.get());
    }
    }
    throw CryptoError("unsupported DH group " + to_string(group));
}

} // namespace

CryptoError::CryptoError(const std::string& what)
    : std::runtime_error("OpenSSL: " + what + openssl_errors()) {}

void SystemRandom::fill(std::span<std::uint8_t> out) {
    if (RAND_bytes(out.data(), int_size(out.size())) != 1)
        throw CryptoError("RAND_bytes");
}

Bytes digest(Hash hash, ByteView data) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &length, message_digest(hash), nullptr) !=
        1)
        throw CryptoError("EVP_Digest");
    out.resize(length);
    return out;
}

SecureBytes hmac(Hash hash, ByteView key, ByteView data) {
    SecureBytes out(EVP_MAX_MD_SIZE);
    std::size_t length = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, EVP_MD_get0_name(message_digest(hash)), nullptr,
                   key.data(), key.size(), data.data(), data.size(), out.data(), out.size(),
                   &length))
        throw CryptoError("HMAC");
    out.resize(length);
    return out;
}

SecureBytes prf(PrfId id, ByteView key, ByteView data) {
    return hmac(prf_hash(id), key, data);
}

SecureBytes prf_plus(PrfId id, ByteView key, ByteView seed, std::size_t length) {
    // T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n); the counter is one octet.
    constexpr std::size_t max_blocks = 255;
    if (length > max_blocks * prf_output_size(id))
        throw CryptoError("prf+ output longer than 255 blocks");
    SecureBytes out;
    SecureBytes block;
    SecureBytes input;
    for (unsigned counter = 1; out.size() < length; ++counter) {
        input.assign(block.begin(), block.end());
        input.insert(input.end(), seed.begin(), seed.end());
        input.push_back(static_cast<std::uint8_t>(counter));
        block = prf(id, key, input);
        out.insert(out.end(), block.begin(), block.end());
    }
    out.resize(length);
    return out;
}

Bytes integrity_checksum(IntegrityId id, ByteView key, ByteView data) {
    const SecureBytes full = hmac(integrity_hash(id), key, data);
    return Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(integrity_icv_size(id)));
}

bool equal_constant_time(ByteView a, ByteView b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Bytes aes_gcm_seal(ByteView key, ByteView nonce, ByteView aad, ByteView plaintext) {
    CipherCtxPtr ctx = gcm_context(true, key, nonce, aad);
    Bytes out;
    if (!run_cipher(ctx.get(), plaintext, out))
        throw CryptoError("AES-GCM encrypt");
    out.resize(plaintext.size() + gcm_tag_size);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(gcm_tag_size),
                            out.data() + plaintext.size()) != 1)
        throw CryptoError("AES-GCM tag");
    return out;
}

std::optional<SecureBytes> aes_gcm_open(ByteView key, ByteView nonce, ByteView aad,
                                        ByteView ciphertext_and_tag) {
    if (ciphertext_and_tag.size() < gcm_tag_size)
        return std::nullopt;
    const ByteView ciphertext = ciphertext_and_tag.first(ciphertext_and_tag.size() - gcm_tag_size);
    Bytes tag(ciphertext_and_tag.end() - gcm_tag_size, ciphertext_and_tag.end());
    CipherCtxPtr ctx = gcm_context(false, key, nonce, aad);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(gcm_tag_size), tag.data()) != 1)
        throw CryptoError("AES-GCM tag");
    SecureBytes plaintext;
    if (!run_cipher(ctx.get(), ciphertext, plaintext)) {
        ERR_clear_error(); // a tag mismatch is the peer's fault, not ours
        return std::nullopt;
    }
    return plaintext;
}

Bytes aes_cbc_encrypt(ByteView key, ByteView iv, ByteView plaintext) {
    CipherCtxPtr ctx = cbc_context(true, key, iv, plaintext.size());
    Bytes out;
    if (!run_cipher(ctx.get(), plaintext, out))
        throw CryptoError("AES-CBC encrypt");
    return out;
}

SecureBytes aes_cbc_decrypt(ByteView key, ByteView iv, ByteView ciphertext) {
    CipherCtxPtr ctx = cbc_context(false, key, iv, ciphertext.size());
    SecureBytes out;
    if (!run_cipher(ctx.get(), ciphertext, out))
        throw CryptoError("AES-CBC decrypt");
    return out;
}

void DhKey::PkeyFree::operator()(EVP_PKEY* key) const {
    EVP_PKEY_free(key);
}

DhKey::DhKey(DhGroup group, std::unique_ptr<EVP_PKEY, PkeyFree> key)
    : group_(group), key_(std::move(key)) {}

std::size_t DhKey::public_value_size(DhGroup group) {
    switch (group) {
    case DhGroup::curve25519:
        return 32;
    case DhGroup::ecp_256:
        return 64;
    case DhGroup::modp_2048:
        return 256;
    }
    throw CryptoError("unsupported DH group " + to_string(group));
}

DhKey DhKey::generate(DhGroup group) {
    EVP_PKEY* key = nullptr;
    switch (group) {
    case DhGroup::curve25519:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
        break;
    case DhGroup::ecp_256:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", ecp_256_curve);
        break;
    case DhGroup::modp_2048: {
        PkeyCtxPtr ctx = pkey_ctx_from_name("DH");
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                             const_cast<char*>(modp_2048_group), 0),
            OSSL_PARAM_construct_end(),
        };
        if (EVP_PKEY_keygen_init(ctx.get()) != 1 ||
            EVP_PKEY_CTX_set_params(ctx.get(), params) != 1 ||
            EVP_PKEY_generate(ctx.get(), &key) != 1)
            key = nullptr;
        break;
    }
    }
    if (!key)
        throw CryptoError("DH key generation for " + to_string(group));
    return DhKey(group, std::unique_ptr<EVP_PKEY, PkeyFree>(key));
}

Result<DhKey> DhKey::from_private(DhGroup group, ByteView private_value) {
    switch (group) {
    case DhGroup::curve25519: {
        EVP_PKEY* key = EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr,
                                                        private_value.data(), private_value.size());
        if (!key) {
            ERR_clear_error();
            return Error{"invalid X25519 private key"};
        }
        return DhKey(group, std::unique_ptr<EVP_PKEY, PkeyFree>(key));
    }
    case DhGroup::ecp_256: {
        BignumPtr scalar(BN_bin2bn(private_value.data(), int_size(private_value.size()), nullptr));
        if (!scalar)
            throw CryptoError("BN_bin2bn");
        // OpenSSL does not derive the public point on import; compute scalar * G for it.
        EcGroupPtr curve(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
        if (!curve)
            throw CryptoError("EC_GROUP_new_by_curve_name");
        EcPointPtr point(EC_POINT_new(curve.get()));
        Bytes encoded(65);
        if (!point ||
            EC_POINT_mul(curve.get(), point.get(), scalar.get(), nullptr, nullptr, nullptr) != 1 ||
            EC_POINT_point2oct(curve.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                               encoded.data(), encoded.size(), nullptr) != encoded.size())
            return Error{"invalid ECP-256 private key"};
        ParamBuildPtr build = new_param_build();
        if (OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, ecp_256_curve,
                                            0) != 1 ||
            OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get()) != 1 ||
            OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(),
                                             encoded.size()) != 1)
            throw CryptoError("OSSL_PARAM_BLD_push");
        PkeyPtr key = key_from_params("EC", EVP_PKEY_KEYPAIR, build.get());
        if (!key)
            return Error{"invalid ECP-256 private key"};
        return DhKey(group, std::unique_ptr<EVP_PKEY, PkeyFree>(key.release()));
    }
    case DhGroup::modp_2048:
        break;
    }
    return Error{"private key import not supported for " + to_string(group)};
}

Bytes DhKey::public_value() const {
    switch (group_) {
    case DhGroup::curve25519: {
        Bytes out(32);
        std::size_t length = out.size();
        if (EVP_PKEY_get_raw_public_key(key_.get(), out.data(), &length) != 1 || length != 32)
            throw CryptoError("X25519 public key");
        return out;
    }
    case DhGroup::ecp_256: {
        Bytes point(65);
        std::size_t length = 0;
        if (EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                            point.size(), &length) != 1 ||
            length != point.size() || point[0] != uncompressed_point)
            throw CryptoError("ECP-256 public key");
        return Bytes(point.begin() + 1, point.end());
    }
    case DhGroup::modp_2048: {
        BIGNUM* raw = nullptr;
        if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, &raw) != 1)
            throw CryptoError("MODP public key");
        BignumPtr value(raw);
        Bytes out(public_value_size(group_));
        if (BN_bn2binpad(value.get(), out.data(), int_size(out.size())) < 0)
            throw CryptoError("MODP public key size");
        return out;
    }
    }
    throw CryptoError("unsupported DH group " + to_string(group_));
}

Result<SecureBytes> DhKey::shared_secret(ByteView peer_public) const {
    if (peer_public.size() != public_value_size(group_))
        return Error{to_string(group_) + " public value has " + std::to_string(peer_public.size()) +
                     " bytes, expected " + std::to_string(public_value_size(group_))};
    PkeyPtr peer = peer_key(group_, peer_public);
    if (!peer)
        return Error{"invalid " + to_string(group_) + " public value"};

    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
        throw CryptoError("EVP_PKEY_derive_init");
    // IKEv2 keeps leading zero octets of g^ir (RFC 7296 2.14); OpenSSL strips them by default.
    if (group_ == DhGroup::modp_2048 && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1)
        throw CryptoError("EVP_PKEY_CTX_set_dh_pad");
    // validate_peer runs EVP_PKEY_public_check: range for MODP, curve membership for ECP.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 1) != 1) {
        ERR_clear_error();
        return Error{"invalid " + to_string(group_) + " public value"};
    }
    std::size_t length = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1)
        throw CryptoError("EVP_PKEY_derive");
    SecureBytes secret(length);
    // OpenSSL's X25519 fails on an all-zero result (RFC 8031 2, RFC 7748 6.1): a peer error.
    if (EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1) {
        ERR_clear_error();
        return Error{to_string(group_) + " key agreement failed"};
    }
    secret.resize(length);
    return secret;
}

} // namespace spirecovery::ike::crypto
