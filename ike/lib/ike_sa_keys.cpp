// SPDX-License-Identifier: GPL-2.0
#include "ike/lib/ike_sa_keys.h"

#include "ike/lib/crypto.h"

namespace spirecovery::ike {

IkeSaKeys derive_ike_sa_keys(const NegotiatedSuite& suite, ByteView shared_secret, ByteView nonce_i,
                             ByteView nonce_r, const Spi& spi_i, const Spi& spi_r) {
    // With an HMAC PRF the whole Ni | Nr is the key (RFC 7296 2.14 truncates only for
    // fixed-key-size PRFs, none of which we negotiate).
    const SecureBytes nonces = to_secure(concat({nonce_i, nonce_r}));
    const SecureBytes skeyseed = crypto::prf(suite.prf, nonces, shared_secret);

    const std::size_t prf_size = prf_output_size(suite.prf);
    const std::size_t integrity_size = suite.integrity ? integrity_key_size(*suite.integrity) : 0;
    const std::size_t encryption_size = encryption_key_size(suite.encryption);
    const SecureBytes keymat =
        crypto::prf_plus(suite.prf, skeyseed, concat({nonce_i, nonce_r, spi_i, spi_r}),
                         prf_size + 2 * integrity_size + 2 * encryption_size + 2 * prf_size);

    std::size_t offset = 0;
    auto take = [&](std::size_t size) {
        SecureBytes key(keymat.begin() + static_cast<std::ptrdiff_t>(offset),
                        keymat.begin() + static_cast<std::ptrdiff_t>(offset + size));
        offset += size;
        return key;
    };
    IkeSaKeys keys;
    keys.sk_d = take(prf_size);
    keys.sk_ai = take(integrity_size);
    keys.sk_ar = take(integrity_size);
    keys.sk_ei = take(encryption_size);
    keys.sk_er = take(encryption_size);
    keys.sk_pi = take(prf_size);
    keys.sk_pr = take(prf_size);
    return keys;
}

} // namespace spirecovery::ike
