// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/psk_auth.h"

#include <string_view>

#include "ike/lib/crypto.h"

namespace spirecovery::ike {

SecureBytes psk_auth_data(PrfId prf, ByteView psk, ByteView sa_init_message, ByteView peer_nonce,
                          ByteView sk_p, ByteView id_body) {
    static constexpr std::string_view key_pad = "Key Pad for IKEv2";
    const SecureBytes padded_key = crypto::prf(
        prf, psk, ByteView(reinterpret_cast<const std::uint8_t*>(key_pad.data()), key_pad.size()));
    const SecureBytes maced_id = crypto::prf(prf, sk_p, id_body);
    const Bytes signed_octets = concat({sa_init_message, peer_nonce, maced_id});
    return crypto::prf(prf, padded_key, signed_octets);
}

} // namespace spirecovery::ike
