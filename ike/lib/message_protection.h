// SPDX-License-Identifier: GPL-2.0
// The Encrypted (SK) payload (RFC 7296 3.14; RFC 5282 for AES-GCM): protects and opens the
// messages of one direction of an IKE SA.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ike/lib/bytes.h"
#include "ike/lib/crypto.h"
#include "ike/lib/message.h"
#include "ike/lib/proposal.h"
#include "ike/lib/result.h"

namespace spirecovery::ike {

class MessageProtection {
public:
    // `encryption_key` is SK_ei or SK_er (for AES-GCM: key | 4-byte salt); `integrity_key` is
    // SK_ai or SK_ar, empty for AES-GCM. Throws std::invalid_argument on wrong key sizes.
    MessageProtection(const NegotiatedSuite& suite, ByteView encryption_key,
                      ByteView integrity_key);

    // HDR, SK {inner...}. `random` supplies the CBC IV; AES-GCM uses a per-key counter as its
    // explicit IV so no IV repeats under one key (RFC 5282 3.1).
    Bytes seal(const Header& header, const std::vector<Payload>& inner,
               crypto::RandomSource& random);

    // Checks integrity, then decrypts, then decodes the inner payload chain. The message must
    // consist of the SK payload alone. The returned message holds the inner payloads.
    Result<Message> open(ByteView datagram) const;

private:
    std::size_t iv_size() const;
    std::size_t icv_size() const;

    EncryptionAlgorithm encryption_;
    std::optional<IntegrityId> integrity_;
    SecureBytes key_;
    SecureBytes salt_; // AES-GCM only
    SecureBytes integrity_key_;
    std::uint64_t next_gcm_iv_ = 0;
};

} // namespace spirecovery::ike
