// SPDX-License-Identifier: GPL-2.0
// IKE SA key material (RFC 7296 2.14).
#pragma once

#include "ike/lib/bytes.h"
#include "ike/lib/message.h"
#include "ike/lib/proposal.h"

namespace spirecovery::ike {

struct IkeSaKeys {
    SecureBytes sk_d;
    SecureBytes sk_ai; // empty for AEAD
    SecureBytes sk_ar;
    SecureBytes sk_ei; // for AES-GCM: key | salt
    SecureBytes sk_er;
    SecureBytes sk_pi;
    SecureBytes sk_pr;
};

// SKEYSEED = prf(Ni | Nr, g^ir)
// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
// The nonces are the full Nonce Data of both IKE_SA_INIT messages.
IkeSaKeys derive_ike_sa_keys(const NegotiatedSuite& suite, ByteView shared_secret, ByteView nonce_i,
                             ByteView nonce_r, const Spi& spi_i, const Spi& spi_r);

} // namespace spirecovery::ike
