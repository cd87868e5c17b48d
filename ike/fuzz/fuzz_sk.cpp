// SPDX-License-Identifier: GPL-2.0
// The SK payload (decryption) path with fixed keys, AES-GCM (-DFUZZ_SK_gcm) or AES-CBC with
// HMAC-SHA2-256-128 (-DFUZZ_SK_cbc). The first input byte picks what the rest is:
//   0  a whole datagram, opened as received (header and SK framing checks, ICV/tag check);
//   1  an IKE header followed by plaintext, encrypted and authenticated here with the fixed
//      keys so that the padding check and inner payload decoding behind the ICV are reached.
#include <algorithm>
#include <cstdlib>

#include "ike/fuzz/fuzz_common.h"
#include "ike/lib/crypto.h"
#include "ike/lib/wire.h"

using namespace spirecovery::ike;

namespace {

#if defined(FUZZ_SK_gcm)
const NegotiatedSuite suite = fuzz::gcm_suite();
#else
const NegotiatedSuite suite = fuzz::cbc_suite();
#endif

// HDR | SK header | IV | E(plaintext) | ICV, with the plaintext taken as is (its last byte is
// the Pad Length the receiver will check).
Bytes protect_raw(ByteView header_bytes, std::uint8_t first_inner, ByteView plaintext) {
    const Bytes key = fuzz::fixed_encryption_key(suite);
    const std::size_t key_size = suite.encryption.key_bits / 8;
    const bool gcm = suite.encryption.is_aead();
    const std::size_t iv_size = gcm ? 8 : crypto::aes_block_size;
    const std::size_t icv_size = gcm ? crypto::gcm_tag_size : integrity_icv_size(*suite.integrity);
    const std::size_t sk_length = generic_header_size + iv_size + plaintext.size() + icv_size;
    wire::Writer out;
    out.bytes(header_bytes.first(16));
    out.u8(static_cast<std::uint8_t>(PayloadType::encrypted));
    out.bytes(header_bytes.subspan(17, 7));
    out.u32(static_cast<std::uint32_t>(header_size + sk_length));
    out.u8(first_inner);
    out.u8(0);
    out.u16(static_cast<std::uint16_t>(sk_length));
    const Bytes iv(iv_size, 0x11);
    const ByteView cipher_key = ByteView(key).first(key_size);
    if (gcm) {
        const Bytes aad = out.data();
        out.bytes(iv);
        out.bytes(crypto::aes_gcm_seal(cipher_key, concat({ByteView(key).subspan(key_size), iv}),
                                       aad, plaintext));
    } else {
        out.bytes(iv);
        out.bytes(crypto::aes_cbc_encrypt(cipher_key, iv, plaintext));
        out.bytes(crypto::integrity_checksum(*suite.integrity, fuzz::fixed_integrity_key(suite),
                                             out.data()));
    }
    return out.take();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const MessageProtection protection = fuzz::fixed_protection(suite);
    if (size < 1)
        return 0;
    const ByteView input(data + 1, size - 1);
    if (data[0] == 0) {
        (void)protection.open(input);
        return 0;
    }
    // header (28) | first inner payload type (1) | plaintext
    if (input.size() < header_size + 2 || input.size() > 0xff00)
        return 0;
    ByteView plaintext = input.subspan(header_size + 1);
    if (!suite.encryption.is_aead())
        plaintext = plaintext.first(plaintext.size() - plaintext.size() % crypto::aes_block_size);
    if (plaintext.empty())
        return 0;
    const Bytes datagram = protect_raw(input.first(header_size), input[header_size], plaintext);
    auto opened = protection.open(datagram);
    // Integrity holds by construction; only the header, padding or inner payloads may fail.
    if (!opened && (opened.error().message.find("integrity") != std::string::npos ||
                    opened.error().message.find("AES-GCM") != std::string::npos))
        std::abort();
    return 0;
}
