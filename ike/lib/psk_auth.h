// SPDX-License-Identifier: GPL-2.0
// AUTH payload data for shared-key authentication (RFC 7296 2.15, method 2).
#pragma once

#include "ike/lib/bytes.h"
#include "ike/lib/constants.h"

namespace spirecovery::ike {

// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>), where
// SignedOctets = RealMessage | Nonce of the other side | prf(SK_p, RestOfIDPayload).
// For the initiator: its own IKE_SA_INIT request, Nr, SK_pi and the IDi body; for the
// responder: its IKE_SA_INIT response, Ni, SK_pr and the IDr body. `id_body` starts at the ID
// Type field (encode_id_body()).
SecureBytes psk_auth_data(PrfId prf, ByteView psk, ByteView sa_init_message, ByteView peer_nonce,
                          ByteView sk_p, ByteView id_body);

} // namespace spirecovery::ike
