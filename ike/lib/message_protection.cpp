// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/message_protection.h"

#include <stdexcept>
#include <string>

#include "ike/lib/wire.h"

namespace spirecovery::ike {

namespace {

constexpr std::size_t gcm_iv_size = 8; // RFC 5282 3.1

} // namespace

MessageProtection::MessageProtection(const NegotiatedSuite& suite, ByteView encryption_key,
                                     ByteView integrity_key)
    : encryption_(suite.encryption), integrity_(suite.integrity) {
    if (encryption_key.size() != encryption_key_size(encryption_))
        throw std::invalid_argument("SK_e has the wrong size for " + suite.to_string());
    const std::size_t key_size = encryption_.key_bits / 8;
    key_ = to_secure(encryption_key.first(key_size));
    salt_ = to_secure(encryption_key.subspan(key_size));
    const std::size_t expected_integrity = integrity_ ? integrity_key_size(*integrity_) : 0;
    if (integrity_key.size() != expected_integrity ||
        encryption_.is_aead() == integrity_.has_value())
        throw std::invalid_argument("SK_a has the wrong size for " + suite.to_string());
    integrity_key_ = to_secure(integrity_key);
}

std::size_t MessageProtection::iv_size() const {
    return encryption_.is_aead() ? gcm_iv_size : crypto::aes_block_size;
}

std::size_t MessageProtection::icv_size() const {
    return integrity_ ? integrity_icv_size(*integrity_) : crypto::gcm_tag_size;
}

Bytes MessageProtection::seal(const Header& header, const std::vector<Payload>& inner,
                              crypto::RandomSource& random) {
    wire::Writer chain;
    const PayloadType first_inner = encode_payloads(inner, chain);

    // Plaintext = payloads | padding | Pad Length. AES-GCM needs no padding; CBC pads to a
    // whole number of blocks.
    SecureBytes plaintext(chain.data().begin(), chain.data().end());
    const std::size_t block = encryption_.is_aead() ? 1 : crypto::aes_block_size;
    const std::size_t padding = (block - (plaintext.size() + 1) % block) % block;
    plaintext.insert(plaintext.end(), padding, 0);
    plaintext.push_back(static_cast<std::uint8_t>(padding));

    const std::size_t sk_length = generic_header_size + iv_size() + plaintext.size() + icv_size();
    if (sk_length > 0xffff)
        throw std::length_error("SK payload too long");
    wire::Writer out;
    encode_header(header, PayloadType::encrypted,
                  static_cast<std::uint32_t>(header_size + sk_length), out);
    out.u8(static_cast<std::uint8_t>(first_inner));
    out.u8(0);
    out.u16(static_cast<std::uint16_t>(sk_length));

    if (encryption_.is_aead()) {
        wire::Writer iv;
        iv.u32(static_cast<std::uint32_t>(next_gcm_iv_ >> 32));
        iv.u32(static_cast<std::uint32_t>(next_gcm_iv_));
        ++next_gcm_iv_;
        const Bytes nonce = concat({salt_, iv.data()});
        // RFC 5282 5.1: the AAD runs from the IKE header through the SK payload header.
        const Bytes aad = out.data();
        out.bytes(iv.data());
        out.bytes(crypto::aes_gcm_seal(key_, nonce, aad, plaintext));
    } else {
        Bytes iv(crypto::aes_block_size);
        random.fill(iv);
        out.bytes(iv);
        out.bytes(crypto::aes_cbc_encrypt(key_, iv, plaintext));
        // The checksum covers the whole message up to and including the ciphertext.
        out.bytes(crypto::integrity_checksum(*integrity_, integrity_key_, out.data()));
    }
    return out.take();
}

Result<Message> MessageProtection::open(ByteView datagram) const {
    auto decoded = decode_header(datagram);
    if (!decoded)
        return decoded.error();
    auto raws = split_payloads(decoded->first_payload, datagram.subspan(header_size));
    if (!raws)
        return raws.error();
    if (raws->size() != 1 || raws->front().type != PayloadType::encrypted)
        return Error{"protected message must carry exactly one payload, SK"};
    const RawPayload& sk = raws->front();

    const std::size_t block = encryption_.is_aead() ? 1 : crypto::aes_block_size;
    if (sk.body.size() < iv_size() + block + icv_size() ||
        (sk.body.size() - iv_size() - icv_size()) % block != 0)
        return Error{"SK payload of " + std::to_string(sk.body.size()) +
                     " bytes does not fit IV, whole cipher blocks and ICV"};
    const std::size_t iv_offset = datagram.size() - sk.body.size();
    const ByteView authenticated = datagram.first(iv_offset);
    const ByteView iv = sk.body.first(iv_size());
    const ByteView ciphertext = sk.body.subspan(iv_size(), sk.body.size() - iv_size() - icv_size());

    SecureBytes plaintext;
    if (encryption_.is_aead()) {
        auto opened = crypto::aes_gcm_open(key_, concat({salt_, iv}), authenticated,
                                           sk.body.subspan(iv_size()));
        if (!opened)
            return Error{"SK payload failed AES-GCM authentication"};
        plaintext = std::move(*opened);
    } else {
        const ByteView icv = sk.body.last(icv_size());
        const Bytes expected = crypto::integrity_checksum(
            *integrity_, integrity_key_, datagram.first(datagram.size() - icv_size()));
        if (!crypto::equal_constant_time(icv, expected))
            return Error{"SK payload integrity checksum mismatch"};
        plaintext = crypto::aes_cbc_decrypt(key_, iv, ciphertext);
    }

    const std::size_t padding = plaintext.back();
    if (padding + 1 > plaintext.size())
        return Error{"SK pad length " + std::to_string(padding) + " exceeds the plaintext"};
    const ByteView chain = ByteView(plaintext).first(plaintext.size() - padding - 1);
    auto inner = decode_payloads(sk.next, chain);
    if (!inner)
        return Error{"inside SK: " + inner.error().message};
    return Message{decoded->header, std::move(inner).value()};
}

} // namespace spirecovery::ike
